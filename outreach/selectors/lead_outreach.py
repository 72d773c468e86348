"""Reads for outreach pages: a lead's stage, a member's templates and outreach, the timeline."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Subquery, When

from leads.extensions import Sealing, TimelineEntry, hide_sealed_text, newest_first
from leads.models import Inquiry, Lead
from members.models import Member
from outreach.models import (
    Attempt,
    CallOutcome,
    DecisionNote,
    LeadReply,
    Recommendation,
    Refusal,
    Stage,
    Template,
)
from pinnacle.access import get_or_404
from transactions.models import TransactionStage
from transactions.selectors import lead_transactions_seen


def lead_stage(lead: Lead, viewer: Member) -> Stage:
    """Derived from what happened: a customer while a transaction the viewer may see is open,
    a past customer once it closed; in conversation once the lead and a member reached each
    other, contacted once any member tried, new before that. Two queries at most.

    Whether a lead is a customer is transaction information: a viewer outside its committee
    (and leadership) sees only the engagement stages, as if there were no transaction; so
    does a member the customer authorized to read it without its stage. (The lead's
    transactions are the page's one read of them, `lead_transactions_seen`.)"""
    stages = {
        transaction.stage
        for transaction, sight in lead_transactions_seen(lead, viewer)
        if sight.stage and transaction.stage != TransactionStage.FELL_THROUGH
    }
    if stages - {TransactionStage.CLOSED}:
        return Stage.CUSTOMER
    if stages:
        return Stage.PAST_CUSTOMER
    # What happened, in one query.
    scope = {"partnership_id": lead.partnership_id, "lead": lead}
    attempts = Attempt.objects.filter(**scope)
    answered, spoke, replied, tried = (
        Lead.objects.for_partnership(lead.partnership)
        .filter(pk=lead.pk)
        .values_list(
            Exists(Inquiry.objects.filter(**scope, responded_at__isnull=False)),
            Exists(attempts.filter(outcome=CallOutcome.SPOKE)),
            Exists(LeadReply.objects.filter(**scope)),
            Exists(attempts),
        )
        .get()
    )
    if answered or spoke or replied:
        return Stage.IN_CONVERSATION
    return Stage.CONTACTED if tried else Stage.NEW


def templates_for(member: Member, stage: str) -> list[Template]:
    """The member's templates, those tagged with `stage` first."""
    fits = Case(When(stages__contains=[stage], then=0), default=1, output_field=IntegerField())
    return list(
        Template.objects.for_partnership(member.partnership)
        .filter(member=member)
        .annotate(fits=fits)
        .order_by("fits", "name")
    )


def template_for(member: Member, pk) -> Template:
    """One of the member's own templates; anyone else's (or none) is the same 404."""
    own = Template.objects.for_partnership(member.partnership).filter(member=member)
    return get_or_404(own, pk=pk)


def member_for(leader: Member, pk) -> Member:
    """A member of the leader's partnership (whose outreach leadership reviews), or 404."""
    return get_or_404(Member.objects.for_partnership(leader.partnership), pk=pk)


def my_outreach(member: Member):
    """Per lead the member tried to reach: attempts made and the latest, latest first.

    Grouped by the lead's id alone, from the attempts' (partnership, member, lead, made_at)
    index; the lead's name and email are read only for the page's rows (a join before the
    grouping read every lead of the partnership)."""
    leads = Lead.objects.filter(
        partnership_id=member.partnership_id, pk=OuterRef("lead_id")
    ).order_by()
    return (
        Attempt.objects.for_partnership(member.partnership)
        .filter(member=member)
        .values("lead_id")
        .annotate(attempts=Count("pk"), last_at=Max("made_at"))
        .order_by("-last_at", "lead_id")
        .annotate(
            lead__name=Subquery(leads.values("name")), lead__email=Subquery(leads.values("email"))
        )
    )


# --- The lead's timeline (registered in leads.extensions) --------------------------------------
# A member's notes are sealed from a viewer outside the committee of a transaction they sit on,
# from its opening (`sealing.free_text_sealed`): the entry shows, its text does not.


def attempt_entries(
    lead: Lead, viewer: Member, sealing: Sealing, *, newest: int | None
) -> Iterable[TimelineEntry]:
    attempts = newest_first(
        Attempt.objects.for_partnership(lead.partnership)
        .filter(lead=lead)
        .annotate(sealed=sealing.free_text_sealed(author="member", at="made_at"))
        .select_related("member", "message"),
        "made_at",
        newest,
    )
    for attempt in attempts:
        hide_sealed_text(attempt, "note")
        if attempt.message is not None:
            # The email's subject is the member's own words, sealed like the note.
            # A display-only flag of this row (what hide_sealed_text reads), not a column: no
            # model declares it.
            attempt.message.sealed = attempt.sealed  # type: ignore[attr-defined]
            hide_sealed_text(attempt.message, "subject")
        label = attempt.get_outcome_display() if attempt.outcome else attempt.get_channel_display()
        yield TimelineEntry(
            at=attempt.made_at,
            kind="outreach",
            label="Outreach",
            title=f"{attempt.member.display_name}: {label}",
            template="outreach/_event_attempt.html",
            item=attempt,
            status="Cold attempt" if attempt.was_cold else "",
            tone="info",
            order=1,
        )


def refusal_entries(
    lead: Lead, viewer: Member, sealing: Sealing, *, newest: int | None
) -> Iterable[TimelineEntry]:
    """Refused attempts: shown to the member refused, and to leadership."""
    refusals = Refusal.objects.for_partnership(lead.partnership).filter(lead=lead)
    if not viewer.is_leadership:
        refusals = refusals.filter(member=viewer)
    for refusal in newest_first(refusals.select_related("member"), "refused_at", newest):
        yield TimelineEntry(
            at=refusal.refused_at,
            kind="refusal",
            label="Refused",
            title=f"{refusal.member.display_name}: {refusal.get_channel_display()} refused",
            template="outreach/_event_refusal.html",
            item=refusal,
            status=refusal.get_reason_display(),
            tone="bad",
        )


def reply_entries(
    lead: Lead, viewer: Member, sealing: Sealing, *, newest: int | None
) -> Iterable[TimelineEntry]:
    replies = newest_first(
        LeadReply.objects.for_partnership(lead.partnership)
        .filter(lead=lead)
        .annotate(sealed=sealing.free_text_sealed(author="member", at="replied_at"))
        .select_related("member", "logged_by"),
        "replied_at",
        newest,
    )
    for reply in replies:
        hide_sealed_text(reply, "note")
        yield TimelineEntry(
            at=reply.replied_at,
            kind="reply",
            label="Lead replied",
            title=f"{lead.name} replied to {reply.member.display_name}",
            template="outreach/_event_reply.html",
            item=reply,
            tone="ok",
        )


def recommendation_entries(
    lead: Lead, viewer: Member, sealing: Sealing, *, newest: int | None
) -> Iterable[TimelineEntry]:
    recommendations = newest_first(
        Recommendation.objects.for_partnership(lead.partnership)
        .filter(lead=lead)
        .annotate(sealed=sealing.free_text_sealed(author="member", at="created_at"))
        .select_related("member")
        .prefetch_related("recommended"),
        "created_at",
        newest,
    )
    for recommendation in recommendations:
        hide_sealed_text(recommendation, "note")
        names = ", ".join(m.display_name for m in recommendation.recommended.all())
        yield TimelineEntry(
            at=recommendation.created_at,
            kind="recommendation",
            label="Cross-sell",
            title=f"{recommendation.member.display_name} recommended {names}",
            template="outreach/_event_recommendation.html",
            item=recommendation,
            order=1,
        )


def decision_entries(
    lead: Lead, viewer: Member, sealing: Sealing, *, newest: int | None
) -> Iterable[TimelineEntry]:
    notes = newest_first(
        DecisionNote.objects.for_partnership(lead.partnership)
        .filter(lead=lead)
        .annotate(sealed=sealing.free_text_sealed(author="member", at="created_at"))
        .select_related("member"),
        "created_at",
        newest,
    )
    for note in notes:
        hide_sealed_text(note, "decision_process", "feedback")
        yield TimelineEntry(
            at=note.created_at,
            kind="decision",
            label="Feedback",
            title=f"{note.member.display_name} talked through {lead.name}\u2019s decision",
            template="outreach/_event_decision.html",
            item=note,
        )


TIMELINE_SOURCES = [
    attempt_entries,
    refusal_entries,
    reply_entries,
    recommendation_entries,
    decision_entries,
]
