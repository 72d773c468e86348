"""Leadership's overview of every circle of the partnership: counts only, never a contact's name.

Its counts read every contact, touch and referral of the partnership (100,000 contacts and a
year's 400,000 touches at a real size: 150-300 ms even through covering indexes), so they are
computed once and cached per partnership, under a version the services that change contacts,
touches and referrals replace (`advocates.services.overview.circles_changed`) and the
partnership's day (touches "due so far" move with it). A write outside those services (the
admin, a shell) shows within OVERVIEW_TTL. The members' names are read live, one page at a time.
With Redis unreachable the counts are computed on every request.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q, QuerySet

from advocates.models import Contact, Referral, ReferralStage, Segment, Touch
from members.models import Member
from pinnacle.versions import Versioned

# How long a partnership's counts may be served without a change through the services.
OVERVIEW_TTL = 10 * 60


OVERVIEW = Versioned(
    "advocates:overview",
    seconds=OVERVIEW_TTL,
    unavailable="Overview cache unavailable; counting in the database",
)


def overview_counts(partnership, *, today: dt.date) -> dict:
    """Across every member of the partnership: contacts per segment, average strength, members
    with a circle, touches due and done this year, referrals per stage, and per member (by id)
    their contacts, core advocates and average strength. From the cache, or four queries."""
    return OVERVIEW.remember(partnership.pk, today.isoformat(), lambda: _count(partnership, today))


def _count(partnership, today: dt.date) -> dict:
    contacts = Contact.objects.for_partnership(partnership)
    totals = contacts.aggregate(
        contacts=Count("pk"),
        average=Avg("strength"),
        members=Count("owner", distinct=True),
        **{choice.value: Count("pk", filter=Q(segment=choice.value)) for choice in Segment},
    )
    year_start = today.replace(month=1, day=1)
    touches = Touch.objects.for_partnership(partnership).aggregate(
        due=Count("pk", filter=Q(due_on__gte=year_start, due_on__lte=today)),
        done=Count(
            "pk", filter=Q(due_on__gte=year_start, due_on__lte=today, done_at__isnull=False)
        ),
        planned=Count("pk", filter=Q(due_on__year=today.year)),
    )
    stages = dict(
        Referral.objects.for_partnership(partnership)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("pk"))
    )
    per_owner = {
        row["owner"]: {"contacts": row["contacts"], "average": row["average"], "core": row["core"]}
        for row in contacts.order_by()
        .values("owner")
        .annotate(
            contacts=Count("pk"),
            average=Avg("strength"),
            core=Count("pk", filter=Q(segment=Segment.CORE_ADVOCATES)),
        )
    }
    return {
        "totals": totals,
        "segments": [(choice.label, totals[choice.value]) for choice in Segment],
        "touches": touches,
        "stages": [(stage.label, stages.get(stage.value, 0)) for stage in ReferralStage],
        "per_owner": per_owner,
    }


def members_with_a_circle(partnership, per_owner: dict) -> QuerySet:
    """The members of `per_owner` (the counts' owners) by name: the overview's rows, paged."""
    return (
        Member.objects.for_partnership(partnership)
        .filter(pk__in=list(per_owner))
        .order_by("display_name", "pk")
        .values("pk", "display_name")
    )


def member_rows(members, per_owner: dict) -> list[dict]:
    """One page of `members_with_a_circle` with each member's counts."""
    return [
        {"owner": m["pk"], "owner__display_name": m["display_name"], **per_owner[m["pk"]]}
        for m in members
    ]
