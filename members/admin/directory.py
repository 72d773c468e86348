"""Admin for companies and members, scoped to the leadership's partnership."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count

from members import services
from members.admin.common import with_partnership
from members.models import Company, Member
from pinnacle.admin import TenantAdmin, TenantForm
from pinnacle.models import Partnership
from pinnacle.public_pages import public_pages_changed


class ShownOnPublicPages:
    """An admin of rows the public pages show: deleting one, or a selection, or moving one to
    another partnership (a superuser's edit) shows the partnership it left afresh."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        left = form.initial.get("partnership")
        if change and "partnership" in form.changed_data and left is not None:
            public_pages_changed(Partnership(pk=left))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        public_pages_changed(obj.partnership)

    def delete_queryset(self, request, queryset):
        """ "Delete selected": every partnership whose rows went is shown afresh."""
        partnerships = {row.partnership for row in queryset.select_related("partnership")}
        super().delete_queryset(request, queryset)
        for partnership in partnerships:
            public_pages_changed(partnership)


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
class CompanyAdmin(ShownOnPublicPages, TenantAdmin):
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

    # A company's name, website and logo are on its members' cards and profiles.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        public_pages_changed(obj.partnership)

    def get_fieldsets(self, request, obj=None):
        return with_partnership(request, super().get_fieldsets(request, obj))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(Member)
class MemberAdmin(ShownOnPublicPages, TenantAdmin):
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
        return with_partnership(request, fieldsets)

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
