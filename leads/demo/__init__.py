"""Demo leads for `seed_demo`: prospects from every channel, some referred to the demo logins,
inquiries waiting in the demo agent's dashboard, an online-form message to leadership, and a
returning prospect who names a second member. Idempotent: existing leads are left alone."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from leads.models import Inquiry, Lead, Submission
from leads.services.inquiries import express_interest, respond_to_inquiry
from leads.services.intake import submit_lead
from members.models import Member
from pinnacle.mail.models import OutboxMessage

# (name, email, need, timeframe, utm_source, referrer login or "", message)
PINNACLE_LEADS = [
    (
        "Olivia Bennett",
        "olivia.bennett@example.net",
        "buy",
        "3m",
        "",
        "agent@pinnacle.localhost",
        "Relocating from Denver for work; looking for 3 bedrooms near good schools.",
    ),
    (
        "Marcus Hill",
        "marcus.hill@example.net",
        "refinance",
        "now",
        "facebook",
        "lender@pinnacle.localhost",
        "Want to see if refinancing makes sense at today's rates.",
    ),
    (
        "Grace Liu",
        "grace.liu@example.net",
        "sell",
        "6m",
        "instagram",
        "agent@pinnacle.localhost",
        "Thinking about selling our condo downtown next spring.",
    ),
    (
        "Noah Patel",
        "noah.patel@example.net",
        "invest",
        "12m",
        "linkedin",
        "",
        "Interested in small multifamily properties around Round Rock.",
    ),
    (
        "Ava Thompson",
        "ava.thompson@example.net",
        "buy",
        "now",
        "tiktok",
        "",
        "First-time buyer, pre-approval in progress.",
    ),
    (
        "Ethan Brooks",
        "ethan.brooks@example.net",
        "buy",
        "browsing",
        "youtube",
        "leader@pinnacle.localhost",
        "Just exploring the Hill Country market.",
    ),
    (
        "Sophia Ramirez",
        "sophia.ramirez@example.net",
        "sell",
        "3m",
        "x",
        "",
        "Need an inspection and a listing agent for my parents' house.",
    ),
    (
        "Liam O'Connor",
        "liam.oconnor@example.net",
        "other",
        "6m",
        "newsletter",
        "",
        "Looking for a real estate attorney for a boundary question.",
    ),
]
HARBOR_LEADS = [
    (
        "Chloe Martin",
        "chloe.martin@example.net",
        "buy",
        "3m",
        "facebook",
        "leader@harbor.localhost",
        "Searching for a waterfront home near St. Petersburg.",
    ),
]
# Prospects who used the online form (/contact/): naming nobody, their message is an inquiry to
# leadership; naming a member, an inquiry to that member.
CONTACT_FORM_EMAILS = {"liam.oconnor@example.net"}
# A returning prospect naming another member: (lead email, member login, message).
RETURNING = [
    (
        "grace.liu@example.net",
        "lender@pinnacle.localhost",
        "Could you also look at a bridge loan so we can buy before we sell?",
    ),
]
# Days since each prospect first arrived, so that what members did with them since fits in;
# the others arrived today (Liam O'Connor's online-form message is waiting for leadership now).
ARRIVED_DAYS_AGO = {
    "grace.liu@example.net": 12,
    "marcus.hill@example.net": 9,
    "ethan.brooks@example.net": 8,
    "sophia.ramirez@example.net": 6,
    "ava.thompson@example.net": 5,
    "noah.patel@example.net": 4,
    "olivia.bennett@example.net": 2,
}
# (lead email, member login, hours ago, answered)
INQUIRIES = [
    ("olivia.bennett@example.net", "agent@pinnacle.localhost", 21, False),
    ("ava.thompson@example.net", "agent@pinnacle.localhost", 3, False),
    ("noah.patel@example.net", "lender@pinnacle.localhost", 30, True),
]


def seed_demo_leads(sender, partnerships, stdout=None, **kwargs) -> None:
    by_slug = {p.slug: p for p in partnerships}
    created = 0
    for slug, rows in (("pinnacle", PINNACLE_LEADS), ("harbor", HARBOR_LEADS)):
        if partnership := by_slug.get(slug):
            created += sum(_ensure_lead(partnership, *row) for row in rows)
    if pinnacle := by_slug.get("pinnacle"):
        _ensure_inquiries(pinnacle)
        _ensure_returning(pinnacle)
    if stdout is not None and created:
        stdout.write(f"Demo leads created: {created} (their emails are in the outbox).")


def _member(partnership, login: str) -> Member | None:
    if not login:
        return None
    return Member.objects.for_partnership(partnership).filter(user__email=login).first()


def _ensure_lead(partnership, name, email, need, timeframe, source, referrer, message) -> bool:
    if Lead.objects.for_partnership(partnership).filter(email=email).exists():
        return False
    submission = submit_lead(
        partnership=partnership,
        form="contact" if email in CONTACT_FORM_EMAILS else "join",
        name=name,
        email=email,
        need=need,
        timeframe=timeframe,
        message=message,
        consent=True,
        referrer=_member(partnership, referrer),
        utm={"utm_source": source, "utm_campaign": "demo"} if source else {},
    )
    if days := ARRIVED_DAYS_AGO.get(email):
        _arrived(submission, datetime.timedelta(days=days))
    return True


def _arrived(submission: Submission, ago: datetime.timedelta) -> None:
    """Make the demo look lived-in: the prospect's first form, and the emails it queued, came in
    `ago`."""
    lead = submission.lead
    Lead.objects.filter(pk=lead.pk).update(
        created_at=F("created_at") - ago,
        last_submitted_at=F("last_submitted_at") - ago,
        consented_at=F("consented_at") - ago,
    )
    Submission.objects.filter(pk=submission.pk).update(created_at=F("created_at") - ago)
    OutboxMessage.objects.for_partnership(lead.partnership).filter(
        content_type=ContentType.objects.get_for_model(Lead),
        object_id=lead.pk,
    ).update(created_at=F("created_at") - ago)


def _ensure_returning(partnership) -> None:
    for email, login, message in RETURNING:
        lead = Lead.objects.for_partnership(partnership).filter(email=email).first()
        member = _member(partnership, login)
        if lead is None or member is None or lead.submissions.filter(named_referrer=member):
            continue
        first = lead.submissions.order_by("created_at").first()
        submit_lead(
            partnership=partnership,
            form="contact",
            name=lead.name,
            email=lead.email,
            need=first.need,
            timeframe=first.timeframe,
            message=message,
            consent=True,
            referrer=member,
        )


def _ensure_inquiries(partnership) -> None:
    for email, login, hours_ago, answered in INQUIRIES:
        lead = Lead.objects.for_partnership(partnership).filter(email=email).first()
        member = _member(partnership, login)
        if lead is None or member is None or lead.inquiries.filter(member=member).exists():
            continue
        first_message = lead.submissions.order_by("created_at").first().message
        inquiry = express_interest(
            lead=lead, member=member, message=f"Hello {member.display_name}, {first_message}"
        )
        # Make the demo look lived-in: this inquiry arrived some hours ago.
        shift = datetime.timedelta(hours=hours_ago)
        Inquiry.objects.filter(pk=inquiry.pk).update(
            created_at=F("created_at") - shift,
            due_at=F("due_at") - shift,
            remind_at=F("remind_at") - shift,
        )
        if answered:
            respond_to_inquiry(
                inquiry=inquiry,
                member=member,
                kind="reply",
                body="Thanks for reaching out! Let's set up a call this week to look at your "
                "numbers.",
            )
            answered_at = timezone.now() - shift + datetime.timedelta(hours=5)
            Inquiry.objects.filter(pk=inquiry.pk).update(responded_at=answered_at)
