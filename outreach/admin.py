"""Leadership sees every attempt, refusal and reply in its partnership, as recorded. Nothing is
added or changed here: attempts go through the services, which enforce the policy."""

from django.contrib import admin

from outreach.models import Attempt, DecisionNote, LeadReply, OutreachPair, Recommendation, Refusal
from pinnacle.admin import ReadOnlyTenantAdmin


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyTenantAdmin):
    list_display = ["made_at", "member", "lead", "channel", "outcome", "was_cold"]
    list_filter = ["channel", "outcome", "was_cold", "made_at"]
    search_fields = ["member__display_name", "lead__name", "lead__email", "note"]
    list_select_related = ["member", "lead"]
    date_hierarchy = "made_at"


@admin.register(Refusal)
class RefusalAdmin(ReadOnlyTenantAdmin):
    list_display = ["refused_at", "member", "lead", "channel", "reason", "next_allowed_at"]
    list_filter = ["reason", "channel", "refused_at"]
    search_fields = ["member__display_name", "lead__name", "lead__email"]
    list_select_related = ["member", "lead"]
    date_hierarchy = "refused_at"


@admin.register(OutreachPair)
class OutreachPairAdmin(ReadOnlyTenantAdmin):
    list_display = ["member", "lead", "ceased_at", "created_at"]
    list_filter = [("ceased_at", admin.EmptyFieldListFilter)]
    search_fields = ["member__display_name", "lead__name", "lead__email"]
    list_select_related = ["member", "lead"]


@admin.register(LeadReply)
class LeadReplyAdmin(ReadOnlyTenantAdmin):
    list_display = ["replied_at", "member", "lead", "logged_by"]
    search_fields = ["member__display_name", "lead__name", "note"]
    list_select_related = ["member", "lead", "logged_by"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyTenantAdmin):
    list_display = ["created_at", "member", "lead"]
    search_fields = ["member__display_name", "lead__name", "note"]
    list_select_related = ["member", "lead"]


@admin.register(DecisionNote)
class DecisionNoteAdmin(ReadOnlyTenantAdmin):
    list_display = ["created_at", "member", "lead"]
    search_fields = ["member__display_name", "lead__name"]
    list_select_related = ["member", "lead"]
