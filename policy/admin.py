"""Admin for the policy's versions, revisions, votes, suggestions and breach reports, scoped to
the leadership's partnership. The rules live in `policy.services`; the admin shows the records
and calls the services."""

from __future__ import annotations

from django.contrib import admin, messages

from members.models import Member
from pinnacle.admin import ReadOnlyTenantAdmin, TenantAdmin, TenantForm
from pinnacle.membership import request_membership
from pinnacle.models import POLICY_FIELDS
from pinnacle.refusals import refused_into
from policy import document
from policy.forms import policy_setting_field
from policy.models import BreachReport, PolicyRevision, PolicySuggestion, PolicyVersion, PolicyVote
from policy.services import feedback, revisions, versions


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
            with refused_into(self):
                revisions.check_revision(
                    partnership=partnership,
                    title=cleaned.get("title", ""),
                    text=cleaned.get("text", ""),
                    settings={name: cleaned.get(name) for name in POLICY_FIELDS},
                )
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
            "text": versions.current_policy(partnership).text,
            **document.partnership_settings(partnership),
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
        revision = revisions.propose_revision(
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
            with refused_into(
                request, level=messages.WARNING, prefix=f"{revision.title}: "
            ) as opening:
                revisions.open_voting(revision=revision, actor=leader)
            if not opening.refused:
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
    `policy.services.feedback` decides, so its refusals show as the form's errors."""

    user = None

    class Meta:
        model = BreachReport
        fields = ["status", "resolution"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        with refused_into(self):
            cleaned["status"], cleaned["resolution"] = feedback.check_breach_update(
                report=self.instance,
                actor=self.user,
                status=cleaned.get("status"),
                resolution=cleaned.get("resolution"),
            )
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
        report = feedback.update_breach_report(
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
