"""Prospects writing to a member or to leadership, and the duty to answer in time.

An inquiry comes from "Connect / express interest" on a directory profile, or from the online
form (/contact/): to the member the prospect named there, or to the partnership's leadership
when they named nobody. Every inquiry runs the same clock: a reply deadline, a reminder before
it, an escalation to leadership after it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from leads.models import Inquiry, InquiryResponse, Lead, Submission
from leads.services import LeadRefused
from members.models import Member
from members.selectors import leaders
from pinnacle.formats import when
from pinnacle.mail.services import queue_email
from pinnacle.models import Partnership

SWEEP_BATCH = 200


@transaction.atomic
def express_interest(*, lead: Lead, member: Member, message: str) -> Inquiry:
    """A prospect connects with a member from the directory: an inquiry with a reply deadline,
    and an email to the member. One open inquiry per prospect and member."""
    if member.partnership_id != lead.partnership_id or not member.is_in_directory:
        raise LeadRefused("This member is not available in the directory.")
    return _open_inquiry(lead=lead, member=member, message=message)


def inquire_through_contact_form(submission: Submission) -> Inquiry | None:
    """The online form's message is an inquiry: to the member the prospect named, else to
    leadership, on the same clock as "Connect / express interest". None when one is already
    open for that addressee (the prospect is still waiting; the message joins the timeline)."""
    member = submission.named_referrer
    try:
        with transaction.atomic():
            return _open_inquiry(
                lead=submission.lead, member=member, message=submission.message, source=submission
            )
    except LeadRefused:
        return None


def _open_inquiry(
    *, lead: Lead, member: Member | None, message: str, source: Submission | None = None
) -> Inquiry:
    to = member.display_name if member else "leadership"
    open_inquiry = lead.inquiries.filter(member=member, responded_at__isnull=True).first()
    if open_inquiry is not None:
        raise LeadRefused(
            f"You already contacted {to}; they will reply by "
            f"{when(open_inquiry.due_at, lead.partnership)}."
        )
    partnership = lead.partnership
    now = timezone.now()
    # policy: reply to prospect inquiries within 24 hours (per partnership), reminder before that.
    due_at = now + datetime.timedelta(hours=partnership.inquiry_reply_hours)
    remind_at = due_at - datetime.timedelta(hours=partnership.inquiry_reminder_hours_before)
    try:
        with transaction.atomic():
            inquiry = Inquiry.objects.create(
                partnership=partnership,
                lead=lead,
                member=member,
                submission=source,
                message=message.strip(),
                due_at=due_at,
                remind_at=max(remind_at, now),
            )
    except IntegrityError as exc:
        raise LeadRefused(f"You already contacted {to}.") from exc
    for recipient in _answerers(inquiry):
        queue_email(
            partnership=partnership,
            key=f"inquiry:{inquiry.pk}:notice:{recipient.pk}",
            template="leads/inquiry_notice",
            to=recipient.email,
            context=_context(inquiry, recipient),
            about=lead,
        )
    return inquiry


def can_answer(inquiry: Inquiry, member: Member) -> bool:
    """The member the prospect wrote to; for an inquiry to leadership, any active leader."""
    if inquiry.member_id is not None:
        return inquiry.member_id == member.pk
    return (
        member.partnership_id == inquiry.partnership_id
        and member.is_active
        and member.role == Member.Role.LEADERSHIP
    )


@transaction.atomic
def respond_to_inquiry(
    *,
    inquiry: Inquiry,
    member: Member,
    kind: str,
    body: str,
    follow_up_on: datetime.date | None = None,
) -> InquiryResponse:
    """The member answers: the lead gets the message from the member (Reply-To the member), and
    the first answer, a reply or an acknowledgement with a follow-up date, stops the clock."""
    inquiry = (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related("lead", "partnership", "member")
        .get(pk=inquiry.pk)
    )
    if not can_answer(inquiry, member):
        raise LeadRefused("Only the member this prospect contacted can answer.")
    partnership = inquiry.partnership
    if kind == InquiryResponse.Kind.ACKNOWLEDGEMENT:
        check_follow_up_date(partnership=partnership, follow_up_on=follow_up_on)
        promised_on = inquiry.follow_up_promised_on if inquiry.awaits_follow_up else None
        if promised_on is not None:
            # A promise is kept by a reply, never pushed back by another acknowledgement.
            raise LeadRefused(
                f"You already promised {inquiry.lead.name} a follow-up by "
                f"{date_format(promised_on)}: "
                "send your reply to keep it."
            )
    else:
        follow_up_on = None
    response = InquiryResponse.objects.create(
        partnership=inquiry.partnership,
        inquiry=inquiry,
        member=member,
        kind=kind,
        body=body.strip(),
        follow_up_on=follow_up_on,
    )
    _run_clocks(inquiry=inquiry, response=response, follow_up_on=follow_up_on)
    queue_email(
        partnership=inquiry.partnership,
        key=f"inquiry-response:{response.pk}",
        template="leads/inquiry_response",
        to=inquiry.lead.email,
        # From the member who answered (any leader, for an inquiry to leadership).
        context={**_context(inquiry, member), "member": member, "response": response},
        sender_name=member.display_name,
        reply_to=member.email,
        about=inquiry.lead,
    )
    return response


def _run_clocks(
    *, inquiry: Inquiry, response: InquiryResponse, follow_up_on: datetime.date | None
) -> None:
    """The first answer stops the reply's clock; an acknowledgement starts the follow-up's, a
    reply to an acknowledgement keeps its promise."""
    changed = []
    if inquiry.responded_at is None:
        inquiry.responded_at = response.created_at
        changed.append("responded_at")
    if follow_up_on is not None:
        # policy: the promised follow-up runs the reply's clock: a reminder before the end of the
        # promised day (the partnership's), an escalation to leadership after it.
        due_at = inquiry.partnership.start_of_day(follow_up_on + datetime.timedelta(days=1))
        remind_at = due_at - datetime.timedelta(
            hours=inquiry.partnership.inquiry_reminder_hours_before
        )
        inquiry.follow_up_due_at = due_at
        inquiry.follow_up_remind_at = max(remind_at, response.created_at)
        inquiry.follow_up_reminded_at = None
        inquiry.follow_up_escalated_at = None
        inquiry.followed_up_at = None
        changed += [
            "follow_up_due_at",
            "follow_up_remind_at",
            "follow_up_reminded_at",
            "follow_up_escalated_at",
            "followed_up_at",
        ]
    elif inquiry.awaits_follow_up:
        inquiry.followed_up_at = response.created_at  # the promise is kept (late, perhaps)
        changed.append("followed_up_at")
    if changed:
        inquiry.save(update_fields=changed)


def latest_follow_up_on(partnership: Partnership) -> datetime.date:
    """The latest date an acknowledgement may promise a follow-up for, counted from the
    partnership's today."""
    return partnership.today() + datetime.timedelta(days=partnership.acknowledgement_follow_up_days)


