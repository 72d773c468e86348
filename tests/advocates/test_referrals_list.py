"""Referrals listed: the list's query budget, filters and search, and privacy (another member and
leadership get a 404)."""

import datetime

import pytest
from django.urls import reverse

from advocates.models import Direction, Referral, ReferralStage
from advocates.services import referrals as services
from tests.advocates.factories import ReferralFactory
from tests.advocates.referrals_helpers import receive
from tests.conftest import client_for
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


# --- The list --------------------------------------------------------------------------------


def _bulk(member, contact, n):
    Referral.objects.bulk_create(
        [
            Referral(
                partnership_id=member.partnership_id,
                contact=contact,
                owner=member,
                direction=Direction.RECEIVED if i % 2 else Direction.SENT,
                person_name=f"Person {i}",
                stage=ReferralStage.CONTACTED,
                untold_stage=ReferralStage.CONTACTED if i % 3 else "",
                received_on=datetime.date(2025, 1, 1),
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("rows", [10, 1000])
def test_the_list_costs_the_same_at_10_and_1000(rows, carol, member, django_assert_num_queries):
    _bulk(member, carol, rows)
    client = client_for(member.partnership, member)
    client.get(reverse("referral_list"))  # warm the session
    with django_assert_num_queries(5):
        response = client.get(reverse("referral_list"), {"stage": "contacted"})
    assert response.status_code == 200
    assert b"is now Contacted" in response.content


def test_the_list_filters_and_searches(carol, member, member_client):
    ReferralFactory(contact=carol, person_name="Zed Seller", direction=Direction.SENT)
    ReferralFactory(contact=carol, person_name="Amy Buyer")
    response = member_client.get(reverse("referral_list"), {"q": "zed"})
    assert b"Zed Seller" in response.content and b"Amy Buyer" not in response.content
    response = member_client.get(reverse("referral_list"), {"direction": "received"})
    assert b"Amy Buyer" in response.content and b"Zed Seller" not in response.content


# --- Privacy ---------------------------------------------------------------------------------


REFERRAL_URLS = [
    ("get", "referral_detail"),
    ("post", "referral_stage"),
    ("get", "referral_progress_note"),
    ("post", "referral_dismiss_note"),
    ("post", "referral_give_reward"),
    ("post", "referral_email"),
]


@pytest.mark.parametrize(("method", "name"), REFERRAL_URLS)
def test_another_member_and_leadership_get_404_on_a_referral(method, name, carol, leader):
    referral = services.advance_referral(referral=receive(carol), stage=ReferralStage.CONTACTED)
    for viewer in (MemberFactory(partnership=carol.partnership), leader):
        client = client_for(carol.partnership, viewer)
        response = getattr(client, method)(reverse(name, args=[referral.pk]))
        assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.untold_stage == ReferralStage.CONTACTED


def test_the_detail_page_shows_the_referral_to_its_owner(carol, member_client):
    referral = receive(carol)
    response = member_client.get(reverse("referral_detail", args=[referral.pk]))
    assert response.status_code == 200
    assert b"Dan Buyer" in response.content
    assert reverse("lead_detail", args=[referral.lead_id]).encode() in response.content
