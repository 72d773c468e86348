"""The seed's reward experiment (5.5): "In group A, offer a fixed monetary reward for each closed
referral. In group B, offer a variable reward based on the size of the transaction. Track the
number of referrals received from each group over a period of three months".

A member's experiment splits their own circle; leadership's (owner null) splits every member's
contacts in the chosen segments and is only ever shown in aggregate, without names. The split is
random and balanced: the contacts (by id) are shuffled with a seed drawn from `secrets` and
stored on the experiment, then dealt A, B, A, B… so the groups differ by at most one, and the same
seed over the same contacts gives the same split (an audit can redo it).

The period is inclusive: referrals received from `starts_on` through `ends_on` count. Ending
early sets `ends_on` to today.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet

from advocates.models import (
    Assignment,
    Contact,
    Experiment,
    ExperimentFeedback,
    ExperimentGroup,
    Segment,
)
from advocates.services import AdvocatesRefused
from advocates.services.surveys import clean_text
from members.models import Member
from pinnacle.forms import EARLIEST_DATE, LATEST_DATE
from pinnacle.once import just_made

DEFAULT_MONTHS = 3  # the seed's "period of three months"
DEFAULT_SEGMENTS = (Segment.ADVOCATES, Segment.CORE_ADVOCATES)
MIN_PER_GROUP = 2
MAX_FIXED_REWARD = Decimal("99999999.99")
FEEDBACK_MAX_LENGTH = 2000


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, clamped to the month's last day
    (Nov 30 + 3 months = Feb 28, or 29 in a leap year)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def default_end(starts_on: dt.date) -> dt.date:
    """The last day of the seed's three-month period from `starts_on` (both days count: from
    Jan 6 the period runs through Apr 5, three months, not three months and a day)."""
    return add_months(starts_on, DEFAULT_MONTHS) - dt.timedelta(days=1)


def assign_groups(contact_ids: Iterable[int], seed: int) -> list[tuple[int, str]]:
    """The balanced random split: the ids in id order, shuffled by `seed`, dealt A, B, A, B…"""
    order = sorted(contact_ids)
    random.Random(seed).shuffle(order)  # nosec B311: a reproducible A/B split from a stored seed, not a secret
    groups = (ExperimentGroup.A, ExperimentGroup.B)
    return [(pk, groups[i % 2]) for i, pk in enumerate(order)]


def _overlapping(partnership_id: int, starts_on: dt.date, ends_on: dt.date) -> QuerySet:
    """Assignments in experiments whose period overlaps [starts_on, ends_on]."""
    return Assignment.objects.filter(
        partnership_id=partnership_id,
        experiment__starts_on__lte=ends_on,
        experiment__ends_on__gte=starts_on,
    )


@dataclass
class Started:
    experiment: Experiment
    sizes: dict[str, int]
    left_out: int  # contacts already in an overlapping experiment


def _money(value, *, what: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise AdvocatesRefused(f"Enter the {what} as a number.") from exc
    if not amount.is_finite():
        raise AdvocatesRefused(f"Enter the {what} as a number.")
    return amount.quantize(Decimal("0.01"))


def _reward_terms(fixed_reward, variable_rate) -> tuple[Decimal, Decimal]:
    """Group A's fixed reward and group B's rate (percent), each refused when out of bounds."""
    fixed = _money(fixed_reward, what="fixed reward")
    if fixed <= 0 or fixed > MAX_FIXED_REWARD:
        raise AdvocatesRefused("Group A's fixed reward must be more than $0.")
    rate = _money(variable_rate, what="variable reward")
    if rate <= 0 or rate > 100:
        raise AdvocatesRefused("Group B's variable reward must be more than 0% and at most 100%.")
    return fixed, rate


def _period_end(starts_on: dt.date, ends_on: dt.date | None) -> dt.date:
    """The experiment's last day (the default period when none is given); refused outside the
    portal's calendar, before the start, or more than two years on."""
    # Inside the portal's calendar, far from year 9999, where adding months overflows.
    for day in (starts_on, ends_on):
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            raise AdvocatesRefused(
                f"An experiment runs between {EARLIEST_DATE.year} and {LATEST_DATE.year}."
            )
    if ends_on is None:
        ends_on = default_end(starts_on)
    if ends_on <= starts_on:
        raise AdvocatesRefused("The experiment must end after the day it starts.")
    if ends_on > add_months(starts_on, 24):
        raise AdvocatesRefused("Keep the experiment to two years at most.")
    return ends_on


def _free_contacts(
    *,
    actor: Member,
    segments: list[str],
    across_members: bool,
    starts_on: dt.date,
    ends_on: dt.date,
) -> tuple[list[int], set[int]]:
    """The contacts that may take part (ids, in order) and those left out because they are in
    another experiment overlapping the period."""
    pool = Contact.objects.for_partnership(actor.partnership).filter(segment__in=segments)
    if not across_members:
        pool = pool.filter(owner=actor)
    # Lock the pool: a second start at the same moment (a double click, two tabs) waits here and
    # then sees this one's assignments as overlapping.
    candidates = list(pool.select_for_update().order_by("pk").values_list("pk", flat=True))
    taken = set(
        _overlapping(actor.partnership_id, starts_on, ends_on)
        .filter(contact_id__in=candidates)
        .values_list("contact_id", flat=True)
    )
    free = [pk for pk in candidates if pk not in taken]
    return free, taken


