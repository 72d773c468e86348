"""Admin for members, companies, invitations and users, scoped to the leadership's partnership.

Invitations created here go through `invite_member` like everywhere else, so the email is queued
with the invitation. Users are shared between partnerships, so leadership only sees the users who
are members of their own partnership and may not change anything that reaches beyond it
(email, password, active/staff/superuser flags); superusers can do everything.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef

from members import services
from members.models import Company, Invitation, Member, User
from pinnacle.admin import TenantAdmin, TenantForm
from pinnacle.admin_site import is_partnership_leadership
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.selectors import latest_email_status
from pinnacle.refusals import refused_into


def _with_partnership(request, fieldsets):
    """Superusers choose the partnership; leadership's rows always belong to their own."""
    if not request.user.is_superuser:
        return fieldsets
    (name, options), *rest = fieldsets
    return [(name, {**options, "fields": ["partnership", *options["fields"]]}), *rest]


class CompanyForm(TenantForm):
    website_url = forms.URLField(label="Website", required=False, assume_scheme="https")

    class Meta:
        model = Company
        fields = [
            "partnership",
            "name",
            "website_url",
            "logo",
            "allows_profile_updates",
            "allows_registration_prefill",
        ]

    def clean(self):
        cleaned = super().clean()
        name, partnership = cleaned.get("name"), self.row_partnership()
        if name and partnership is not None:
            clash = Company.objects.for_partnership(partnership).filter(name__iexact=name)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("name", f"A company named \u201c{name}\u201d already exists.")
        return cleaned


