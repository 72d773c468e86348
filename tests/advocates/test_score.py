"""The relationship strength score: its arithmetic, its weights, and when it is recomputed."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError

from advocates.models import CircleSettings, Contact, Direction, InteractionKind, Referral
from advocates.services import AdvocatesRefused
from advocates.services.score import (
    Weights,
    refresh_due_scores,
    refresh_score,
    set_weights,
    validate_weights,
    weighted,
)
from tests.advocates.factories import ContactFactory, InteractionFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 6, 1, 15, tzinfo=datetime.UTC)


def referral(contact, direction, days_ago):
    return Referral.objects.create(
        partnership=contact.partnership,
        contact=contact,
        owner=contact.owner,
        direction=direction,
        person_name="Someone",
        received_on=(NOW - datetime.timedelta(days=days_ago)).date(),
    )


def test_weighted_sum_uses_the_three_weights():
    weights = Weights(Decimal("0.40"), Decimal("0.40"), Decimal("0.20"))
    assert weighted(weights, Decimal(50), Decimal(25), Decimal(100)) == Decimal("50.00")


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (("0.5", "0.5", "0.1"), "add up to 1; these add up to 1.1"),
        (("0.3", "0.3", "0.3"), "add up to 1; these add up to 0.9"),
        (("-0.2", "0.6", "0.6"), "between 0 and 1"),
        (("1.5", "-0.5", "0"), "between 0 and 1"),
        (("abc", "0.5", "0.5"), "between 0 and 1"),
        (("NaN", "0.5", "0.5"), "between 0 and 1"),
        (("0.333", "0.333", "0.334"), "two decimals"),
    ],
)
def test_weights_that_do_not_sum_to_one_are_refused(weights, message):
    with pytest.raises(AdvocatesRefused, match=message):
        validate_weights(*weights)


def test_the_database_refuses_weights_that_do_not_sum_to_one(member):
    with pytest.raises(IntegrityError):
        CircleSettings.objects.create(
            partnership=member.partnership,
            member=member,
            frequency_weight=Decimal("0.5"),
            reciprocal_weight=Decimal("0.5"),
            appreciation_weight=Decimal("0.5"),
        )


@time_machine.travel(NOW, tick=False)
def test_score_counts_the_last_twelve_months_against_the_targets(member):
    contact = ContactFactory(owner=member)
    # 11 interactions this year (1/3 of 33), one from 13 months ago that no longer counts.
    for days in range(1, 12):
        InteractionFactory(contact=contact, occurred_at=NOW - datetime.timedelta(days=days))
    InteractionFactory(contact=contact, occurred_at=NOW - datetime.timedelta(days=400))
    # Two received (half of four) and four sent (all of four): 25 + 50 = 75.
    for days in (10, 20):
        referral(contact, Direction.RECEIVED, days)
    for days in (5, 15, 25, 35):
        referral(contact, Direction.SENT, days)
    # Three of the 11 were attended events: 3 of 6 = 50.
    contact.interactions.filter(pk__in=contact.interactions.values("pk")[:3]).update(
        kind=InteractionKind.EVENT_ATTENDED
    )

    refresh_score(contact)

    contact.refresh_from_db()
    assert contact.frequency_points == Decimal("33.33")
    assert contact.reciprocal_points == Decimal("75.00")
    assert contact.appreciation_points == Decimal("50.00")
    # 0.4 x 33.33 + 0.4 x 75 + 0.2 x 50 = 53.33
    assert contact.strength == Decimal("53.33")
    # The oldest counted input (the referral sent 35 days ago) leaves the window in a year.
    assert contact.score_due_on == (NOW - datetime.timedelta(days=35)).date() + datetime.timedelta(
        days=366
    )


@time_machine.travel(NOW, tick=False)
def test_factors_are_capped_at_one_hundred(member):
    contact = ContactFactory(owner=member)
    for days in range(40):
        InteractionFactory(contact=contact, occurred_at=NOW - datetime.timedelta(hours=days + 1))
    refresh_score(contact)
    contact.refresh_from_db()
    assert contact.frequency_points == 100
    assert contact.strength == 40


@time_machine.travel(NOW, tick=False)
def test_new_weights_reweigh_the_members_circle_and_nobody_elses(member, partnership):
    mine, theirs = ContactFactory(owner=member), ContactFactory(partnership=partnership)
    for contact in (mine, theirs):
        for days in range(1, 12):
            InteractionFactory(contact=contact, occurred_at=NOW - datetime.timedelta(days=days))
        refresh_score(contact)

    set_weights(member=member, frequency="1", reciprocal="0", appreciation="0")

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.strength == Decimal("33.33")
    assert theirs.strength == Decimal("13.33")


def test_a_score_is_recomputed_when_its_oldest_input_leaves_the_window(member):
    contact = ContactFactory(owner=member)
    with time_machine.travel(NOW, tick=False):
        InteractionFactory(contact=contact, occurred_at=NOW - datetime.timedelta(days=300))
        refresh_score(contact)
    contact.refresh_from_db()
    assert contact.frequency_points == Decimal("3.03")

    with time_machine.travel(NOW + datetime.timedelta(days=30), tick=False):
        assert refresh_due_scores() == 0  # not due yet: nothing is touched
    with time_machine.travel(NOW + datetime.timedelta(days=70), tick=False):
        assert refresh_due_scores() == 1

    contact.refresh_from_db()
    assert (contact.frequency_points, contact.strength, contact.score_due_on) == (0, 0, None)
    assert Contact.objects.filter(score_due_on__isnull=False).count() == 0


def test_the_score_sweep_picks_each_row_once_after_its_input_ages_out_in_any_zone(
    partnership, monkeypatch
):
    """`score_due_on` is a UTC day and the sweep compares it with the UTC day: east of UTC (where
    the local day is already tomorrow) a score is not recomputed before its oldest input has
    left the window, and each due row is recomputed once, never picked again forever."""
    from advocates.services import score

    partnership.timezone = "Pacific/Kiritimati"  # UTC+14
    partnership.save(update_fields=["timezone"])
    now = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)  # June 2 there
    contacts = []
    for _ in range(2):
        contact = ContactFactory(owner=MemberFactory(partnership=partnership))
        InteractionFactory(contact=contact, occurred_at=now - datetime.timedelta(days=364.9))
        score.refresh_score(contact, now=now)
        contacts.append(contact)
    monkeypatch.setattr(score, "DUE_BATCH", 1)
    calls = []
    real = score.refresh_score

    def counted(contact, **kwargs):
        calls.append(contact.pk)
        assert len(calls) < 10, "the sweep keeps picking the same rows"
        return real(contact, **kwargs)

    monkeypatch.setattr(score, "refresh_score", counted)

    assert score.refresh_due_scores(now=now) == 0  # still inside the window: not due yet
    later = now + datetime.timedelta(days=1)  # the interaction has left the window
    assert score.refresh_due_scores(now=later) == 2
    assert sorted(calls) == sorted(c.pk for c in contacts)
    assert not Contact.objects.filter(score_due_on__isnull=False).exists()
