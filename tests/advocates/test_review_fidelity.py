"""Review of issue #13's fidelity: behaviours a real user meets that the parts' own tests did
not reach (a referral joining a lead whose transaction already moved, the experiment's default
three months, the reward's redeem button, the holiday touches' dates, the demo experiment)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from advocates.models import ReferralStage, Segment
from advocates.services import referrals as services
from advocates.services.experiments import start_experiment
from leads.models import TransactionStage
from leads.services import transactions as lead_transactions
from tests.advocates.factories import ContactFactory, RewardFactory
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory

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
