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

from members import governance, policy_document, policy_feedback, services
from members.forms import policy_setting_field
from members.models import (
    BreachReport,
    Company,
    Invitation,
    Member,
    PolicyRevision,
    PolicySuggestion,
    PolicyVersion,
    PolicyVote,
    User,
)
from pinnacle.admin import ReadOnlyTenantAdmin, TenantAdmin, TenantForm
from pinnacle.admin_site import is_partnership_leadership
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.selectors import latest_email_status
from pinnacle.membership import request_membership
from pinnacle.models import POLICY_FIELDS
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


# --- Policy governance ----------------------------------------------------------------------------
# The rules live in members.governance and members.policy_feedback; the admin shows the records
# and calls the services.


def _leader(request) -> Member | None:
    """The request's active leadership membership (superusers may have none)."""
    membership = request_membership(request)
    return membership if membership is not None and membership.is_leadership else None


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyTenantAdmin):
    list_display = ["__str__", "effective_at", "revision"]
    list_select_related = ["revision"]
    fields = ["number", "effective_at", "revision", "settings", "text"]
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None):
        return False  # the policy's history is the record of what members agreed to


class RevisionAdminForm(TenantForm):
    """Leadership drafts a revision here as on the policy pages; `check_revision` decides."""

    class Meta:
        model = PolicyRevision
        fields = ["title", "rationale", "text"]

    def clean(self):
        cleaned = super().clean()
        partnership = self.row_partnership()
        if partnership is not None and not self.errors:
            try:
                governance.check_revision(
                    partnership=partnership,
                    title=cleaned.get("title", ""),
                    text=cleaned.get("text", ""),
                    settings={name: cleaned.get(name) for name in POLICY_FIELDS},
                )
            except governance.GovernanceRefused as refusal:
                for field, errors in (
                    refusal.error_dict.items()
                    if hasattr(refusal, "error_dict")
                    else [(None, refusal.messages)]
                ):
                    self.add_error(field if field in self.fields else None, errors)
        return cleaned


for _name in POLICY_FIELDS:
    RevisionAdminForm.base_fields[_name] = policy_setting_field(_name)
    RevisionAdminForm.declared_fields[_name] = RevisionAdminForm.base_fields[_name]


