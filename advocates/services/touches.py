"""Doing the appreciation plans' touches (seed 5.3): marking one done (logged in the contact's
communication log), sending an email touch through the pipeline with the member's branding,
acknowledgements (engagement in the strength score), and the morning digest.

The digest clock is `CircleSettings.next_digest_at`: armed at enrolment (`plans.enroll`), picked
by the sweep through its partial index, re-armed for the next morning while touches are pending,
disarmed when none are.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone

from advocates.models import CircleSettings, Contact, InteractionKind, Touch, TouchBucket, TouchKind
from advocates.selectors.plans import WEEK_DAYS, due_touches, with_bucket
from advocates.services import AdvocatesRefused
from advocates.services.contacts import record_interaction
from advocates.services.emails import email_contact
from advocates.services.overview import circles_changed
from advocates.services.plans import DIGEST_HOUR, local_at, next_morning
from advocates.services.score import refresh_score
from members.models import Member
from pinnacle.mail.services import queue_email
from pinnacle.models import Partnership

DIGEST_TEMPLATE = "advocates/digest"
TOUCH_TEMPLATE = "advocates/touch"
DIGEST_BATCH = 200
# What a done touch is in the contact's communication log.
LOGGED_AS: dict[str, str] = {
    TouchKind.MARKET_UPDATE: InteractionKind.EMAIL,
    TouchKind.VALUE_PIECE: InteractionKind.EMAIL,
    TouchKind.TAILORED_EMAIL: InteractionKind.EMAIL,
    TouchKind.HOLIDAY: InteractionKind.NOTE,
    TouchKind.PERSONAL_DATE: InteractionKind.NOTE,
    TouchKind.HANDWRITTEN_NOTE: InteractionKind.NOTE,
    TouchKind.PHONE_CALL: InteractionKind.CALL,
    TouchKind.GIFT: InteractionKind.GIFT,
    TouchKind.CLIENT_EVENT: InteractionKind.EVENT_INVITATION,
}


# --- Doing the touches -------------------------------------------------------------------------


def _claim(touch: Touch, actor, message=None) -> None:
    """Mark the touch done by one conditional UPDATE: a double click does it once."""
    done_at = timezone.now()
    done_by = actor if getattr(actor, "is_authenticated", False) else None
    fields = {"done_at": done_at, "done_by": done_by}
    if message is not None:
        fields["message"] = message
    claimed = Touch.objects.filter(pk=touch.pk, done_at__isnull=True).update(**fields)
    if not claimed:
        raise AdvocatesRefused(f"“{touch.title}” is already done.")
    circles_changed(touch.partnership_id)
    touch.done_at, touch.done_by, touch.message = done_at, done_by, message or touch.message


def _check_live(touch: Touch) -> None:
    if touch.enrollment.closed_at is not None:
        raise AdvocatesRefused("This touch's plan has ended.")


@transaction.atomic
def mark_done(*, touch: Touch, actor=None, summary: str = "") -> Touch:
    """The member did the touch: it is logged in the contact's communication log (as a call,
    a note, a gift… by its kind) and the contact's score follows."""
    _check_live(touch)
    summary = (summary or "").strip() or touch.title
    _claim(touch, actor)
    record_interaction(
        contact=touch.contact,
        kind=LOGGED_AS[touch.kind],
        summary=summary,
        touch=touch,
        actor=actor,
    )
    return touch


# The drafts' blanks for the member to fill: "[Date, time, place]". None may reach a contact.
PLACEHOLDERS = (
    "[Prices, days on market and inventory in your neighbourhood]",
    "[The advice or news, in a few lines, and why it matters to you]",
    "[Names, what they do, how to reach them]",
    "[Date, time, place]",
)


def email_defaults(touch: Touch, member: Member) -> dict:
    """The compose page's starting subject and body for an email touch, by its kind."""
    first = touch.contact.name.split()[0] if touch.contact.name.split() else touch.contact.name
    area = member.partnership.name
    bodies: dict[str, tuple[str, str]] = {
        TouchKind.MARKET_UPDATE: (
            f"Your market update from {member.display_name}",
            "I wanted to share what is happening in our market this month.\n\n"
            f"{PLACEHOLDERS[0]}\n\n"
            "If you or anyone you know is thinking about buying or selling, I am always happy "
            "to help.",
        ),
        TouchKind.VALUE_PIECE: (
            touch.title,
            "I came across something I thought would be useful to you.\n\n"
            f"{PLACEHOLDERS[1]}\n\n"
            "As always, feel free to pass this along to anyone it could help.",
        ),
        TouchKind.TAILORED_EMAIL: (
            f"A few trusted resources from {member.display_name}",
            "Here are a few people I trust and recommend to my clients:\n\n"
            f"{PLACEHOLDERS[2]}\n\n"
            "Let me know if I can ever help you or someone you know.",
        ),
        TouchKind.HOLIDAY: (
            f"Warm wishes from {member.display_name}",
            "Wishing you and your family a wonderful season.\n\nThank you for being part of "
            f"my {area} community.",
        ),
        TouchKind.PERSONAL_DATE: (
            f"Thinking of you, {first}",
            f"{touch.title}: I wanted you to know I was thinking of you today.",
        ),
        TouchKind.CLIENT_EVENT: (
            "You're invited: client appreciation event",
            "I would love for you to join me at my client appreciation event.\n\n"
            f"{PLACEHOLDERS[3]}\n\nBring a friend!",
        ),
    }
    subject, body = bodies.get(touch.kind, (touch.title, ""))
    return {"subject": subject, "body": f"Hello {first},\n\n{body}"}