@admin.register(Company)
class CompanyAdmin(TenantAdmin):
    form = CompanyForm
    list_display = [
        "name",
        "website_url",
        "member_count",
        "allows_profile_updates",
        "allows_registration_prefill",
    ]
    list_filter = ["allows_profile_updates", "allows_registration_prefill"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "website_url", "logo"]}),
        (
            "Co-marketing",
            {
                "fields": ["allows_profile_updates", "allows_registration_prefill"],
                "description": "What this company allows its co-marketing partners to do.",
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        return _with_partnership(request, super().get_fieldsets(request, obj))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Member)
class MemberAdmin(TenantAdmin):
    form = TenantForm
    list_display = [
        "display_name",
        "kind",
        "service_category",
        "role",
        "company",
        "is_listed",
        "is_active",
        "allows_profile_updates",
    ]
    list_filter = [
        "kind",
        "service_category",
        "role",
        "is_listed",
        "is_active",
        "allows_profile_updates",
    ]
    search_fields = ["display_name", "user__email", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["user", "company"]
    # The consent is the member's own, given on their profile page; leadership only sees it.
    readonly_fields = [
        "email",
        "photo",
        "company_logo",
        "allows_profile_updates",
        "joined_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "user",
                    "display_name",
                    "slug",
                    "kind",
                    "service_category",
                    "role",
                    "company",
                    "is_listed",
                    "is_active",
                ]
            },
        ),
        (
            "Profile",
            {
                "fields": [
                    "job_title",
                    "specialization",
                    "bio",
                    "photo",
                    "company_logo",
                    "service_areas",
                    "languages",
                ],
                "description": "Photos and logos are uploaded by the member on their profile page.",
            },
        ),
        (
            "Contact",
            {
                "fields": [
                    "cell_phone",
                    "office_phone",
                    "street_address",
                    "city",
                    "state",
                    "postal_code",
                    "timezone",
                ]
            },
        ),
        (
            "License and market",
            {"fields": ["employer", "license_number", "mls_market", "mls_agent_id"]},
        ),
        (
            "Co-marketing",
            {
                "fields": ["allows_profile_updates"],
                "description": "Set by the member on their own profile page.",
            },
        ),
        ("Dates", {"fields": ["joined_at", "updated_at"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not request.user.is_superuser:
            (name, options), *rest = fieldsets
            fields = ["email" if f == "user" else f for f in options["fields"]]
            fieldsets = [(name, {**options, "fields": fields}), *rest]
        return _with_partnership(request, fieldsets)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # The account and the public URL stay as the invitation made them.
            readonly += ["slug"]
        return readonly

    def has_add_permission(self, request):
        # Members join by accepting an invitation (see Invitations).
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        # Deleting a member deletes their history; leadership deactivates instead.
        return request.user.is_superuser

    @admin.display(description="email")
    def email(self, obj):
        return obj.user.email

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.member_changed_by_leadership(
            member=obj, actor=request.user, changed_fields=form.changed_data, created=not change
        )


class InvitationForm(TenantForm):
    class Meta:
        model = Invitation
        fields = [
            "partnership",
            "email",
            "display_name",
            "kind",
            "service_category",
            "role",
            "company",
        ]

    def clean_email(self) -> str:
        return services.normalize_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        partnership, email = self.row_partnership(), cleaned.get("email")
        company = cleaned.get("company")
        if partnership and company and company.partnership_id != partnership.pk:
            self.add_error("company", "Choose a company of the same partnership.")
        if partnership is not None and email:
            with refused_into(self):
                services.check_can_invite(partnership=partnership, email=email)
        return cleaned

    def validate_unique(self):
        # invite_member owns the "one pending invitation per address" rule (it renews expired ones).
        return None


@admin.register(Invitation)
class InvitationAdmin(TenantAdmin):
    form = InvitationForm
    list_display = [
        "email",
        "display_name",
        "role",
        "kind",
        "state",
        "invited_by",
        "created_at",
        "expires_at",
        "email_status",
    ]
    list_filter = ["status", "role", "kind"]
    search_fields = ["email", "display_name"]
    list_select_related = ["invited_by"]
    date_hierarchy = "created_at"
    actions = ["resend_invitations", "revoke_invitations"]
    add_fields = ["email", "display_name", "kind", "service_category", "role", "company"]
    detail_fields = [
        "email",
        "display_name",
        "kind",
        "service_category",
        "role",
        "company",
        "status",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "member",
        "email_status",
    ]

    def get_fields(self, request, obj=None):
        fields = self.add_fields if obj is None else self.detail_fields
        return ["partnership", *fields] if request.user.is_superuser else list(fields)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        # Invitation rows are not edited by hand: resend or revoke them with the actions.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(latest_email_status=latest_email_status(Invitation))
        )

    @admin.display(description="status", ordering="status")
    def state(self, obj):
        if obj.is_expired:
            return "Expired"
        return obj.get_status_display()

    @admin.display(description="email delivery")
    def email_status(self, obj):
        status = getattr(obj, "latest_email_status", None)
        return OutboxMessage.Status(status).label if status else "Not sent"

    def save_model(self, request, obj, form, change):
        invitation = services.invite_member(
            partnership=obj.partnership if obj.partnership_id else request.partnership,
            invited_by=request.user,
            email=obj.email,
            display_name=obj.display_name,
            kind=obj.kind,
            service_category=obj.service_category,
            role=obj.role,
            company=obj.company,
        )
        # The admin goes on to log and redirect to this object: make it the saved row.
        for field in Invitation._meta.concrete_fields:
            setattr(obj, field.attname, getattr(invitation, field.attname))
        obj._state.adding = False
        messages.success(request, f"Invitation email queued for {invitation.email}.")

    @admin.action(description="Resend the invitation email")
    def resend_invitations(self, request, queryset):
        self._apply(request, queryset, services.resend_invitation, "Resent")

    @admin.action(description="Revoke the selected invitations")
    def revoke_invitations(self, request, queryset):
        self._apply(request, queryset, services.revoke_invitation, "Revoked")

    def _apply(self, request, queryset, service, verb: str) -> None:
        done = 0
        for invitation in queryset.select_related("partnership"):
            with refused_into(
                request, level=messages.WARNING, prefix=f"{invitation.email}: "
            ) as applying:
                service(invitation=invitation, actor=request.user)
            if not applying.refused:
                done += 1
        if done:
            self.message_user(request, f"{verb} {done} invitation(s).", messages.SUCCESS)


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

    def user_change_password(self, request, id, form_url=""):
        # A password opens every partnership the person belongs to: only superusers set one.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)