def check_follow_up_date(*, partnership: Partnership, follow_up_on: datetime.date | None) -> None:
    """policy: "acknowledge receipt and indicate follow-up timing": a date from the partnership's
    today (the same answer whoever calls, wherever they are) to its follow-up days ahead."""
    if follow_up_on is None or follow_up_on < partnership.today():
        raise LeadRefused("Choose the date you will follow up (today or later).")
    latest = latest_follow_up_on(partnership)
    if follow_up_on > latest:
        raise LeadRefused(
            f"Follow up within {partnership.acknowledgement_follow_up_days} days: choose a date "
            f"no later than {date_format(latest)}."
        )


def sweep_inquiry_deadlines() -> tuple[int, int]:
    """Beat's sweep: remind whoever must answer before an inquiry's deadline, escalate to
    leadership after it.

    An acknowledgement's promised follow-up is held to the same: a reminder before the end of
    the promised day, an escalation after it unless a reply came first.

    Picks due rows with SKIP LOCKED, so overlapping sweeps never double-send (the outbox keys
    would refuse a second email anyway). Returns (reminded, escalated), follow-ups included.
    """
    return (
        _remind(_FIRST_REPLY) + _remind(_FOLLOW_UP),
        _escalate(_FIRST_REPLY) + _escalate(_FOLLOW_UP),
    )


@dataclass(frozen=True)
class _Deadline:
    """One deadline an inquiry is held to: the inquiries still held to it, its moments, the
    keys of its emails and their templates."""

    pending: dict[str, bool]
    remind_at: str
    reminded_at: str
    due_at: str
    escalated_at: str
    key: Callable[[Inquiry], str]
    reminder_template: str
    escalation_template: str


def _follow_up_key(inquiry: Inquiry) -> str:
    """One promise, one reminder and one escalation: a later promise gets keys of its own."""
    # Only an inquiry awaiting its follow-up is reminded or escalated.
    assert inquiry.follow_up_due_at is not None  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction
    return f"inquiry:{inquiry.pk}:follow-up:{inquiry.follow_up_due_at.date().isoformat()}"


