"""Admin for users. Users are shared between partnerships, so leadership only sees the users
who are members of their own partnership and may not change anything that reaches beyond it
(email, password, active/staff/superuser flags); superusers can do everything."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef

from members import services
from members.models import Member, User
from pinnacle.admin_site import is_partnership_leadership


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)
        field_classes = {}

    def clean_email(self) -> str:
        email = services.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__lower=email).exists():
            raise ValidationError("A user with this email address already exists.")
        return email


class UserChangeForm(BaseUserChangeForm):
    class Meta(BaseUserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}

    def clean_email(self) -> str:
        email = services.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__lower=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError("A user with this email address already exists.")
        return email


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name"]}),
        (
            "Permissions",
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    leadership_fieldsets = [
        (None, {"fields": ["email"]}),
        ("Personal info", {"fields": ["first_name", "last_name"]}),
        (
            "Status",
            {
                "fields": ["is_active", "is_staff", "last_login", "date_joined"],
                "description": "Accounts are shared by every partnership a person belongs to. "
                "To remove someone from this partnership, deactivate their member profile.",
            },
        ),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "usable_password", "password1", "password2"],
            },
        )
    ]

    def has_module_permission(self, request):
        return is_partnership_leadership(request)

    def has_view_permission(self, request, obj=None):
        return is_partnership_leadership(request)

    def has_change_permission(self, request, obj=None):
        return is_partnership_leadership(request)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        members_here = Member.objects.for_partnership(request.partnership).filter(
            user=OuterRef("pk")
        )
        return queryset.filter(Exists(members_here), is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.leadership_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["last_login", "date_joined"]
        return ["email", "is_active", "is_staff", "last_login", "date_joined"]

    def get_list_filter(self, request):
        return self.list_filter if request.user.is_superuser else ["is_active"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            services.account_changed(obj)

    def user_change_password(self, request, id, form_url=""):
        # A password opens every partnership the person belongs to: only superusers set one.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)
