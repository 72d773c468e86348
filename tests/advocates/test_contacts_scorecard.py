"""The allied resources scorecard (seed 5.1: Outcome = Benefits - Costs) and leadership's
counts-only overview of every circle."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from advocates.models import (
    Contact,
    Direction,
    Enrollment,
    PlanKind,
    PlanTemplate,
    ReferralStage,
    Segment,
    Touch,
    TouchKind,
)
from advocates.selectors import Exchange, allied_scorecard, exchange_of
from tests.advocates.factories import ContactFactory, ServiceRecordFactory, contact_referral
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)
NOW = datetime.datetime(2026, 6, 1, 15, tzinfo=datetime.UTC)


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


# --- The arithmetic -----------------------------------------------------------------------------


def test_a_ten_adds_four_and_a_half_and_a_one_takes_four_and_a_half():
    assert Exchange(10, 0, 0, received=0, sent=0).outcome == Decimal("4.50")
    assert Exchange(1, 0, 0, received=0, sent=0).outcome == Decimal("-4.50")


def test_outcome_is_received_plus_quality_points_minus_sent():
    # Member rates 8, clients rated 9 and 10: quality (8 + 19) / 3 = 9.00, points 3.50.
    exchange = Exchange(8, 19, 2, received=3, sent=5)
    assert exchange.client_mean == Decimal("9.50")
    assert (exchange.quality, exchange.rating_count) == (Decimal("9.00"), 3)
    assert exchange.benefits == Decimal("6.50")
    assert exchange.costs == 5
    assert exchange.outcome == Decimal("1.50")
    assert exchange.balance == -2
    assert exchange.weak_reasons == []


def test_no_rating_adds_no_quality_points_and_is_not_flagged_for_quality():
    exchange = Exchange(None, 0, 0, received=2, sent=1)
    assert exchange.quality is None
    assert exchange.outcome == Decimal(1)
    assert exchange.weak_reasons == []


def test_weak_partners_are_flagged_with_the_reason():
    assert Exchange(5, 0, 0, received=3, sent=0).weak_reasons == ["service quality 5.00 is under 6"]
    assert Exchange(9, 0, 0, received=0, sent=5).weak_reasons == [
        "the exchange costs you more than it brings"
    ]


# --- The selector and the page ------------------------------------------------------------------


def test_scorecard_counts_ratings_and_the_last_twelve_months_of_referrals(member):
    movers = ContactFactory(
        owner=member, name="Movers", segment=Segment.ALLIED_RESOURCES, service_rating=8
    )
    ServiceRecordFactory(contact=movers, client_rating=9)
    ServiceRecordFactory(contact=movers, client_rating=10)
    ServiceRecordFactory(contact=movers, client_rating=None)
    for n in (10, 20, 30):
        contact_referral(movers, Direction.RECEIVED, received_on=days_ago(n))
    contact_referral(movers, Direction.RECEIVED, received_on=days_ago(400))  # too old
    for n in (5, 6, 7, 8, 9):
        contact_referral(movers, Direction.SENT, received_on=days_ago(n))
    ContactFactory(owner=member, name="An Advocate", segment=Segment.ADVOCATES)
    ContactFactory(owner=MemberFactory(partnership=member.partnership), segment="allied_resources")
    rows = list(allied_scorecard(member, today=TODAY))
    assert [row.name for row in rows] == ["Movers"]
    assert exchange_of(rows[0]) == Exchange(8, 19, 2, received=3, sent=5)


def test_scorecard_sorts_weakest_first_and_by_quality(member, member_client):
    strong = ContactFactory(
        owner=member, name="Strong", segment=Segment.ALLIED_RESOURCES, service_rating=10
    )
    weak = ContactFactory(
        owner=member, name="Weak", segment=Segment.ALLIED_RESOURCES, service_rating=7
    )
    contact_referral(weak, Direction.SENT, received_on=days_ago(3))
    contact_referral(weak, Direction.SENT, received_on=days_ago(4))
    contact_referral(strong, Direction.SENT, received_on=days_ago(4))
    response = member_client.get(reverse("advocates_allied"))
    assert [c.name for c in response.context["page"].object_list] == ["Weak", "Strong"]
    page = response.content.decode()
    assert "Weak partner" in page and "the exchange costs you more than it brings" in page
    by_quality = member_client.get(reverse("advocates_allied"), {"sort": "quality"})
    assert [c.name for c in by_quality.context["page"].object_list] == ["Strong", "Weak"]
    assert strong.pk  # both exist


PYTHON_ORDER = {
    "outcome": lambda row: (exchange_of(row).outcome, row.name.lower()),
    "quality": lambda row: (
        exchange_of(row).quality is None,
        -(exchange_of(row).quality or 0),
        row.name.lower(),
    ),
    "balance": lambda row: (exchange_of(row).balance, row.name.lower()),
    "name": lambda row: row.name.lower(),
}


@pytest.mark.parametrize("sort", sorted(PYTHON_ORDER))
def test_the_databases_order_is_the_exchanges_order(member, sort):
    # The page is ordered in SQL; it must agree with the arithmetic the page shows.
    for n in range(12):
        ally = ContactFactory(
            owner=member,
            name=f"Ally {n:02}",
            segment=Segment.ALLIED_RESOURCES,
            service_rating=None if n % 4 == 0 else n % 10 + 1,
        )
        for rating in range(n % 3):
            ServiceRecordFactory(contact=ally, client_rating=(n * 7 + rating) % 10 + 1)
        for k in range(n % 5):
            contact_referral(ally, Direction.RECEIVED, received_on=days_ago(k + 1))
        for k in range(n % 4):
            contact_referral(ally, Direction.SENT, received_on=days_ago(k + 1))
    rows = list(allied_scorecard(member, today=TODAY, sort=sort))
    assert [r.name for r in rows] == [r.name for r in sorted(rows, key=PYTHON_ORDER[sort])]


@pytest.mark.parametrize("rows", [10, 1000])
def test_scorecard_query_count_does_not_grow(
    rows, member, member_client, django_assert_num_queries
):
    Contact.objects.bulk_create(
        Contact(
            partnership=member.partnership,
            owner=member,
            name=f"Ally {i}",
            email=f"ally{i}@example.net",
            segment=Segment.ALLIED_RESOURCES,
        )
        for i in range(rows)
    )
    member_client.get(reverse("advocates_allied"))
    with django_assert_num_queries(5):  # session, user, member, the count, a page of the scorecard
        assert member_client.get(reverse("advocates_allied")).status_code == 200


# --- Leadership's overview ----------------------------------------------------------------------


def test_the_overview_is_for_leadership_only(member_client, leader_client):
    assert member_client.get(reverse("advocates_overview")).status_code == 404
    assert leader_client.get(reverse("advocates_overview")).status_code == 200


def plan_touches(contact, due_dates_done):
    template = PlanTemplate.objects.get_or_create(
        partnership=contact.partnership,
        kind=PlanKind.YEARLY,
        defaults={"name": "33 touches", "length_days": 365},
    )[0]
    enrollment = Enrollment.objects.create(
        partnership=contact.partnership,
        contact=contact,
        owner=contact.owner,
        template=template,
        kind=PlanKind.YEARLY,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    for due_on, done in due_dates_done:
        Touch.objects.create(
            partnership=contact.partnership,
            enrollment=enrollment,
            contact=contact,
            owner=contact.owner,
            kind=TouchKind.PHONE_CALL,
            title="Call",
            due_on=due_on,
            done_at=NOW if done else None,
        )


@time_machine.travel(NOW, tick=False)
def test_the_overview_counts_without_naming_contacts_or_referred_people(
    member, leader, leader_client
):
    maya = ContactFactory(
        owner=member, name="Maya Secretname", segment=Segment.CORE_ADVOCATES, strength=Decimal(60)
    )
    ContactFactory(owner=member, name="Dan Hidden", strength=Decimal(20))
    other = MemberFactory(partnership=member.partnership, display_name="Bob Broker")
    ContactFactory(
        owner=other, name="Ally Unseen", segment=Segment.ALLIED_RESOURCES, strength=Decimal(10)
    )
    ContactFactory(owner=MemberFactory(), name="Foreign Person")  # another partnership
    referral = contact_referral(
        maya, Direction.RECEIVED, received_on=TODAY, stage=ReferralStage.CLOSED
    )
    referral.person_name = "Referred Rachel"
    referral.save()
    plan_touches(
        maya,
        [
            (datetime.date(2026, 2, 1), True),
            (datetime.date(2026, 5, 1), False),
            (datetime.date(2026, 9, 1), False),
            (datetime.date(2025, 9, 1), True),
        ],
    )
    response = leader_client.get(reverse("advocates_overview"))
    context = response.context
    assert context["totals"]["contacts"] == 3
    assert context["totals"]["members"] == 2
    assert context["totals"]["average"] == Decimal(30)
    assert context["segments"] == [
        ("Allied Resources", 1),
        ("Advocates", 1),
        ("Core Advocates", 1),
    ]
    assert context["touches"] == {"due": 2, "done": 1, "planned": 3}
    assert ("Closed", 1) in context["stages"] and ("Received", 0) in context["stages"]
    page = response.content.decode()
    for name in (
        "Maya Secretname",
        "Dan Hidden",
        "Ally Unseen",
        "Foreign Person",
        "Referred Rachel",
    ):
        assert name not in page
    assert "Bob Broker" in page and member.display_name in page


@pytest.mark.parametrize("rows", [10, 1000])
def test_overview_query_count_does_not_grow(rows, member, leader_client, django_assert_num_queries):
    Contact.objects.bulk_create(
        Contact(
            partnership=member.partnership, owner=member, name=f"C {i}", email=f"c{i}@example.net"
        )
        for i in range(rows)
    )
    leader_client.get(reverse("advocates_overview"))
    # session, user, member, totals, touches, stages, per-member count and page
    with django_assert_num_queries(8):
        assert leader_client.get(reverse("advocates_overview")).status_code == 200