def touch_email_context(*, member: Member, contact: Contact, subject: str, body: str) -> dict:
    return {"member": member, "contact": contact, "subject": subject.strip(), "body": body.strip()}


@transaction.atomic
def send_touch_email(*, touch: Touch, member: Member, subject: str, body: str, actor=None) -> Touch:
    """Send an email touch to the contact through the pipeline, with the member's name and
    signature; it is logged as an email (with its message) and the touch is done."""
    touch = (
        Touch.objects.select_for_update(of=("self",))
        .select_related("contact", "enrollment")
        .get(pk=touch.pk)
    )
    _check_live(touch)
    if not touch.is_email:
        raise AdvocatesRefused(f"“{touch.title}” is not an email touch; mark it done instead.")
    if touch.done_at is not None:
        raise AdvocatesRefused(f"“{touch.title}” is already done.")
    contact = touch.contact
    if not contact.email:
        raise AdvocatesRefused(f"{contact.name} has no email address; add one first.")
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise AdvocatesRefused("Write a subject and a message.")
    if blank := next((p for p in PLACEHOLDERS if p in body), None):
        raise AdvocatesRefused(f"Replace {blank} with your own words before sending.")
    if len(subject) > 200 or len(body) > 10000:
        raise AdvocatesRefused(
            "Keep the subject under 200 and the message under 10,000 characters."
        )
    logged = email_contact(
        member=member,
        contact=contact,
        key=f"advocates-touch:{touch.pk}",
        template=TOUCH_TEMPLATE,
        context=touch_email_context(member=member, contact=contact, subject=subject, body=body),
        summary=subject,
        touch=touch,
        actor=actor,
    )
    _claim(touch, actor, message=logged.message)
    return touch


@transaction.atomic
def acknowledge(*, touch: Touch, actor=None) -> Touch:
    """The contact answered, thanked or came: engagement with the appreciation program, which
    counts in their relationship strength score."""
    if touch.done_at is None:
        raise AdvocatesRefused("Mark the touch done before noting that they acknowledged it.")
    now = timezone.now()
    if not Touch.objects.filter(pk=touch.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now
    ):
        raise AdvocatesRefused(f"“{touch.title}” is already acknowledged.")
    touch.acknowledged_at = now
    refresh_score(touch.contact, now=now)
    return touch


# --- The morning digest -----------------------------------------------------------------------


def digest_context(member: Member, today: dt.date) -> dict | None:
    """What the member's digest lists: overdue, today's and this week's pending touches."""
    rows = list(
        with_bucket(
            due_touches(member, today=today, until=today + dt.timedelta(days=WEEK_DAYS)), today
        )
    )
    if not rows:
        return None
    partnership = member.partnership
    for touch in rows:
        if touch.is_email:
            touch.email_url = partnership.absolute_url(
                reverse("advocates_touch_email", args=[touch.pk])
            )
    return {
        "member": member,
        "recipient": member,
        "today": today,
        "overdue": [t for t in rows if t.bucket == TouchBucket.OVERDUE],
        "due_today": [t for t in rows if t.bucket == TouchBucket.TODAY],
        "this_week": [t for t in rows if t.bucket == TouchBucket.WEEK],
        "touches_url": partnership.absolute_url(reverse("advocates_touches")),
    }


def _digest_one(settings: CircleSettings, partnership: Partnership, now: dt.datetime) -> bool:
    member = settings.member
    today = timezone.localdate(now, partnership.tzinfo)
    sent = False
    context = digest_context(member, today) if member.is_active else None
    if context is not None:
        queue_email(
            partnership=partnership,
            key=f"advocates-digest:{member.pk}:{today.isoformat()}",
            template=DIGEST_TEMPLATE,
            to=member.email,
            context=context,
        )
        sent = True
        settings.next_digest_at = next_morning(partnership, now)
    else:
        # Nothing due this week: wake up the morning the first pending touch enters the week,
        # or never (until the next enrolment) when none is pending.
        first = (
            Touch.objects.for_partnership(partnership)
            .filter(owner=member, done_at__isnull=True, enrollment__closed_at__isnull=True)
            .aggregate(first=Min("due_on"))["first"]
            if member.is_active
            else None
        )
        settings.next_digest_at = (
            max(
                local_at(partnership, first - dt.timedelta(days=WEEK_DAYS), DIGEST_HOUR),
                next_morning(partnership, now),
            )
            if first is not None
            else None
        )
    settings.save(update_fields=["next_digest_at", "updated_at"])
    return sent


def send_due_digests(*, now: dt.datetime | None = None) -> int:
    """Beat: each member whose digest is due gets one email (once per local day, by its key)
    and their clock moves to the next morning. Picked through the partial index on
    `next_digest_at`, locked with skip_locked so two sweeps never send the same digest."""
    now = now or timezone.now()
    sent = 0
    for partnership in Partnership.objects.order_by("pk"):
        while True:
            with transaction.atomic():
                due = list(
                    CircleSettings.objects.for_partnership(partnership)
                    .filter(next_digest_at__lte=now)
                    .select_for_update(of=("self",), skip_locked=True)
                    .select_related("member__user", "member__partnership")
                    .order_by("next_digest_at", "pk")[:DIGEST_BATCH]
                )
                for settings in due:
                    sent += _digest_one(settings, partnership, now)
            if len(due) < DIGEST_BATCH:
                break
    return sent
