"""A referral's own day, and the lead it joins: a lead whose transaction already moved, or one
without an email address (the demo's spoken referral)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from advocates.demo import seed_contacts
from advocates.demo.insights import seed_insights
from advocates.demo.referrals import seed_referrals
from advocates.models import Direction, Referral, ReferralStage
from advocates.services import AdvocatesRefused
from advocates.services import referrals as services
from tests.advocates.factories import ContactFactory
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


def test_the_demo_shows_a_spoken_referral_with_a_phone_and_no_lead(partnership):
    agent = MemberFactory(partnership=partnership, user__email="agent@pinnacle.localhost")
    seed_contacts(agent)
    seed_insights(agent)
    seed_referrals(agent)
    spoken = Referral.objects.get(owner=agent, direction=Direction.RECEIVED, person_email="")
    assert spoken.person_phone and spoken.lead is None
    page = client_for(partnership, agent).get(reverse("referral_detail", args=[spoken.pk])).text
    assert "a lead needs an email address. Reach them by phone." in page
