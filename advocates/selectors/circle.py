"""Reads of a member's inner circle. Every contact is reached through its owner: another
member's contact, like another partnership's, is the same 404 as a missing one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Lower

from advocates.models import (
    CircleSettings,
    Contact,
    Direction,
    Experiment,
    Referral,
    Segment,
    ServiceRecord,
)
from members.models import Member
from pinnacle.access import get_or_404

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def contacts_of(member: Member) -> QuerySet[Contact]:
    """The member's own inner circle (leadership's too: their own circle, nobody else's)."""
    return Contact.objects.for_partnership(member.partnership).filter(owner=member)


def contact_for(member: Member, pk, *, for_update: bool = False) -> Contact:
    """One contact of the member's circle, or 404."""
    rows = contacts_of(member)
    if for_update:
        rows = rows.select_for_update()
    contact = get_or_404(rows, pk=pk)
    # The member's partnership is the contact's, and the member its owner: the queries scoped
    # from them cost no lookup.
    contact.partnership, contact.owner = member.partnership, member
    return contact


def experiments_for(member: Member) -> QuerySet[Experiment]:
    """What the member may open: their own experiments, and leadership's when they lead."""
    visible = Q(owner=member)
    if member.is_leadership:
        visible |= Q(owner__isnull=True)
    return Experiment.objects.for_partnership(member.partnership).filter(visible)


def experiment_for(member: Member, pk) -> Experiment:
    """One experiment the member may open, or 404 (another member's, another partnership's,
    leadership's to a member who does not lead)."""
    experiment = get_or_404(experiments_for(member), pk=pk)
    # The member's partnership is the experiment's: the queries scoped from it cost no lookup.
    experiment.partnership = member.partnership
    return experiment


def experiment_for_feedback(member: Member, pk) -> Experiment:
    """One experiment the member notes a contact's feedback in, or 404: their own, or
    leadership's when one of their own contacts is in it."""
    rows = Experiment.objects.for_partnership(member.partnership).filter(
        Q(owner=member) | Q(owner__isnull=True, assignments__contact__owner=member)
    )
    return get_or_404(rows.distinct(), pk=pk)


def circle_settings(member: Member) -> CircleSettings:
    """The member's settings as stored, or the defaults (unsaved) when they never changed any."""
    found = CircleSettings.objects.for_partnership(member.partnership).filter(member=member)
    return found.first() or CircleSettings(partnership_id=member.partnership_id, member=member)


# --- The circle list ----------------------------------------------------------------------------

CIRCLE_SORTS = {
    "strength": ("-strength", "name", "pk"),
    "name": ("name", "pk"),
    "newest": ("-created_at", "-pk"),
}


def circle(member: Member, *, query: str = "", segment: str = "", sort: str = "strength"):
    """The member's contacts matching the search (name, email, company, service) and segment,
    in the chosen order (strongest relationship first by default)."""
    rows = contacts_of(member).select_related("linked_member")
    query = query.strip()
    if query:
        rows = rows.filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(company__icontains=query)
            | Q(service__icontains=query)
        )
    if segment in Segment.values:
        rows = rows.filter(segment=segment)
    return rows.order_by(*CIRCLE_SORTS.get(sort, CIRCLE_SORTS["strength"]))


def segment_counts(member: Member) -> dict[str, int]:
    """How many contacts the member has in each segment, and in all ("" key). One query."""
    counts = contacts_of(member).aggregate(
        all=Count("pk"),
        **{choice.value: Count("pk", filter=Q(segment=choice.value)) for choice in Segment},
    )
    counts[""] = counts.pop("all")
    return counts


def linkable_members(member: Member) -> QuerySet[Member]:
    """The partner members a contact can be linked to: active members of the partnership other
    than the member themself."""
    return (
        Member.objects.for_partnership(member.partnership)
        .filter(is_active=True)
        .exclude(pk=member.pk)
        .order_by("display_name", "pk")
    )


# --- The allied resources scorecard -------------------------------------------------------------

# A partner is weak on one of two axes, never on a sum of the two (a referral is not a rating
# point): low service quality, or a one-way exchange (seed 5.1, reciprocity).
WEAK_QUALITY = Decimal(6)
ONE_WAY_AFTER = 3  # referrals sent to them in 12 months with none back
TWO_PLACES = Decimal("0.01")


class Reciprocity:
    TWO_WAY = "Both ways"
    ONE_WAY = "One-way: only you send"
    SENDING = "Only you send, so far"
    ONLY_THEY_SEND = "Only they send"
    NONE = "No referrals yet"


