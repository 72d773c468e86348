"""Prospects expressing interest in a member, and the member's duty to answer in time."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from leads.models import Inquiry, InquiryResponse, Lead
from members.models import Member
from pinnacle.mail.services import queue_email

SWEEP_BATCH = 200


def when(moment: datetime.datetime) -> str:
    """A deadline as a prospect reads it: the site's local time, with its zone."""
    local = timezone.localtime(moment)
    return f"{date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


class InquiryRefused(Exception):
    """A request the rules do not allow; the message is written for the person who asked."""


@transaction.atomic
def express_interest(*, lead: Lead, member: Member, message: str) -> Inquiry:
    """A prospect connects with a member: an inquiry with a reply deadline, and an email to the
    member. One open inquiry per prospect and member."""
    if member.partnership_id != lead.partnership_id or not (member.is_listed and member.is_active):
        raise InquiryRefused("This member is not available in the directory.")
    open_inquiry = lead.inquiries.filter(member=member, responded_at__isnull=True).first()
    if open_inquiry is not None:
        raise InquiryRefused(
            f"You already contacted {member.display_name}; they will reply by "
            f"{when(open_inquiry.due_at)}."
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
                message=message.strip(),
                due_at=due_at,
                remind_at=max(remind_at, now),
            )
    except IntegrityError as exc:
        raise InquiryRefused(f"You already contacted {member.display_name}.") from exc
    queue_email(
        partnership=partnership,
        key=f"inquiry:{inquiry.pk}:notice",
        template="leads/inquiry_notice",
        to=member.email,
        context=_context(inquiry),
        about=lead,
    )
    return inquiry


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
        Inquiry.objects.select_for_update().select_related("lead", "partnership").get(pk=inquiry.pk)
    )
    if inquiry.member_id != member.pk:
        raise InquiryRefused("Only the member this prospect contacted can answer.")
    if kind == InquiryResponse.Kind.ACKNOWLEDGEMENT:
        today = timezone.localdate()
        if follow_up_on is None or follow_up_on < today:
            raise InquiryRefused("Choose the date you will follow up (today or later).")
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
    if inquiry.responded_at is None:
        inquiry.responded_at = response.created_at
        inquiry.save(update_fields=["responded_at"])
    queue_email(
        partnership=inquiry.partnership,
        key=f"inquiry-response:{response.pk}",
        template="leads/inquiry_response",
        to=inquiry.lead.email,
        context={**_context(inquiry), "response": response},
        sender_name=member.display_name,
        reply_to=member.email,
        about=inquiry.lead,
    )
    return response


def sweep_inquiry_deadlines() -> tuple[int, int]:
    """Beat's sweep: remind members before an inquiry's deadline, escalate to leadership after.

    Picks due rows with SKIP LOCKED, so overlapping sweeps never double-send (the outbox keys
    would refuse a second email anyway). Returns (reminded, escalated).
    """
    return _remind_due(), _escalate_overdue()


@transaction.atomic
def _remind_due() -> int:
    now = timezone.now()
    due = list(
        Inquiry.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("lead", "member__user", "partnership")
        .filter(responded_at__isnull=True, reminded_at__isnull=True, remind_at__lte=now)
        .order_by("remind_at")[:SWEEP_BATCH]
    )
    for inquiry in due:
        if inquiry.due_at > now:  # past the deadline the escalation says it all
            queue_email(
                partnership=inquiry.partnership,
                key=f"inquiry:{inquiry.pk}:reminder",
                template="leads/inquiry_reminder",
                to=inquiry.member.email,
                context=_context(inquiry),
                about=inquiry.lead,
            )
    Inquiry.objects.filter(pk__in=[i.pk for i in due]).update(reminded_at=now)
    return len(due)


@transaction.atomic
def _escalate_overdue() -> int:
    now = timezone.now()
    overdue = list(
        Inquiry.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("lead", "member__user", "partnership")
        .filter(responded_at__isnull=True, escalated_at__isnull=True, due_at__lte=now)
        .order_by("due_at")[:SWEEP_BATCH]
    )
    leaders_of: dict[int, list[Member]] = {}
    for inquiry in overdue:
        if inquiry.partnership_id not in leaders_of:
            leaders_of[inquiry.partnership_id] = list(
                Member.objects.for_partnership(inquiry.partnership)
                .filter(role=Member.Role.LEADERSHIP, is_active=True)
                .select_related("user")
            )
        for leader in leaders_of[inquiry.partnership_id]:
            queue_email(
                partnership=inquiry.partnership,
                key=f"inquiry:{inquiry.pk}:escalation:{leader.pk}",
                template="leads/inquiry_escalation",
                to=leader.email,
                context={**_context(inquiry), "leader": leader},
                about=inquiry.lead,
            )
    Inquiry.objects.filter(pk__in=[i.pk for i in overdue]).update(escalated_at=now)
    return len(overdue)


def _context(inquiry: Inquiry) -> dict:
    partnership = inquiry.partnership
    return {
        "inquiry": inquiry,
        "lead": inquiry.lead,
        "member": inquiry.member,
        "inquiry_url": partnership.absolute_url(inquiry.get_absolute_url()),
        "lead_url": partnership.absolute_url(inquiry.lead.get_absolute_url()),
        "profile_url": partnership.absolute_url(inquiry.member.get_absolute_url()),
        "reply_hours": partnership.inquiry_reply_hours,
    }
