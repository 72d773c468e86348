"""Double submits: a double click, or the same form sent again from another
tab, adds one row, on every form that adds one; the same values a minute later are a new row."""

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from advocates.models import (
    Contact,
    ExperimentFeedback,
    Interaction,
    Referral,
    Reward,
    RewardRule,
    ServiceRecord,
)
from advocates.services import contacts as contact_services
from advocates.services import referrals as referral_services
from advocates.services import rewards as reward_services
from advocates.services.io import import_contacts
from tests.advocates.factories import AssignmentFactory, ContactFactory, ExperimentFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol(member):
    return ContactFactory(owner=member, name="Carol Advocate", email="carol@example.net")


def post_twice(client, url, data):
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:500]
    assert second.status_code == 302, second.content.decode()[:500]
    return first, second


def test_a_contact_without_email_added_twice_is_one_contact(member, member_client):
    first, second = post_twice(
        member_client,
        reverse("advocates_contact_new"),
        {"name": "Daniel Okafor", "segment": "advocates", "phone": "512-555-0100"},
    )
    assert Contact.objects.filter(owner=member).count() == 1
    assert first.url == second.url  # both land on the one contact


def test_a_contact_with_email_added_twice_lands_on_it_instead_of_an_error(member, member_client):
    post_twice(
        member_client,
        reverse("advocates_contact_new"),
        {"name": "Maya Thompson", "segment": "advocates", "email": "maya@example.com"},
    )
    assert Contact.objects.filter(owner=member).count() == 1


def test_a_call_logged_twice_is_one_entry_and_counts_once(carol, member_client):
    post_twice(
        member_client,
        reverse("advocates_contact_log", args=[carol.pk]),
        {"kind": "call", "occurred_at": "2025-01-06 10:30", "summary": "Caught up"},
    )
    assert Interaction.objects.filter(contact=carol).count() == 1


def test_a_different_call_is_logged_as_its_own_entry(carol, member_client):
    url = reverse("advocates_contact_log", args=[carol.pk])
    member_client.post(url, {"kind": "call", "occurred_at": "2025-01-06 10:30"})
    member_client.post(url, {"kind": "call", "occurred_at": "2025-01-06 16:00"})
    assert Interaction.objects.filter(contact=carol).count() == 2


def test_the_same_call_a_minute_later_is_a_new_entry(carol):
    when = timezone.now() - datetime.timedelta(hours=1)
    contact_services.record_interaction(contact=carol, kind="call", occurred_at=when)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        contact_services.record_interaction(contact=carol, kind="call", occurred_at=when)
    assert Interaction.objects.filter(contact=carol).count() == 2


def test_a_service_record_added_twice_is_one_line(carol, member_client):
    post_twice(
        member_client,
        reverse("advocates_contact_history", args=[carol.pk]),
        {"happened_on": "2024-05-02", "service": "Listing photos", "client_rating": "9"},
    )
    assert ServiceRecord.objects.filter(contact=carol).count() == 1


def test_a_referral_sent_twice_is_one_referral(carol, member_client):
    post_twice(
        member_client,
        reverse("referral_new"),
        {
            "direction": "sent",
            "contact": carol.pk,
            "person_name": "Eve Seller",
            "need": "other",
            "timeframe": "browsing",
            "quality": "standard",
        },
    )
    assert Referral.objects.filter(contact=carol).count() == 1


def test_a_reward_recorded_twice_is_one_reward(carol, member_client, partnership):
    post_twice(
        member_client,
        reverse("reward_new"),
        {
            "contact": carol.pk,
            "description": "Dinner for two",
            "value": "80",
            "given_on": partnership.today().isoformat(),
            "trigger": "long_term",
        },
    )
    assert Reward.objects.filter(contact=carol).count() == 1


def test_a_reward_rule_added_twice_is_one_rule(member, member_client):
    post_twice(
        member_client,
        reverse("reward_rule_new"),
        {"trigger": "closed", "quality": "", "description": "$50 gift card", "value": "50"},
    )
    assert RewardRule.objects.filter(owner=member).count() == 1


def test_feedback_noted_twice_is_one_note(member, member_client):
    experiment = ExperimentFactory(owner=member)
    carol = ContactFactory(owner=member)
    AssignmentFactory(experiment=experiment, contact=carol, group="A")
    post_twice(
        member_client,
        reverse("advocates_experiment_feedback", args=[experiment.pk]),
        {"contact": carol.pk, "text": "Likes the flat fee"},
    )
    assert ExperimentFeedback.objects.count() == 1


ROWS = [
    {"name": "Daniel Okafor", "email": "", "segment": ""},
    {"name": "Maya Thompson", "email": "maya@example.com", "segment": "Core Advocates"},
]


def test_an_import_confirmed_twice_imports_once(member):
    first = import_contacts(owner=member, rows=ROWS)
    second = import_contacts(owner=member, rows=ROWS)
    assert [c.pk for c in second] == [c.pk for c in first]
    assert Contact.objects.filter(owner=member).count() == 2


def test_two_people_of_the_same_name_in_one_file_are_both_imported(member):
    rows = [{"name": "John Smith", "email": ""}, {"name": "John Smith", "email": ""}]
    assert len({c.pk for c in import_contacts(owner=member, rows=rows)}) == 2
    assert Contact.objects.filter(owner=member, name="John Smith").count() == 2


# --- The same, two requests at once on real PostgreSQL ----------------------------------------


def at_once(action, n=2):
    """Run `action` in `n` threads released together; their results, in finishing order."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(action())
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_adds_of_a_contact_at_once_make_one(partnership):
    member = MemberFactory(partnership=partnership)
    made = at_once(lambda: contact_services.create_contact(owner=member, name="Daniel").pk)
    assert made[0] == made[1] and Contact.objects.filter(owner=member).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_logs_of_one_call_at_once_make_one_entry(partnership):
    carol = ContactFactory(owner=MemberFactory(partnership=partnership))
    when = timezone.now() - datetime.timedelta(hours=1)
    at_once(
        lambda: contact_services.record_interaction(contact=carol, kind="call", occurred_at=when)
    )
    assert Interaction.objects.filter(contact=carol).count() == 1
    carol.refresh_from_db()
    assert carol.frequency_points == Decimal("3.03")  # one call of 33


@pytest.mark.django_db(transaction=True)
def test_two_sends_of_one_referral_at_once_make_one(partnership):
    carol = ContactFactory(owner=MemberFactory(partnership=partnership))
    at_once(lambda: referral_services.record_referral_sent(contact=carol, person_name="Eve"))
    assert Referral.objects.filter(contact=carol).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_records_of_one_reward_at_once_make_one(partnership):
    carol = ContactFactory(owner=MemberFactory(partnership=partnership))
    at_once(
        lambda: reward_services.record_reward(
            contact=carol, description="Dinner", value=80, given_on=partnership.today()
        )
    )
    assert Reward.objects.filter(contact=carol).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_confirms_of_one_import_at_once_import_once(partnership):
    member = MemberFactory(partnership=partnership)
    made = at_once(lambda: [c.pk for c in import_contacts(owner=member, rows=ROWS)])
    assert made[0] == made[1] and Contact.objects.filter(owner=member).count() == 2