@dataclass(frozen=True)
class Exchange:
    """Seed 5.1's social exchange with one allied resource, on two axes kept apart: the quality
    of their service (ratings) and reciprocity (referrals received from them against referrals
    sent to them over 12 months)."""

    member_rating: int | None
    client_rating_sum: int
    client_rating_count: int
    received: int  # referrals they sent the member over 12 months
    sent: int  # referrals the member sent them over 12 months

    @property
    def client_mean(self) -> Decimal | None:
        if not self.client_rating_count:
            return None
        return (Decimal(self.client_rating_sum) / self.client_rating_count).quantize(TWO_PLACES)

    @property
    def rating_count(self) -> int:
        return self.client_rating_count + (self.member_rating is not None)

    @property
    def quality(self) -> Decimal | None:
        """The mean of every rating, the member's own counting as one."""
        if not self.rating_count:
            return None
        total = self.client_rating_sum + (self.member_rating or 0)
        return (Decimal(total) / self.rating_count).quantize(TWO_PLACES)

    @property
    def is_low_quality(self) -> bool:
        return self.quality is not None and self.quality < WEAK_QUALITY

    @property
    def is_one_way(self) -> bool:
        return self.received == 0 and self.sent >= ONE_WAY_AFTER

    @property
    def reciprocity(self) -> str:
        if self.received and self.sent:
            return Reciprocity.TWO_WAY
        if self.sent:
            return Reciprocity.ONE_WAY if self.is_one_way else Reciprocity.SENDING
        if self.received:
            return Reciprocity.ONLY_THEY_SEND
        return Reciprocity.NONE

    @property
    def weak_reasons(self) -> list[str]:
        reasons = []
        if self.is_low_quality:
            reasons.append(f"service quality {self.quality} is under {WEAK_QUALITY}")
        if self.is_one_way:
            reasons.append(
                f"one-way: you sent them {self.sent} referrals in 12 months and received none"
            )
        return reasons


SCORECARD_SORTS = {
    "weak": (F("weak_sql").desc(), F("quality_sql").asc(nulls_last=True), Lower("name"), "pk"),
    "quality": (F("quality_sql").desc(nulls_last=True), Lower("name"), "pk"),
    "reciprocity": ("balance_sql", Lower("name"), "pk"),
    "name": (Lower("name"), "pk"),
}
EXACT = DecimalField(max_digits=12, decimal_places=4)


class ScorecardCounts(TypedDict):
    """What `allied_scorecard` annotates on each row, for `exchange_of`."""

    rating_sum: int
    rating_n: int
    received_n: int
    sent_n: int


if TYPE_CHECKING:
    ScorecardRow = WithAnnotations[Contact, ScorecardCounts]


def allied_scorecard(
    member: Member, *, today: dt.date, sort: str = "weak"
) -> QuerySet[ScorecardRow]:
    """The member's allied resources with what their `Exchange` is made of over the 12 months to
    `today`, ordered in SQL (weak partners first by default, the lowest quality first among
    them) so that a page of them costs the same at 10 rows or 10,000. One query per page;
    `exchange_of(row)` reads a row's exchange."""
    since = today - dt.timedelta(days=365)
    scope = {"partnership_id": member.partnership_id, "contact": OuterRef("pk")}
    ratings = (
        ServiceRecord.objects.filter(**scope, client_rating__isnull=False)
        .order_by()
        .values("contact")
    )
    referrals = Referral.objects.filter(**scope, received_on__gt=since, received_on__lte=today)

    def count_of(rows):
        return Coalesce(
            Subquery(rows.order_by().values("contact").annotate(n=Count("pk")).values("n")),
            0,
        )

    rated = F("rating_n") + Case(When(service_rating__isnull=False, then=1), default=0)
    quality = Case(
        When(rating_total_n=0, then=Value(None, output_field=EXACT)),
        default=ExpressionWrapper(
            Cast(F("rating_sum") + Coalesce("service_rating", 0), EXACT)
            / Cast(F("rating_total_n"), EXACT),
            output_field=EXACT,
        ),
    )
    # The same rule as `Exchange.weak_reasons`, in SQL for the order; quality rounds as shown.
    weak = Case(
        When(
            Q(quality_sql__lt=WEAK_QUALITY - Decimal("0.005"))
            | Q(received_n=0, sent_n__gte=ONE_WAY_AFTER),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )
    return (
        contacts_of(member)
        .filter(segment=Segment.ALLIED_RESOURCES)
        .select_related("linked_member")
        .annotate(
            rating_sum=Coalesce(Subquery(ratings.annotate(s=Sum("client_rating")).values("s")), 0),
            rating_n=Coalesce(Subquery(ratings.annotate(n=Count("pk")).values("n")), 0),
            received_n=count_of(referrals.filter(direction=Direction.RECEIVED)),
            sent_n=count_of(referrals.filter(direction=Direction.SENT)),
        )
        .annotate(rating_total_n=rated)
        .annotate(quality_sql=quality, balance_sql=F("received_n") - F("sent_n"))
        .annotate(weak_sql=weak)
        .order_by(*SCORECARD_SORTS.get(sort, SCORECARD_SORTS["weak"]))
    )


def exchange_of(row: ScorecardRow) -> Exchange:
    """The social exchange of a row of `allied_scorecard`."""
    return Exchange(
        member_rating=row.service_rating,
        client_rating_sum=row.rating_sum,
        client_rating_count=row.rating_n,
        received=row.received_n,
        sent=row.sent_n,
    )
