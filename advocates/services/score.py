"""The relationship strength score (seed 5.3):

    Score = w1 x frequency + w2 x reciprocal referrals + w3 x appreciation engagement

Each factor is normalised to 0-100 over a rolling 12 months before weighting, against a yearly
target: 33 logged interactions (the plan's 33 touches) make frequency 100; four referrals each
way make reciprocity 100 (half for what the contact sent, half for what the member sent back);
six acknowledgements (touches acknowledged, events attended, rewards redeemed) make appreciation
100. The factors are stored on the contact, so the list sorts by score and a change of weights is
one UPDATE. Whatever changes an input calls `refresh_score`; as inputs age out of the window the
contact's `score_due_on` comes round and `refresh_due_scores` (beat) recomputes those rows only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from advocates.models import (
    CircleSettings,
    Contact,
    Direction,
    Interaction,
    InteractionKind,
    Reward,
    Touch,
)
from advocates.services import AdvocatesRefused
from advocates.services.overview import circles_changed
from members.models import Member
from pinnacle.models import Partnership

WINDOW = dt.timedelta(days=365)
FREQUENCY_FULL = 33  # interactions a year: the 33-touch plan kept in full
REFERRALS_FULL_EACH_WAY = 4  # a referral a quarter, in each direction
APPRECIATION_FULL = 6  # acknowledgements, attended events and redeemed rewards a year
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
DUE_BATCH = 500


@dataclass(frozen=True)
class Weights:
    frequency: Decimal
    reciprocal: Decimal
    appreciation: Decimal

    @classmethod
    def of(cls, settings: CircleSettings) -> Weights:
        return cls(
            settings.frequency_weight, settings.reciprocal_weight, settings.appreciation_weight
        )


def _points(count: int, full: int) -> Decimal:
    return (HUNDRED * min(count, full) / full).quantize(CENT, ROUND_HALF_UP)


def weighted(
    weights: Weights, frequency: Decimal, reciprocal: Decimal, appreciation: Decimal
) -> Decimal:
    total = (
        weights.frequency * frequency
        + weights.reciprocal * reciprocal
        + weights.appreciation * appreciation
    )
    return total.quantize(CENT, ROUND_HALF_UP)


def validate_weights(frequency, reciprocal, appreciation) -> Weights:
    """Each weight between 0 and 1 with at most two decimals, the three summing to exactly 1."""
    try:
        values = [Decimal(str(w)) for w in (frequency, reciprocal, appreciation)]
    except ArithmeticError as exc:
        raise AdvocatesRefused("Each weight must be a number between 0 and 1.") from exc
    if any(not v.is_finite() or v < 0 or v > 1 for v in values):
        raise AdvocatesRefused("Each weight must be a number between 0 and 1.")
    if any(v != v.quantize(CENT) for v in values):
        raise AdvocatesRefused("Weights have at most two decimals (0.35, not 0.355).")
    # seed 5.3: the weights "represent the relative importance of each factor, summed to 1"
    total = sum(values, Decimal(0))
    if total != 1:
        raise AdvocatesRefused(
            f"The weights must add up to 1; these add up to {total.normalize():f}."
        )
    return Weights(*(v.quantize(CENT) for v in values))


@transaction.atomic
def set_weights(*, member: Member, frequency, reciprocal, appreciation) -> CircleSettings:
    """Store the member's weights and re-weigh their whole circle in one UPDATE (the factors
    are stored, so nothing is recounted)."""
    weights = validate_weights(frequency, reciprocal, appreciation)
    settings, _ = CircleSettings.objects.select_for_update().get_or_create(
        partnership_id=member.partnership_id, member=member
    )
    settings.frequency_weight = weights.frequency
    settings.reciprocal_weight = weights.reciprocal
    settings.appreciation_weight = weights.appreciation
    settings.save(
        update_fields=["frequency_weight", "reciprocal_weight", "appreciation_weight", "updated_at"]
    )
    Contact.objects.for_partnership(member.partnership).filter(owner=member).update(
        strength=(
            F("frequency_points") * weights.frequency
            + F("reciprocal_points") * weights.reciprocal
            + F("appreciation_points") * weights.appreciation
        )
    )
    circles_changed(member.partnership_id)
    return settings


def _weights_for(contact: Contact) -> Weights:
    found = (
        CircleSettings.objects.for_partnership(contact.partnership)
        .filter(member_id=contact.owner_id)
        .first()
    )
    return Weights.of(found or CircleSettings())


def refresh_score(contact: Contact, *, now: dt.datetime | None = None) -> Contact:
    """Recount the contact's three factors over the last 12 months and store them with the
    weighted score and the day the oldest counted input leaves the window. Four queries."""
    now = now or timezone.now()
    since, since_day = now - WINDOW, (now - WINDOW).date()
    scope = {"partnership_id": contact.partnership_id, "contact_id": contact.pk}

    logged = Interaction.objects.filter(**scope, occurred_at__gt=since).aggregate(
        n=Count("pk"),
        attended=Count("pk", filter=Q(kind=InteractionKind.EVENT_ATTENDED)),
        oldest=Min("occurred_at"),
    )
    referrals = contact.referrals.filter(received_on__gt=since_day).aggregate(
        received=Count("pk", filter=Q(direction=Direction.RECEIVED)),
        sent=Count("pk", filter=Q(direction=Direction.SENT)),
        oldest=Min("received_on"),
    )
    acknowledged = Touch.objects.filter(**scope, acknowledged_at__gt=since).aggregate(
        n=Count("pk"), oldest=Min("acknowledged_at")
    )
    redeemed = Reward.objects.filter(**scope, redeemed_on__gt=since_day).aggregate(
        n=Count("pk"), oldest=Min("redeemed_on")
    )

    contact.frequency_points = _points(logged["n"], FREQUENCY_FULL)
    half = Decimal(2)
    contact.reciprocal_points = (
        _points(referrals["received"], REFERRALS_FULL_EACH_WAY) / half
        + _points(referrals["sent"], REFERRALS_FULL_EACH_WAY) / half
    ).quantize(CENT, ROUND_HALF_UP)
    contact.appreciation_points = _points(
        logged["attended"] + acknowledged["n"] + redeemed["n"], APPRECIATION_FULL
    )
    contact.strength = weighted(
        _weights_for(contact),
        contact.frequency_points,
        contact.reciprocal_points,
        contact.appreciation_points,
    )
    oldest = [
        d.date() if isinstance(d, dt.datetime) else d
        for d in (
            logged["oldest"],
            referrals["oldest"],
            acknowledged["oldest"],
            redeemed["oldest"],
        )
        if d is not None
    ]
    contact.score_due_on = min(oldest) + WINDOW + dt.timedelta(days=1) if oldest else None
    Contact.objects.filter(pk=contact.pk).update(
        frequency_points=contact.frequency_points,
        reciprocal_points=contact.reciprocal_points,
        appreciation_points=contact.appreciation_points,
        strength=contact.strength,
        score_due_on=contact.score_due_on,
    )
    circles_changed(contact.partnership_id)
    return contact


def refresh_due_scores(*, now: dt.datetime | None = None) -> int:
    """Beat: recompute the scores whose oldest input has left the 12-month window (picked
    through the partial index on `score_due_on`; the cost grows with the rows due).

    `score_due_on` is a UTC day (the window is `now` minus 365 days), so "due" is compared with
    the UTC day too: a row just refreshed is always due on a later day, and no row is picked
    twice in one run, whatever the partnership's zone."""
    now = now or timezone.now()
    today = now.astimezone(dt.UTC).date()
    done = 0
    for partnership in Partnership.objects.all():
        while True:
            with transaction.atomic():
                due = list(
                    Contact.objects.for_partnership(partnership)
                    .filter(score_due_on__lte=today)
                    .select_for_update(skip_locked=True)
                    .order_by("score_due_on", "pk")[:DUE_BATCH]
                )
                for contact in due:
                    refresh_score(contact, now=now)
            done += len(due)
            if len(due) < DUE_BATCH:
                break
    return done
