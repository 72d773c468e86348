"""Review of issue #13's fidelity: behaviours a real user meets that the parts' own tests did
not reach (a referral joining a lead whose transaction already moved, the experiment's default
three months, the reward's redeem button, a referral's own date, the demo experiment, the
score sweep east of UTC)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from advocates.demo import seed_contacts
from advocates.demo.insights import seed_insights
from advocates.demo.referrals import seed_referrals
from advocates.models import Contact, Direction, Experiment, Referral, ReferralStage, Segment
from advocates.selectors.experiments import experiment_results
from advocates.services import AdvocatesRefused
from advocates.services import referrals as services
from advocates.services.experiments import DEFAULT_SEGMENTS, start_experiment
from tests.advocates.factories import ContactFactory, InteractionFactory, RewardFactory
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory
from transactions.models import TransactionStage
from transactions.services import lifecycle as lead_transactions

pytestmark = pytest.mark.django_db


def test_a_referral_joining_a_lead_under_contract_starts_at_the_transactions_stage(
    member, partnership
):
    lead = LeadFactory(partnership=partnership, email="dan@example.org")
    transaction = lead_transactions.open_transaction(
        lead=lead, member=member, kind="buy", value=Decimal("450000")
    )
    lead_transactions.add_team_member(
        transaction=transaction, actor=member, member=MemberFactory(partnership=partnership)
    )
    lead_transactions.change_stage(
        transaction=transaction, actor=member, stage=TransactionStage.UNDER_CONTRACT
    )
    carol = ContactFactory(owner=member, email="carol@example.net")

    referral = services.record_referral_received(
        contact=carol, person_name="Dan Buyer", person_email="dan@example.org"
    )

    referral.refresh_from_db()
    assert referral.lead == lead
    assert referral.stage == ReferralStage.UNDER_CONTRACT
    assert referral.untold_stage == ReferralStage.UNDER_CONTRACT
    assert set(referral.events.values_list("stage", flat=True)) == {
        ReferralStage.RECEIVED,
        ReferralStage.UNDER_CONTRACT,
    }


def test_a_referral_joining_a_lead_whose_transaction_the_member_cannot_see_stays_received(
    member, partnership
):
    lead = LeadFactory(partnership=partnership, email="dan@example.org")
    bob = MemberFactory(partnership=partnership)
    lead_transactions.open_transaction(lead=lead, member=bob, kind="buy")
    carol = ContactFactory(owner=member, email="carol@example.net")

    referral = services.record_referral_received(
        contact=carol, person_name="Dan Buyer", person_email="dan@example.org"
    )

    referral.refresh_from_db()
    assert referral.stage == ReferralStage.RECEIVED and referral.untold_stage == ""


@pytest.mark.parametrize("page", ["rewards", "contact"])
def test_a_reward_not_yet_redeemed_offers_mark_redeemed_and_does_not_read_redeemed(
    page, member, member_client
):
    carol = ContactFactory(owner=member, name="Carol Advocate")
    RewardFactory(contact=carol, description="Coffee card")
    url = (
        reverse("reward_programs")
        if page == "rewards"
        else reverse("advocates_contact", args=[carol.pk])
    )

    html = member_client.get(url).content.decode()

    assert "Coffee card" in html
    assert ">Mark redeemed</button>" in html
    assert ">Redeemed</button>" not in html


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


def test_a_referral_is_counted_on_the_day_it_came(member):
    carol = ContactFactory(owner=member, email="carol@example.net")
    last_week = member.partnership.today() - datetime.timedelta(days=7)

    referral = services.record_referral_received(
        contact=carol,
        person_name="Dan Buyer",
        person_email="dan@example.org",
        received_on=last_week,
    )
    sent = services.record_referral_sent(contact=carol, person_name="Eve", received_on=last_week)

    assert referral.received_on == last_week and sent.received_on == last_week
    with pytest.raises(AdvocatesRefused, match="in the future"):
        services.record_referral_sent(
            contact=carol,
            person_name="Fay",
            received_on=member.partnership.today() + datetime.timedelta(days=1),
        )


def test_the_referral_form_takes_the_day_it_came(member, member_client):
    carol = ContactFactory(owner=member, email="carol@example.net")
    day = member.partnership.today() - datetime.timedelta(days=3)

    member_client.post(
        reverse("referral_new"),
        {
            "direction": "received",
            "contact": carol.pk,
            "person_name": "Dan Buyer",
            "person_email": "dan@example.org",
            "need": "other",
            "timeframe": "browsing",
            "quality": "standard",
            "received_on": day.isoformat(),
        },
    )

    assert Referral.objects.get().received_on == day


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


def test_the_demo_shows_a_spoken_referral_with_a_phone_and_no_lead(partnership):
    agent = MemberFactory(partnership=partnership, user__email="agent@pinnacle.localhost")
    seed_contacts(agent)
    seed_insights(agent)
    seed_referrals(agent)
    spoken = Referral.objects.get(owner=agent, direction=Direction.RECEIVED, person_email="")
    assert spoken.person_phone and spoken.lead is None
    page = client_for(partnership, agent).get(reverse("referral_detail", args=[spoken.pk])).text
    assert "a lead needs an email address. Reach them by phone." in page