def _refuse_too_few(*, free: list[int], taken: set[int], across_members: bool) -> None:
    """policy: at least `MIN_PER_GROUP` contacts per group, or no experiment."""
    if len(free) < 2 * MIN_PER_GROUP:
        whose = "contacts across the members" if across_members else "of your contacts"
        also = (
            f" ({len(taken)} more are already in another experiment in that period)"
            if taken
            else ""
        )
        raise AdvocatesRefused(
            f"An experiment needs at least {2 * MIN_PER_GROUP} contacts, {MIN_PER_GROUP} per "
            f"group; {len(free)} {whose} in those segments can take part{also}."
        )


@transaction.atomic
def start_experiment(
    *,
    actor: Member,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    fixed_reward,
    variable_rate,
    segments: Iterable[str] = DEFAULT_SEGMENTS,
    across_members: bool = False,
    user=None,
    seed: int | None = None,
) -> Started:
    """Split the actor's circle (or, for leadership with `across_members`, every member's) in
    the chosen segments into groups A and B for the period. Contacts already in an experiment
    overlapping the period are left out; at least `MIN_PER_GROUP` contacts per group remain or
    nothing is stored. `seed` is for tests; by default it comes from `secrets`."""
    name = clean_text(name, what="The name", max_length=120, multiline=False)
    if not name:
        raise AdvocatesRefused("Give the experiment a name.")
    ends_on = _period_end(starts_on, ends_on)
    fixed, rate = _reward_terms(fixed_reward, variable_rate)
    segments = sorted(set(segments))
    if not segments or not set(segments) <= set(Segment.values):
        raise AdvocatesRefused("Choose at least one segment to take part.")
    if across_members and not actor.is_leadership:
        raise AdvocatesRefused("Only leadership can start an experiment across every member.")

    free, taken = _free_contacts(
        actor=actor,
        segments=segments,
        across_members=across_members,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _refuse_too_few(free=free, taken=taken, across_members=across_members)
    seed = secrets.randbits(63) if seed is None else seed
    experiment = Experiment.objects.create(
        partnership_id=actor.partnership_id,
        owner=None if across_members else actor,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        fixed_reward=fixed,
        variable_rate=rate,
        seed=seed,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    split = assign_groups(free, seed)
    Assignment.objects.bulk_create(
        Assignment(
            partnership_id=actor.partnership_id, experiment=experiment, contact_id=pk, group=group
        )
        for pk, group in split
    )
    sizes = {g: sum(1 for _, group in split if group == g) for g in ExperimentGroup.values}
    return Started(experiment, sizes, len(taken))


@transaction.atomic
def end_experiment(*, experiment: Experiment, today: dt.date) -> Experiment:
    """End a running experiment early: its last day is today."""
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.ends_on <= today:
        raise AdvocatesRefused("This experiment has already ended (or ends today).")
    if experiment.starts_on >= today:
        raise AdvocatesRefused(
            "An experiment can end early from the day after it starts; it has not run a day yet."
        )
    experiment.ends_on = today
    experiment.save(update_fields=["ends_on"])
    return experiment


@transaction.atomic
def note_feedback(
    *, actor: Member, experiment: Experiment, contact: Contact, text: str, user=None
) -> ExperimentFeedback:
    """What one of the actor's own contacts said about their reward system: in the actor's own
    experiment, or in a leadership experiment their contact is part of."""
    if contact.owner_id != actor.pk or contact.partnership_id != actor.partnership_id:
        raise AdvocatesRefused("You can note feedback only for your own contacts.")
    if experiment.owner_id not in (None, actor.pk):
        raise AdvocatesRefused("You can note feedback only in your own experiments.")
    text = clean_text(text, what="The feedback", max_length=FEEDBACK_MAX_LENGTH)
    if not text:
        raise AdvocatesRefused("Write what they said.")
    # The assignment's row orders two submits of the same note: the second returns the first's.
    assignment = (
        Assignment.objects.filter(
            partnership_id=actor.partnership_id, experiment=experiment, contact=contact
        )
        .select_for_update()
        .first()
    )
    if assignment is None:
        raise AdvocatesRefused(f"{contact.name} is not in this experiment.")
    twin = just_made(assignment.feedback.all(), made_at="noted_at", text=text)
    if twin is not None:
        return twin
    return ExperimentFeedback.objects.create(
        partnership_id=actor.partnership_id,
        experiment=experiment,
        assignment=assignment,
        text=text,
        noted_by=user if getattr(user, "is_authenticated", False) else None,
    )


# --- Reads --------------------------------------------------------------------------------------
