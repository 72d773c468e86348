"""Starting a reward experiment: a balanced random split with its seed kept, contacts already in
an overlapping experiment left out, at least two per group, and ending early."""

import datetime
import threading
from collections import Counter

import pytest
from django.db import connections

from advocates.demo import seed_contacts
from advocates.demo.insights import seed_insights
from advocates.demo.referrals import seed_referrals
from advocates.models import Assignment, Direction, Experiment, Referral, Segment
from advocates.selectors.experiments import experiment_results
from advocates.services import AdvocatesRefused
from advocates.services.experiments import (
    DEFAULT_SEGMENTS,
    add_months,
    assign_groups,
    end_experiment,
    start_experiment,
)
from tests.advocates.factories import ContactFactory
from tests.members.factories import MemberFactory

START = datetime.date(2025, 1, 6)


def start(actor, **overrides):
    args = {
        "actor": actor,
        "name": "Fixed vs variable",
        "starts_on": START,
        "fixed_reward": 250,
        "variable_rate": "0.10",
    }
    return start_experiment(**{**args, **overrides})


def circle(owner, n, segment=Segment.ADVOCATES):
    return [ContactFactory(owner=owner, segment=segment) for _ in range(n)]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [4, 7, 10, 11])
def test_groups_differ_by_at_most_one_and_the_seed_is_recorded(member, size):
    circle(member, size)
    started = start(member)
    counts = Counter(
        Assignment.objects.filter(experiment=started.experiment).values_list("group", flat=True)
    )
    assert counts["A"] + counts["B"] == size
    assert abs(counts["A"] - counts["B"]) <= 1
    assert started.sizes == {"A": counts["A"], "B": counts["B"]}
    assert started.experiment.seed > 0
    assert started.experiment.ends_on == datetime.date(2025, 4, 5)  # three months by default


@pytest.mark.django_db
def test_the_recorded_seed_reproduces_the_split(member):
    contacts = circle(member, 9)
    experiment = start(member).experiment
    stored = dict(
        Assignment.objects.filter(experiment=experiment).values_list("contact_id", "group")
    )
    assert dict(assign_groups([c.pk for c in contacts], experiment.seed)) == stored


def test_the_split_depends_on_the_seed():
    ids = list(range(1, 41))
    assert assign_groups(ids, 1) == assign_groups(list(reversed(ids)), 1)
    assert assign_groups(ids, 1) != assign_groups(ids, 2)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2025, 1, 15), 3, datetime.date(2025, 4, 15)),
        (datetime.date(2024, 11, 30), 3, datetime.date(2025, 2, 28)),
        (datetime.date(2023, 11, 30), 3, datetime.date(2024, 2, 29)),
        (datetime.date(2025, 10, 31), 3, datetime.date(2026, 1, 31)),
    ],
)
def test_three_months_later_clamps_the_day(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.django_db
def test_only_the_chosen_segments_of_the_members_own_circle_take_part(member, partnership):
    mine = circle(member, 4) + circle(member, 1, Segment.CORE_ADVOCATES)
    circle(member, 3, Segment.ALLIED_RESOURCES)
    circle(MemberFactory(partnership=partnership), 5)
    experiment = start(member).experiment
    assigned = set(experiment.assignments.values_list("contact_id", flat=True))
    assert assigned == {c.pk for c in mine}


@pytest.mark.django_db
def test_a_contact_in_an_overlapping_experiment_is_left_out(member):
    first = circle(member, 4)
    start(member, name="First", segments=[Segment.ADVOCATES])
    later = circle(member, 4)
    started = start(member, name="Second", starts_on=START + datetime.timedelta(days=30))
    assert started.left_out == 4
    assigned = set(started.experiment.assignments.values_list("contact_id", flat=True))
    assert assigned == {c.pk for c in later}
    assert not assigned & {c.pk for c in first}
    # After the first has ended, its contacts are free again (the second's are still busy).
    free = start(member, name="Third", starts_on=datetime.date(2025, 4, 7))
    assert free.left_out == 4
    assert set(free.experiment.assignments.values_list("contact_id", flat=True)) == {
        c.pk for c in first
    }


@pytest.mark.django_db
def test_fewer_than_two_contacts_per_group_is_refused_with_nothing_stored(member):
    circle(member, 3)
    with pytest.raises(AdvocatesRefused, match="at least 4 contacts, 2 per group; 3 of your"):
        start(member)
    assert not Experiment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"fixed_reward": 0}, "fixed reward must be more than"),
        ({"fixed_reward": "abc"}, "as a number"),
        ({"variable_rate": 0}, "more than 0% and at most 100%"),
        ({"variable_rate": "100.01"}, "more than 0% and at most 100%"),
        ({"ends_on": START}, "must end after"),
        ({"name": "  "}, "Give the experiment a name"),
        ({"name": "bad\x00name"}, "control characters"),
        ({"segments": []}, "at least one segment"),
        ({"segments": ["nobody"]}, "at least one segment"),
        ({"across_members": True}, "Only leadership"),
    ],
)
def test_bad_settings_are_refused(member, overrides, message):
    circle(member, 4)
    with pytest.raises(AdvocatesRefused, match=message):
        start(member, **overrides)
    assert not Experiment.objects.exists()


