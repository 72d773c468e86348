"""Admin for leads, their form submissions and inquiries, scoped to the leadership's partnership.

Leads come only from the public forms, so nothing here creates one. What leadership changes by
hand is the assignment: the referring member of a lead (audited as "lead.reassigned").

Transactions are read-only here: their rules (the team, the leader, stages) live in
leads.services.transactions, those of notes, documents and disclosures in
leads.services.transaction_records; the team page uses them. Leadership may look, and each look
at a transaction's page is logged as a TransactionAccess (via admin), as on the site. One action
calls a service: leadership confirms that a lone member is the whole team.
"""

from __future__ import annotations

from django.contrib import admin, messages

from leads.models import (
    Disclosure,
    HandoffEvaluation,
    Inquiry,
    InquiryResponse,
    Lead,
    Submission,
    TeamMember,
    Transaction,
    TransactionAccess,
    TransactionDocument,
    TransactionEvent,
)
from leads.services import LeadRefused
from leads.services.intake import reassign_lead
from leads.services.transactions import confirm_whole_team
from pinnacle.admin import ReadOnlyTenantAdmin, ReadOnlyTenantInline, TenantAdmin, TenantForm


class SubmissionInline(ReadOnlyTenantInline):
    model = Submission
    fields = ["created_at", "form", "name", "need", "timeframe", "named_referrer", "message"]
    readonly_fields = fields
    ordering = ["-created_at"]


class LeadForm(TenantForm):
    class Meta:
        model = Lead
        fields = ["referring_member"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The lead's own partnership, also for superusers who see every partnership's members.
        field = self.fields.get("referring_member")
        if field is not None and self.instance.partnership_id:
            field.queryset = field.queryset.filter(partnership_id=self.instance.partnership_id)
            field.help_text = "Reassigning the lead is recorded in its timeline."


@admin.register(Lead)
class LeadAdmin(TenantAdmin):
    form = LeadForm
    list_display = [
        "name",
        "email",
        "need",
        "channel",
        "referring_member",
        "created_at",
        "last_submitted_at",
    ]
    list_filter = [
        "channel",
        "need",
        ("referring_member", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    search_fields = ["name", "email", "phone"]
    list_select_related = ["referring_member"]
    inlines = [SubmissionInline]
    readonly_fields = [
        "name",
        "email",
        "phone",
        "need",
        "timeframe",
        "channel",
        "utm",
        "consented_at",
        "created_at",
        "last_submitted_at",
    ]
    fieldsets = [
        ("Prospect", {"fields": ["name", "email", "phone", "need", "timeframe"]}),
        ("Assignment", {"fields": ["referring_member"]}),
        (
            "Source",
            {"fields": ["channel", "utm", "consented_at", "created_at", "last_submitted_at"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "partnership"] if request.user.is_superuser else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not request.user.is_superuser:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": ["partnership", *options["fields"]]}), *rest]

    def has_add_permission(self, request):
        return False  # leads come from the public forms, through submit_lead

    def save_model(self, request, obj, form, change):
        if change and "referring_member" in form.changed_data:
            new_member = obj.referring_member
            obj.referring_member_id = form.initial.get("referring_member")
            reassign_lead(lead=obj, member=new_member, actor=request.user)
        else:
            super().save_model(request, obj, form, change)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyTenantAdmin):
    list_display = ["created_at", "lead", "form", "need", "named_referrer", "channel"]
    list_filter = ["form", "channel", "need", "created_at"]
    search_fields = ["lead__name", "lead__email", "name", "message"]
    list_select_related = ["lead", "named_referrer"]


class InquiryResponseInline(ReadOnlyTenantInline):
    model = InquiryResponse
    fields = ["created_at", "member", "kind", "body", "follow_up_on"]
    readonly_fields = fields


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyTenantAdmin):
    """Inquiries and their answers as they happened: members answer from their inquiries page."""

    list_display = [
        "member",
        "lead",
        "created_at",
        "due_at",
        "responded_at",
        "escalated_at",
    ]
    list_filter = [
        ("member", admin.RelatedOnlyFieldListFilter),
        ("responded_at", admin.EmptyFieldListFilter),
        ("escalated_at", admin.EmptyFieldListFilter),
        "created_at",
    ]
    search_fields = ["lead__name", "lead__email", "member__display_name", "message"]
    list_select_related = ["member", "lead"]
    inlines = [InquiryResponseInline]
    readonly_fields = [
        "created_at",
        "due_at",
        "remind_at",
        "reminded_at",
        "escalated_at",
        "responded_at",
        "follow_up_due_at",
        "follow_up_reminded_at",
        "follow_up_escalated_at",
        "followed_up_at",
    ]


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
            try:
                if actor is None:
                    raise LeadRefused("Only leadership of this partnership confirms it.")
                confirm_whole_team(transaction=transaction, actor=actor)
            except LeadRefused as refusal:
                self.message_user(request, f"{transaction}: {refusal}", messages.WARNING)
            else:
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
                TransactionAccess.objects.create(
                    partnership_id=transaction.partnership_id,
                    transaction=transaction,
                    member=request.user.membership_in(transaction.partnership),
                    user=request.user,
                    via=TransactionAccess.Via.ADMIN,
                    path=request.get_full_path()[:300],
                )
        return response
