"""Reads for a member's inquiries: the one way to fetch an inquiry, and the lists and counts the
inquiry pages and the dashboard panel show. Every query is scoped to the member's partnership and
to the member, and none grows with the number of rows it returns."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet

from leads.models import Inquiry, InquiryResponse, Lead
from members.models import Member
from pinnacle.access import get_or_404
from pinnacle.mail.models import OutboxMessage

# The sweep marks an inquiry reminded even when it first sees it past the deadline; only a mark
# made before the deadline means a reminder email went out.
REMINDER_SENT = ExpressionWrapper(
    Q(reminded_at__isnull=False, reminded_at__lt=F("due_at")), output_field=BooleanField()
)


def answerable_by(member: Member) -> Q:
    """The inquiries a member must answer: their own, and a leader's, those to leadership."""
    if member.is_leadership:
        return Q(member=member) | Q(member__isnull=True)
    return Q(member=member)


def _member_inquiries(member: Member) -> QuerySet[Inquiry]:
    return (
        Inquiry.objects.for_partnership(member.partnership)
        .filter(answerable_by(member))
        .select_related("lead")
        .annotate(reminder_sent=REMINDER_SENT)
    )


def inquiry_for(member: Member, pk: object) -> Inquiry:
    """The inquiry `pk` if `member` must answer it; the same 404 whether it is missing, another
    member's, or another partnership's."""
    return get_or_404(_member_inquiries(member), pk=pk)


def open_inquiries(member: Member) -> list[Inquiry]:
    """Inquiries still waiting for the member's first answer, the nearest deadline first."""
    return list(
        _member_inquiries(member).filter(responded_at__isnull=True).order_by("due_at", "pk")
    )


def first_open_inquiries(member: Member, first: int) -> tuple[list[Inquiry], int]:
    """The dashboard's few open inquiries (nearest deadline first) and how many are open, in two
    queries through the open inquiries' index, whatever the partnership's size.

    A leader's are a UNION of their own first few and leadership's (each walked in order from
    the index): with an OR, the planner reads every open inquiry of the partnership to sort
    them when it expects many addressed to leadership."""
    open_ = (
        Inquiry.objects.for_partnership(member.partnership)
        .filter(responded_at__isnull=True)
        .select_related("lead")
        .annotate(reminder_sent=REMINDER_SENT)
    )
    rows = open_.filter(member=member).order_by("due_at", "pk")[:first]
    if member.is_leadership:
        leaders = open_.filter(member__isnull=True).order_by("due_at", "pk")[:first]
        rows = rows.union(leaders, all=True).order_by("due_at", "pk")[:first]
    return list(rows), open_.filter(answerable_by(member)).count()


def answered_inquiries(member: Member) -> QuerySet[Inquiry]:
    """Inquiries the member answered, the latest answer first (paginate it)."""
    return (
        _member_inquiries(member)
        .filter(responded_at__isnull=False)
        .order_by("-responded_at", "-pk")
    )


def inquiry_responses(inquiry: Inquiry) -> list[InquiryResponse]:
    """The member's answers to one inquiry in order, each with `email_status`: how far the email
    to the lead got (queued, sent, delivered, opened, bounced ...)."""
    responses = list(
        InquiryResponse.objects.for_partnership(inquiry.partnership)
        .filter(inquiry=inquiry)
        .order_by("created_at", "pk")
    )
    keys = {f"inquiry-response:{response.pk}": response for response in responses}
    messages = (
        OutboxMessage.objects.for_partnership(inquiry.partnership)
        .filter(idempotency_key__in=list(keys))
        .only("idempotency_key", "status")
    )
    for response in responses:
        response.email_status = None
    for message in messages if keys else ():
        keys[message.idempotency_key].email_status = message
    return responses


def referred_lead_count(member: Member) -> int:
    """How many leads named this member as their referrer."""
    return Lead.objects.for_partnership(member.partnership).filter(referring_member=member).count()
