"""Admin for transactions, scoped to the leadership's partnership; read-only.

Their rules (the team, the leader, stages) live in transactions.services.lifecycle, those of
notes, documents and disclosures in transactions.services.records; the team page uses them.
Leadership may look, and each look at a transaction's page is logged as a TransactionAccess (via
admin), as on the site. One action calls a service: leadership confirms that a lone member is the
whole team.
"""

from __future__ import annotations

from django.contrib import admin, messages

from pinnacle.admin import ReadOnlyTenantAdmin, ReadOnlyTenantInline
from pinnacle.refusals import refused_into
from transactions.models import (
    Disclosure,
    HandoffEvaluation,
    TeamMember,
    Transaction,
    TransactionAccess,
    TransactionDocument,
    TransactionEvent,
)
from transactions.services import TransactionRefused
from transactions.services.access_log import record_admin_access
from transactions.services.lifecycle import confirm_whole_team


class TeamMemberInline(ReadOnlyTenantInline):
    model = TeamMember
    fields = ["member", "role", "added_by", "added_at"]
    readonly_fields = fields


class TransactionEventInline(ReadOnlyTenantInline):
    model = TransactionEvent
    fields = ["created_at", "kind", "actor", "summary", "body", "shared_with_customer"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]


class TransactionDocumentInline(ReadOnlyTenantInline):
    # The file itself only through the team page's download, which checks who may see it.
    model = TransactionDocument
    fields = ["title", "content_type", "uploaded_by", "created_at"]
    readonly_fields = fields


class HandoffEvaluationInline(ReadOnlyTenantInline):
    model = HandoffEvaluation
    fields = [
        "meeting_time",
        "success",
        "efficiency",
        "effectiveness",
        "notes",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = fields

    @admin.display(description="meeting held")
    def meeting_time(self, evaluation):
        return evaluation.meeting.starts_at


class DisclosureInline(ReadOnlyTenantInline):
    model = Disclosure
    fields = [
        "grantee_name",
        "grantee_email",
        "grantee_member",
        "scope",
        "covers",
        "valid_until",
        "recorded_by",
        "created_at",
        "revoked_at",
    ]
    readonly_fields = fields


class TransactionAccessInline(ReadOnlyTenantInline):
    model = TransactionAccess
    fields = ["created_at", "member", "user", "via", "seen_on", "disclosure", "path"]
    readonly_fields = fields
    ordering = ["-created_at"]


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyTenantAdmin):
    """Every transaction of the partnership, for leadership's post-close duties; read-only."""

    list_display = [
        "lead",
        "kind",
        "stage",
        "leader",
        "created_at",
        "expected_close_on",
        "closed_on",
    ]
    list_filter = ["stage", "kind", "created_at"]
    search_fields = ["lead__name", "lead__email", "property_address"]
    list_select_related = ["lead", "leader"]
    readonly_fields = [
        "lead",
        "kind",
        "stage",
        "property_address",
        "expected_close_on",
        "value",
        "referral_member",
        "leader",
        "opened_by",
        "created_at",
        "stage_changed_at",
        "closed_on",
        "solo_member",
        "solo_confirmed_by",
        "solo_confirmed_at",
    ]
    fields = readonly_fields
    actions = ["confirm_lone_member_is_whole_team"]
    inlines = [
        TeamMemberInline,
        TransactionEventInline,
        TransactionDocumentInline,
        HandoffEvaluationInline,
        DisclosureInline,
        TransactionAccessInline,
    ]

    @admin.action(description="Confirm the lone member is the whole team")
    def confirm_lone_member_is_whole_team(self, request, queryset):
        confirmed = 0
        for transaction in queryset.select_related("lead", "partnership"):
            actor = request.user.membership_in(transaction.partnership)
            with refused_into(request, level=messages.WARNING, prefix=f"{transaction}: ") as call:
                if actor is None:
                    raise TransactionRefused("Only leadership of this partnership confirms it.")
                confirm_whole_team(transaction=transaction, actor=actor)
            if not call.refused:
                confirmed += 1
        if confirmed:
            self.message_user(
                request,
                f"Confirmed for {confirmed} transaction(s): the lone member is the whole team.",
                messages.SUCCESS,
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            transaction = self.get_object(request, object_id)
            if transaction is not None:
                record_admin_access(
                    transaction=transaction,
                    member=request.user.membership_in(transaction.partnership),
                    user=request.user,
                    path=request.get_full_path(),
                )
        return response
