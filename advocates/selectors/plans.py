"""Reads of the appreciation plans. Touches and enrolments are reached through their owner: another
member's (or another partnership's) is the same 404 as a missing one; leadership sees only their
own circle's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from advocates.models import Contact, Enrollment, PlanKind, Touch, TouchBucket
from members.models import Member
from pinnacle.access import get_or_404

WEEK_DAYS = 6  # "this week": today and the six days after it


def _own_enrollments(member: Member) -> Q:
    """Touches whose enrolment is the member's (every touch of theirs: a touch has its plan's
    owner). Said in SQL too, so that a count of the member's touches joins the member's
    enrolments through (partnership, owner, kind), not every enrolment of the partnership (a
    page of them reads the touches in order through `touch_pending_by_owner` instead)."""
    return Q(enrollment__partnership=member.partnership_id, enrollment__owner=member)


def touches_of(member: Member) -> QuerySet[Touch]:
    """The member's touches on plans still running (a closed plan's misses are not chased)."""
    return Touch.objects.for_partnership(member.partnership).filter(
        owner=member, enrollment__closed_at__isnull=True
    )


def pending_touches(member: Member) -> QuerySet[Touch]:
    return touches_of(member).filter(done_at__isnull=True)


def due_touches(member: Member, *, today: dt.date, until: dt.date) -> QuerySet[Touch]:
    """Pending touches due by `until` (overdue ones included), soonest first, with contacts."""
    return (
        pending_touches(member)
        .filter(due_on__lte=until)
        .select_related("contact")
        .order_by("due_on", "pk")
    )


def open_enrollments_of(member: Member) -> QuerySet[Enrollment, Any]:
    """The keys of the member's enrolments still running (a subquery for touch reads)."""
    return (
        Enrollment.objects.for_partnership(member.partnership)
        .filter(owner=member, closed_at__isnull=True)
        .values("pk")
    )


def touch_for(member: Member, pk, *, live_only: bool = True) -> Touch:
    rows = (
        touches_of(member)
        if live_only
        else Touch.objects.for_partnership(member.partnership).filter(owner=member)
    )
    return get_or_404(rows.select_related("contact", "enrollment"), pk=pk)


def enrollment_for(member: Member, pk) -> Enrollment:
    rows = Enrollment.objects.for_partnership(member.partnership).select_related("contact")
    return get_or_404(rows, owner=member, pk=pk)


# --- Buckets: overdue, today, this week, later -----------------------------------------------

BUCKETS = {
    "due": "Due now and this week",
    "overdue": "Overdue",
    "today": "Due today",
    "week": "Due this week",
    "later": "Later",
    "done": "Done",
}


def bucket_filter(bucket: str, today: dt.date) -> Q:
    week_end = today + dt.timedelta(days=WEEK_DAYS)
    return {
        "due": Q(done_at__isnull=True, due_on__lte=week_end),
        "overdue": Q(done_at__isnull=True, due_on__lt=today),
        "today": Q(done_at__isnull=True, due_on=today),
        "week": Q(done_at__isnull=True, due_on__gt=today, due_on__lte=week_end),
        "later": Q(done_at__isnull=True, due_on__gt=week_end),
        "done": Q(done_at__isnull=False),
    }[bucket]


def with_bucket(touches: QuerySet[Touch], today: dt.date) -> QuerySet[Touch]:
    """The touches, each annotated `bucket` (a TouchBucket) by the same rule as the filters."""
    # django-stubs takes an annotation named like a declared attribute (Touch.bucket) for a
    # second definition.
    return touches.annotate(  # type: ignore[no-redef]
        bucket=Case(
            *(When(bucket_filter(b, today), then=Value(b)) for b in TouchBucket.values),
            output_field=CharField(),
        )
    )


def touch_counts(member: Member, today: dt.date) -> dict[str, int]:
    """How many of the member's touches are in each bucket, in one query (each the count of
    `touches_in` that bucket: its pages need no other)."""
    return (
        touches_of(member)
        .filter(_own_enrollments(member))
        .aggregate(**{name: Count("pk", filter=bucket_filter(name, today)) for name in BUCKETS})
    )


def touches_in(member: Member, bucket: str, today: dt.date) -> QuerySet[Touch]:
    rows = with_bucket(touches_of(member), today).filter(bucket_filter(bucket, today))
    rows = rows.select_related("contact")
    if bucket == "done":
        return rows.order_by("-done_at", "-pk")
    return rows.order_by("due_on", "pk")


def dashboard_touches(member: Member, today: dt.date, first: int = 5) -> dict | None:
    """The dashboard's counts of today's and this week's touches (overdue ones too) and the
    first few, in two queries; None (one query) when nothing is due this week."""
    # The member's open enrolments as a key list (a few hundred at most), not a join that reads
    # every enrolment of the partnership to learn which are closed. Touches and enrolments have
    # the same owner (enrol() gives the touches the enrolment's), so the rows are those of
    # pending_touches().
    # Only those due by the week's end (every bucket counted here is), read through the
    # pending-by-owner index's due date rather than every pending touch of the member's plans.
    week_end = today + dt.timedelta(days=WEEK_DAYS)
    live = (
        Touch.objects.for_partnership(member.partnership)
        .filter(owner=member, done_at__isnull=True, due_on__lte=week_end)
        .filter(enrollment__in=open_enrollments_of(member))
    )
    counts = live.aggregate(
        **{
            name: Count("pk", filter=bucket_filter(name, today))
            for name in ("overdue", "today", "week")
        }
    )
    if not any(counts.values()):
        return None
    rows = list(due_touches(member, today=today, until=week_end)[:first])
    return {"counts": counts, "first": rows, "total": sum(counts.values())}


# --- Completion rate: done ÷ due so far -------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    done: int
    due: int

    @property
    def rate(self) -> int | None:
        """Percent done of what was due so far (a touch done early counts as due); None before
        anything is due."""
        return round(100 * self.done / self.due) if self.due else None


def _completion_counts(today: dt.date, prefix: str = "") -> tuple[Count, Count]:
    """The touches done, and the touches due by `today` (done ones included)."""
    done = Q(**{f"{prefix}done_at__isnull": False})
    due = Q(**{f"{prefix}due_on__lte": today}) | done
    return Count(f"{prefix}pk", filter=done), Count(f"{prefix}pk", filter=due)


def completion_by_plan(member: Member, today: dt.date) -> dict[str, Completion]:
    """The member's completion rate per plan kind, over all their enrolments."""
    done, due = _completion_counts(today)
    rows = (
        Touch.objects.for_partnership(member.partnership)
        .filter(_own_enrollments(member), owner=member)
        .values("enrollment__kind")
        .annotate(touches_done=done, touches_due=due)
        .order_by()
    )
    found = {
        row["enrollment__kind"]: Completion(row["touches_done"], row["touches_due"]) for row in rows
    }
    return {kind: found.get(kind, Completion(0, 0)) for kind in PlanKind.values}


def enrollments_of(contact: Contact, today: dt.date) -> Sequence[Enrollment]:
    """The contact's enrolments, newest first, each with its touch counts and `completion`."""
    done, due = _completion_counts(today, "touches__")
    rows = list(
        Enrollment.objects.for_partnership(contact.partnership)
        .filter(contact=contact, owner_id=contact.owner_id)
        .annotate(touches_total=Count("touches"), touches_done=done, touches_due=due)
        .order_by("-starts_on", "-pk")
    )
    for row in rows:
        row.completion = Completion(row.touches_done, row.touches_due)
        row.is_live = row.closed_at is None
        row.is_finished = row.ends_on < today
    return rows