@pytest.mark.django_db
def test_leadership_splits_every_members_contacts_without_an_owner(leader, partnership):
    members = [MemberFactory(partnership=partnership) for _ in range(3)]
    contacts = [c for m in members for c in circle(m, 2)]
    started = start(leader, across_members=True)
    assert started.experiment.owner is None
    assert set(started.experiment.assignments.values_list("contact_id", flat=True)) == {
        c.pk for c in contacts
    }


@pytest.mark.django_db
def test_ending_early_makes_today_the_last_day(member):
    circle(member, 4)
    experiment = start(member).experiment
    end_experiment(experiment=experiment, today=datetime.date(2025, 2, 1))
    experiment.refresh_from_db()
    assert experiment.ends_on == datetime.date(2025, 2, 1)
    with pytest.raises(AdvocatesRefused, match="already ended"):
        end_experiment(experiment=experiment, today=datetime.date(2025, 2, 1))


@pytest.mark.django_db
def test_an_experiment_cannot_end_before_it_has_run_a_day(member):
    circle(member, 4)
    experiment = start(member).experiment
    with pytest.raises(AdvocatesRefused, match="day after it starts"):
        end_experiment(experiment=experiment, today=START)


@pytest.mark.django_db(transaction=True)
def test_two_starts_at_the_same_moment_do_not_share_contacts(member):
    circle(member, 5)
    barrier = threading.Barrier(2)
    outcomes = []

    def go(name):
        try:
            barrier.wait(timeout=10)
            outcomes.append(start(member, name=name))
        except AdvocatesRefused as refusal:
            outcomes.append(str(refusal))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=(n,)) for n in ("One", "Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert Experiment.objects.count() == 1
    assert Assignment.objects.count() == 5
    assert any("already in another experiment" in str(o) for o in outcomes)


def test_the_default_experiment_period_is_three_months_with_both_ends_counted(member):
    for _ in range(4):
        ContactFactory(owner=member, segment=Segment.ADVOCATES)

    started = start_experiment(
        actor=member,
        name="Fixed vs variable",
        starts_on=datetime.date(2025, 1, 6),
        fixed_reward=250,
        variable_rate="0.10",
    )

    # Jan 6 through Apr 5 is three months; through Apr 6 would be three months and a day.
    assert started.experiment.ends_on == datetime.date(2025, 4, 5)


def test_the_demo_experiment_counts_the_demo_referrals_week_by_week_in_both_groups(partnership):
    agent = MemberFactory(partnership=partnership, user__email="agent@pinnacle.localhost")
    seed_contacts(agent)
    seed_insights(agent)
    seed_referrals(agent)
    experiment = Experiment.objects.get(owner=agent)
    today = partnership.today()

    results = experiment_results(experiment, today=today)

    received = Referral.objects.filter(
        owner=agent, direction=Direction.RECEIVED, contact__segment__in=DEFAULT_SEGMENTS
    )
    # One advocate asked to be removed after the split: withdrawn, their referral still counted.
    (withdrawn,) = experiment.assignments.filter(contact__isnull=True)
    assert len(withdrawn.withdrawn_referral_days) == 1
    assert results.groups["A"].withdrawn + results.groups["B"].withdrawn == 1
    assert results.groups["A"].referrals + results.groups["B"].referrals == received.count() + 1
    assert results.groups["A"].referrals > 0 and results.groups["B"].referrals > 0
    # The chart climbs over the weeks, not in one step on the day of seeding.
    this_week = (today - experiment.starts_on).days // 7
    for group in "AB":
        so_far = [v for v in results.cumulative[group][: this_week + 1] if v]
        assert len(set(so_far)) >= 2, results.cumulative[group]
