"""Demo appreciation plans for `seed_demo`, made through the plans services: two of the demo
agent's contacts on the 33-touch yearly plan since some weeks ago (some touches done and
acknowledged, one due today, some overdue, some this week) and a new contact on the 8-in-8.
Idempotent: a contact already enrolled in a plan is left alone."""

from __future__ import annotations

import datetime as dt

from advocates.models import Enrollment, PlanKind
from advocates.selectors.circle import contacts_of
from advocates.services.plans import enroll
from advocates.services.touches import acknowledge, mark_done
from members.models import Member

# (contact's email, plan, days since the start, steps done by day, steps acknowledged by day)
ENROLMENTS = [
    ("maya.thompson@example.com", PlanKind.YEARLY, 45, {0, 14, 30}, {30}),
    ("daniel.okafor@example.com", PlanKind.YEARLY, 31, {0}, {0}),
    ("hannah.brooks@example.com", PlanKind.EIGHT_BY_EIGHT, 10, {0}, set()),
]


def seed_plans(agent: Member) -> int:
    today = agent.partnership.today()
    contacts = {c.email: c for c in contacts_of(agent).select_related("partnership")}
    enrolled = set(
        Enrollment.objects.for_partnership(agent.partnership)
        .filter(owner=agent)
        .values_list("contact_id", "kind")
    )
    made = 0
    for email, kind, days_ago, done, acknowledged in ENROLMENTS:
        contact = contacts.get(email)
        if contact is None or (contact.pk, kind) in enrolled:
            continue
        starts_on = today - dt.timedelta(days=days_ago)
        enrollment = enroll(contact=contact, kind=kind, starts_on=starts_on, actor=agent.user)
        for touch in enrollment.touches.select_related("contact", "enrollment"):
            day = (touch.due_on - starts_on).days
            if day in done:
                mark_done(touch=touch, actor=agent.user)
                if day in acknowledged:
                    acknowledge(touch=touch, actor=agent.user)
        made += 1
    return made
