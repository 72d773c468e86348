"""Leadership's circles overview is counted once and then cached per partnership: every service
that changes what it counts makes the next overview count again; the partnership's day moves
its touches "due so far"; one partnership's counts are never another's; Redis down, it counts."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from advocates.models import PlanKind, ReferralStage, Segment
from advocates.services import contacts, plans, touches
from advocates.services.referrals import stages
from tests.advocates.factories import ContactFactory, contact_referral
from tests.conftest import client_for
from tests.members.factories import LeadershipFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)
NOW = datetime.datetime(2026, 6, 1, 15, tzinfo=datetime.UTC)


def overview(client) -> dict:
    response = client.get(reverse("advocates_overview"))
    assert response.status_code == 200
    return response.context


@time_machine.travel(NOW, tick=False)
def test_each_service_that_changes_a_circle_makes_the_overview_count_again(
    member, leader_client, django_capture_on_commit_callbacks
):
    def after(action):
        with django_capture_on_commit_callbacks(execute=True):
            done = action()
        return done, overview(leader_client)

    assert overview(leader_client)["totals"]["contacts"] == 0
    contact, seen = after(
        lambda: contacts.create_contact(owner=member, name="Ann Lee", email="ann@example.com")
    )
    assert seen["totals"]["contacts"] == 1 and seen["totals"]["members"] == 1
    _, seen = after(
        lambda: contacts.move_to_segment(contact=contact, segment=Segment.CORE_ADVOCATES)
    )
    assert ("Core Advocates", 1) in seen["segments"]
    assert [row["core"] for row in seen["page"].object_list] == [1]
    enrollment, seen = after(
        lambda: plans.enroll(
            contact=contact, kind=PlanKind.YEARLY, starts_on=TODAY - datetime.timedelta(days=60)
        )
    )
    planned, due = seen["touches"]["planned"], seen["touches"]["due"]
    assert planned > due > 0 and seen["touches"]["done"] == 0
    touch = enrollment.touches.filter(due_on__lte=TODAY).order_by("due_on").first()
    _, seen = after(lambda: touches.mark_done(touch=touch))
    assert seen["touches"]["done"] == 1
    _, seen = after(lambda: plans.cancel_enrollment(enrollment=enrollment))
    assert seen["touches"]["planned"] == 1  # the done one stays
    referral = contact_referral(contact, "received", received_on=TODAY)
    _, seen = after(
        lambda: stages.advance_referral(referral=referral, stage=ReferralStage.CONTACTED)
    )
    assert ("Contacted", 1) in seen["stages"]
    _, seen = after(lambda: contacts.delete_contact(contact=contact))
    assert seen["totals"]["contacts"] == 0 and list(seen["page"].object_list) == []


def test_the_touches_due_so_far_follow_the_partnerships_day(member, leader_client):
    contact = ContactFactory(owner=member)
    with time_machine.travel(NOW, tick=False):
        plans.enroll(contact=contact, kind=PlanKind.YEARLY, starts_on=TODAY)
        due = overview(leader_client)["touches"]["due"]
    with time_machine.travel(NOW + datetime.timedelta(days=60), tick=False):
        assert overview(leader_client)["touches"]["due"] > due


def test_each_partnership_sees_its_own_counts_and_its_members_names_as_they_are_now(
    member, leader_client, other_member
):
    ContactFactory(owner=member)
    ContactFactory.create_batch(2, owner=other_member)
    other_leader = LeadershipFactory(partnership=other_member.partnership)
    other_client = client_for(other_member.partnership, other_leader)
    assert overview(leader_client)["totals"]["contacts"] == 1
    assert overview(other_client)["totals"]["contacts"] == 2
    assert overview(leader_client)["totals"]["contacts"] == 1
    member.display_name = "Renamed Member"
    member.save(update_fields=["display_name"])
    assert "Renamed Member" in leader_client.get(reverse("advocates_overview")).text


def test_without_redis_the_overview_counts_in_the_database(member, leader_client, redis_down):
    ContactFactory.create_batch(2, owner=member)
    assert overview(leader_client)["totals"]["contacts"] == 2
