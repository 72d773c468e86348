"""The allied resources scorecard (seed 5.1's exchange on two axes: service quality and
reciprocity) and leadership's counts-only overview of every circle."""

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
from advocates.selectors.circle import Exchange, allied_scorecard, exchange_of
from tests.advocates.factories import ContactFactory, ServiceRecordFactory, contact_referral
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)
NOW = datetime.datetime(2026, 6, 1, 15, tzinfo=datetime.UTC)


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


# --- The two axes ------------------------------------------------------------------------------


def test_quality_is_the_mean_of_every_rating_the_members_own_counting_once():
    # Member rates 8, clients rated 9 and 10: quality (8 + 19) / 3 = 9.00.
    exchange = Exchange(8, 19, 2, received=3, sent=5)
    assert exchange.client_mean == Decimal("9.50")
    assert (exchange.quality, exchange.rating_count) == (Decimal("9.00"), 3)
    assert exchange.reciprocity == "Both ways"
    assert exchange.weak_reasons == []


def test_a_good_partner_you_send_more_work_than_they_send_back_is_not_weak():
    # Referral counts are not rating points: sending a 9-rated partner 6 referrals while they
    # send 2 is a healthy two-way exchange, not a cost that makes them weak.
    assert Exchange(9, 0, 0, received=2, sent=6).weak_reasons == []
    assert Exchange(7, 0, 0, received=1, sent=2).weak_reasons == []


def test_a_partner_who_only_sends_you_work_is_not_weak():
    exchange = Exchange(None, 0, 0, received=4, sent=0)
    assert exchange.reciprocity == "Only they send"
    assert exchange.weak_reasons == []


def test_low_quality_is_weak_whatever_the_referrals():
    assert Exchange(5, 0, 0, received=3, sent=0).weak_reasons == ["service quality 5.00 is under 6"]


def test_a_one_way_exchange_is_weak_with_the_reason():
    one_way = Exchange(9, 0, 0, received=0, sent=3)
    assert one_way.reciprocity == "One-way: only you send"
    assert one_way.weak_reasons == [
        "one-way: you sent them 3 referrals in 12 months and received none"
    ]
    # Two referrals sent and none back yet is too early to call.
    early = Exchange(9, 0, 0, received=0, sent=2)
    assert early.reciprocity == "Only you send, so far"
    assert early.weak_reasons == []


def test_both_reasons_are_given_when_both_apply():
    assert Exchange(2, 0, 0, received=0, sent=4).weak_reasons == [
        "service quality 2.00 is under 6",
        "one-way: you sent them 4 referrals in 12 months and received none",
    ]


def test_no_rating_and_no_referrals_is_not_weak():
    exchange = Exchange(None, 0, 0, received=0, sent=0)
    assert exchange.quality is None
    assert exchange.reciprocity == "No referrals yet"
    assert exchange.weak_reasons == []


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


def test_scorecard_lists_weak_partners_first_with_their_reason(member, member_client):
    strong = ContactFactory(
        owner=member, name="Anchor Title", segment=Segment.ALLIED_RESOURCES, service_rating=10
    )
    for day in (3, 4, 5, 6):  # the member sends them plenty; they send some back
        contact_referral(strong, Direction.SENT, received_on=days_ago(day))
    contact_referral(strong, Direction.RECEIVED, received_on=days_ago(8))
    one_way = ContactFactory(
        owner=member, name="Oneway Movers", segment=Segment.ALLIED_RESOURCES, service_rating=9
    )
    for day in (3, 4, 5):
        contact_referral(one_way, Direction.SENT, received_on=days_ago(day))
    sloppy = ContactFactory(
        owner=member, name="Sloppy Inspections", segment=Segment.ALLIED_RESOURCES, service_rating=4
    )
    response = member_client.get(reverse("advocates_allied"))
    names = [c.name for c in response.context["page"].object_list]
    assert names == ["Sloppy Inspections", "Oneway Movers", "Anchor Title"]
    page = response.content.decode()
    assert page.count('<span class="badge badge-bad">Weak partner</span>') == 2
    assert "one-way: you sent them 3 referrals in 12 months and received none" in page
    assert "service quality 4.00 is under 6" in page
    assert "Both ways" in page
    assert "Service quality" in page and "Reciprocity, 12 months" in page
    assert "never counts against them" in page
    by_quality = member_client.get(reverse("advocates_allied"), {"sort": "quality"})
    assert [c.name for c in by_quality.context["page"].object_list] == [
        "Anchor Title",
        "Oneway Movers",
        "Sloppy Inspections",
    ]
    assert sloppy.pk


PYTHON_ORDER = {
    "weak": lambda row: (
        not exchange_of(row).weak_reasons,
        exchange_of(row).quality is None,
        exchange_of(row).quality or 0,
        row.name.lower(),
    ),
    "quality": lambda row: (
        exchange_of(row).quality is None,
        -(exchange_of(row).quality or 0),
        row.name.lower(),
    ),
    "reciprocity": lambda row: (
        exchange_of(row).received - exchange_of(row).sent,
        row.name.lower(),
    ),
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
        for k in range(n % 4 + (2 if n % 5 == 0 else 0)):  # 5 and 10: one-way
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
    # session, user, member, the members with a circle: count and page (the counts are cached)
    with django_assert_num_queries(5):
        assert leader_client.get(reverse("advocates_overview")).status_code == 200
