"""Admin for leads, their form submissions and inquiries, scoped to the leadership's partnership.

Leads come only from the public forms, so nothing here creates one. What leadership changes by
hand is the assignment: the referring member of a lead (audited as "lead.reassigned").

A lead's transactions have their own admin (transactions.admin).
"""

from __future__ import annotations

from django.contrib import admin

from leads.models import Inquiry, InquiryResponse, Lead, Submission
from leads.services.intake import reassign_lead
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
            field.queryset = field.queryset.for_partnership(self.instance.partnership)
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