_FIRST_REPLY = _Deadline(
    pending={"responded_at__isnull": True},
    remind_at="remind_at",
    reminded_at="reminded_at",
    due_at="due_at",
    escalated_at="escalated_at",
    key=lambda inquiry: f"inquiry:{inquiry.pk}",
    reminder_template="leads/inquiry_reminder",
    escalation_template="leads/inquiry_escalation",
)

# An acknowledgement's promised follow-up: the end of the promised day, unless a reply came first.
_FOLLOW_UP = _Deadline(
    pending={"follow_up_due_at__isnull": False, "followed_up_at__isnull": True},
    remind_at="follow_up_remind_at",
    reminded_at="follow_up_reminded_at",
    due_at="follow_up_due_at",
    escalated_at="follow_up_escalated_at",
    key=_follow_up_key,
    reminder_template="leads/follow_up_reminder",
    escalation_template="leads/follow_up_escalation",
)


def _pick(deadline: _Deadline, *, done: str, at: str, now: datetime.datetime) -> list[Inquiry]:
    """A batch of inquiries still held to the deadline, not yet `done`, whose `at` has come;
    rows another sweep holds are skipped."""
    return list(
        Inquiry.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("lead", "member__user", "partnership")
        .filter(**deadline.pending, **{f"{done}__isnull": True, f"{at}__lte": now})
        .order_by(at)[:SWEEP_BATCH]
    )


@transaction.atomic
def _remind(deadline: _Deadline) -> int:
    now = timezone.now()
    due = _pick(deadline, done=deadline.reminded_at, at=deadline.remind_at, now=now)
    leaders = _LeadersByPartnership()
    for inquiry in due:
        if getattr(inquiry, deadline.due_at) <= now:  # past the deadline the escalation says it all
            continue
        for recipient in _answerers(inquiry, leaders):
            queue_email(
                partnership=inquiry.partnership,
                key=f"{deadline.key(inquiry)}:reminder:{recipient.pk}",
                template=deadline.reminder_template,
                to=recipient.email,
                context=_context(inquiry, recipient),
                about=inquiry.lead,
            )
    Inquiry.objects.filter(pk__in=[i.pk for i in due]).update(**{deadline.reminded_at: now})
    return len(due)


@transaction.atomic
def _escalate(deadline: _Deadline) -> int:
    now = timezone.now()
    overdue = _pick(deadline, done=deadline.escalated_at, at=deadline.due_at, now=now)
    leaders = _LeadersByPartnership()
    for inquiry in overdue:
        for leader in leaders.of(inquiry.partnership):
            queue_email(
                partnership=inquiry.partnership,
                key=f"{deadline.key(inquiry)}:escalation:{leader.pk}",
                template=deadline.escalation_template,
                to=leader.email,
                context=_context(inquiry, leader),
                about=inquiry.lead,
            )
    Inquiry.objects.filter(pk__in=[i.pk for i in overdue]).update(**{deadline.escalated_at: now})
    return len(overdue)


class _LeadersByPartnership:
    """A sweep's leaders, fetched once per partnership however many inquiries it handles."""

    def __init__(self):
        self._leaders: dict[int, list[Member]] = {}

    def of(self, partnership: Partnership) -> list[Member]:
        if partnership.pk not in self._leaders:
            self._leaders[partnership.pk] = leaders(partnership)
        return self._leaders[partnership.pk]


def _answerers(inquiry: Inquiry, leaders: _LeadersByPartnership | None = None) -> list[Member]:
    """Who is told about the inquiry and reminded of it: its member, or every active leader."""
    if inquiry.member is not None:
        inquiry.member.partnership = inquiry.partnership
        return [inquiry.member]
    return (leaders or _LeadersByPartnership()).of(inquiry.partnership)


def _context(inquiry: Inquiry, recipient: Member) -> dict:
    partnership = inquiry.partnership
    return {
        "inquiry": inquiry,
        "lead": inquiry.lead,
        "member": inquiry.member,
        "recipient": recipient,
        "leader": recipient,
        "inquiry_url": partnership.absolute_url(inquiry.get_absolute_url()),
        "lead_url": partnership.absolute_url(inquiry.lead.get_absolute_url()),
        "reply_hours": partnership.inquiry_reply_hours,
        "follow_up_on": inquiry.follow_up_promised_on,
    }