@admin.register(PolicyRevision)
class PolicyRevisionAdmin(TenantAdmin):
    form = RevisionAdminForm
    list_display = [
        "title",
        "status",
        "voting_closes_at",
        "yes_count",
        "no_count",
        "eligible_count",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["title"]
    date_hierarchy = "created_at"
    actions = ["open_voting_for_a_week"]
    add_fieldsets = [
        (None, {"fields": ["title", "rationale"]}),
        ("Proposed numbers", {"fields": list(POLICY_FIELDS)}),
        ("Proposed text", {"fields": ["text"]}),
    ]
    detail_fields = [
        "title",
        "status",
        "proposed_by",
        "created_at",
        "base_version",
        "rationale",
        "settings",
        "voting_opens_at",
        "voting_closes_at",
        "majority_of",
        "eligible_count",
        "yes_count",
        "no_count",
        "decided_at",
        "text",
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        return [(None, {"fields": self.detail_fields})]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.detail_fields

    def get_changeform_initial_data(self, request):
        partnership = request.partnership
        return {
            "text": governance.current_policy(partnership).text,
            **policy_document.partnership_settings(partnership),
        }

    def has_add_permission(self, request):
        # A revision is proposed by a leader of this partnership (its proposer is a member).
        return _leader(request) is not None

    def has_change_permission(self, request, obj=None):
        # Rows are not edited by hand: votes open through the action, close by the sweep.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        drafts_only = obj is None or obj.status == PolicyRevision.Status.DRAFT
        return drafts_only and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        revision = governance.propose_revision(
            actor=_leader(request),
            title=form.cleaned_data["title"],
            rationale=form.cleaned_data["rationale"],
            text=form.cleaned_data["text"],
            settings={name: form.cleaned_data[name] for name in POLICY_FIELDS},
        )
        for field in PolicyRevision._meta.concrete_fields:
            setattr(obj, field.attname, getattr(revision, field.attname))
        obj._state.adding = False

    @admin.action(description="Open voting for 7 days (emails every active member)")
    def open_voting_for_a_week(self, request, queryset):
        leader = _leader(request)
        if leader is None:
            self.message_user(
                request, "Only leadership of this partnership opens a vote.", messages.ERROR
            )
            return
        for revision in queryset:
            try:
                governance.open_voting(revision=revision, actor=leader)
            except governance.GovernanceRefused as refusal:
                self.message_user(
                    request, f"{revision.title}: {' '.join(refusal.messages)}", messages.WARNING
                )
            else:
                self.message_user(
                    request, f"Voting on \u201c{revision.title}\u201d is open.", messages.SUCCESS
                )


@admin.register(PolicySuggestion)
class PolicySuggestionAdmin(ReadOnlyTenantAdmin):
    list_display = ["created_at", "author", "kind", "status", "revision"]
    list_filter = ["kind", "status"]
    search_fields = ["body", "author__display_name"]
    list_select_related = ["author", "revision"]
    fields = ["author", "kind", "status", "created_at", "body", "revision", "response"]
    readonly_fields = fields


class BreachReportAdminForm(TenantForm):
    """A site superuser handles a report here (those that concern every leader come to them);
    `policy_feedback` decides, so its refusals show as the form's errors."""

    user = None

    class Meta:
        model = BreachReport
        fields = ["status", "resolution"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned["status"], cleaned["resolution"] = policy_feedback.check_breach_update(
                report=self.instance,
                actor=self.user,
                status=cleaned.get("status"),
                resolution=cleaned.get("resolution"),
            )
        except governance.GovernanceRefused as refusal:
            if hasattr(refusal, "error_dict"):
                for field, errors in refusal.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, refusal)
        return cleaned


@admin.register(BreachReport)
class BreachReportAdmin(ReadOnlyTenantAdmin):
    """Confidential to leadership; a leader never sees a report about themselves. Leadership
    handles reports on their page (the link "View on site"), where the rules apply. A report
    that concerns every leader goes to the site's superusers, who read and handle it here."""

    form = BreachReportAdminForm
    list_display = [
        "__str__",
        "created_at",
        "source",
        "subject_member",
        "occurred_on",
        "routed_to",
        "status",
    ]
    list_filter = ["status", "routed_to", "source"]
    list_select_related = ["subject_member"]
    details = [
        "created_at",
        "source",
        "reported_by",
        "subject_member",
        "occurred_on",
        "routed_to",
        "description",
    ]
    fields = [*details, "status", "resolution"]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        membership = request_membership(request)
        if membership is not None:
            rows = rows.exclude(subject_member=membership)
        return rows

    def has_change_permission(self, request, obj=None):
        return _site_admin(request)

    def get_readonly_fields(self, request, obj=None):
        return self.details if _site_admin(request) else self.fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        report = policy_feedback.update_breach_report(
            report=obj,
            actor=request.user,
            status=form.cleaned_data["status"],
            resolution=form.cleaned_data["resolution"],
        )
        obj.status, obj.resolution = report.status, report.resolution

    @admin.display(description="reported by")
    def reported_by(self, obj):
        if obj.reporter:
            return obj.reporter.display_name
        contact = " ".join(part for part in (obj.reporter_name, obj.reporter_email) if part)
        return contact or "Anonymous"


def _site_admin(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.is_superuser


@admin.register(PolicyVote)
class PolicyVoteAdmin(ReadOnlyTenantAdmin):
    """Votes are never edited; they are shown once their revision's vote is decided."""

    list_display = ["revision", "member", "choice", "updated_at"]
    list_filter = ["choice"]
    list_select_related = ["revision", "member"]
    fields = ["revision", "member", "choice", "created_at", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        decided = [PolicyRevision.Status.APPROVED, PolicyRevision.Status.REJECTED]
        return super().get_queryset(request).filter(revision__status__in=decided)

    def has_delete_permission(self, request, obj=None):
        return False
