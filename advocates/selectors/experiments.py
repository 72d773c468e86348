"""Reads of the reward experiment: the groups' sizes, each group's referrals week by week and
the comparison of their rates (`advocates.stats`), a contact's assignments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet

from advocates import stats
from advocates.models import (
    Assignment,
    Contact,
    Direction,
    Experiment,
    ExperimentFeedback,
    ExperimentGroup,
    Referral,
)

FEEDBACK_SHOWN = 200  # the newest notes on the page


def with_sizes(rows: QuerySet[Experiment]) -> QuerySet[Experiment]:
    return rows.annotate(
        size_a=Count("assignments", filter=Q(assignments__group=ExperimentGroup.A)),
        size_b=Count("assignments", filter=Q(assignments__group=ExperimentGroup.B)),
    )


@dataclass
class GroupResult:
    group: str
    label: str
    contacts: int
    referrals: int
    withdrawn: int = 0  # contacts deleted after the split, still counted in their group

    @property
    def per_contact(self) -> float:
        return self.referrals / self.contacts if self.contacts else 0.0


@dataclass
class Results:
    experiment: Experiment
    today: dt.date
    groups: dict[str, GroupResult]
    weeks: list[dt.date]  # the last day of each week of the period
    cumulative: dict[str, list[float | None]]  # per group, per week; None after today
    comparison: stats.RateComparison | None
    feedback: dict[str, list[ExperimentFeedback]] = field(default_factory=dict)

    @property
    def is_running(self) -> bool:
        return self.experiment.starts_on <= self.today <= self.experiment.ends_on

    @property
    def has_started(self) -> bool:
        return self.experiment.starts_on <= self.today

    @property
    def significant(self) -> bool:
        return self.comparison is not None and self.comparison.p_value < 1 - stats.CONFIDENCE


def week_ends(starts_on: dt.date, ends_on: dt.date) -> list[dt.date]:
    """The last day of each 7-day week from `starts_on`; the last week ends on `ends_on`."""
    days = (ends_on - starts_on).days + 1
    weeks = -(-days // 7)
    return [min(starts_on + dt.timedelta(days=7 * i + 6), ends_on) for i in range(weeks)]


def _received_in_period(experiment: Experiment) -> QuerySet[Referral]:
    return Referral.objects.filter(
        partnership_id=experiment.partnership_id,
        direction=Direction.RECEIVED,
        received_on__gte=experiment.starts_on,
        received_on__lte=experiment.ends_on,
    )


def experiment_results(experiment: Experiment, *, today: dt.date) -> Results:
    """Contacts and referrals received per group in the period, the weekly cumulative referrals
    per contact, the comparison of the two groups from each contact's own count (a permutation
    test over re-randomisations seeded by the experiment's seed, `stats.compare_counts`), and
    the feedback per group: two queries. A withdrawn contact counts in their group with the
    referrals they had sent before they were deleted."""
    received = _received_in_period(experiment)
    per_contact = (
        Assignment.objects.filter(partnership_id=experiment.partnership_id, experiment=experiment)
        .annotate(
            live_days=ArraySubquery(
                received.filter(contact_id=OuterRef("contact_id")).values("received_on")
            )
        )
        .order_by("pk")
        .values_list("group", "live_days", "withdrawn_referral_days", "contact_id")
    )
    weeks = week_ends(experiment.starts_on, experiment.ends_on)
    counts = {g: [0] * len(weeks) for g in ExperimentGroup.values}
    each: dict[str, list[int]] = {g: [] for g in ExperimentGroup.values}
    withdrawn = dict.fromkeys(ExperimentGroup.values, 0)
    for group, live_days, withdrawn_days, contact_id in per_contact:
        days = [*live_days, *withdrawn_days]
        each[group].append(len(days))
        withdrawn[group] += contact_id is None
        for day in days:
            counts[group][(day - experiment.starts_on).days // 7] += 1
    groups, cumulative = {}, {}
    for g, label in ExperimentGroup.choices:
        size = len(each[g])
        groups[g] = GroupResult(g, label, size, sum(each[g]), withdrawn[g])
        running, series = 0, []
        for i in range(len(weeks)):
            running += counts[g][i]
            has_begun = experiment.starts_on + dt.timedelta(days=7 * i) <= today
            series.append(running / size if size and has_begun else None)
        cumulative[g] = series
    comparison = (
        stats.compare_counts(each[ExperimentGroup.A], each[ExperimentGroup.B], seed=experiment.seed)
        if each[ExperimentGroup.A] and each[ExperimentGroup.B]
        else None
    )
    feedback: dict[str, list[ExperimentFeedback]] = {g: [] for g in ExperimentGroup.values}
    rows = (
        ExperimentFeedback.objects.for_partnership(experiment.partnership)
        .filter(experiment=experiment)
        .select_related("assignment__contact")
        .order_by("-noted_at", "-pk")
    )
    for row in rows[:FEEDBACK_SHOWN]:
        feedback[row.assignment.group].append(row)
    return Results(experiment, today, groups, weeks, cumulative, comparison, feedback)


def assignments_of(contact: Contact) -> QuerySet[Assignment]:
    """The experiments a contact is in, newest first."""
    return (
        Assignment.objects.filter(partnership_id=contact.partnership_id, contact=contact)
        .select_related("experiment")
        .prefetch_related(
            Prefetch("feedback", queryset=ExperimentFeedback.objects.order_by("-noted_at", "-pk"))
        )
        .order_by("-experiment__starts_on", "-pk")
    )
