"""A customer served by one member: leadership confirms the lone member is the whole team (or that
member is the lead's referring member), and the transaction moves, closes and gets the same three
post-close duties as one worked by a committee."""

import threading

import pytest
from django.db import connection, connections

from leads.services import LeadRefused
from pinnacle.models import AuditEvent
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import LeadershipFactory, MemberFactory
from transactions.models import PostCloseStep, Transaction, TransactionEvent
from transactions.services import lifecycle as services

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at("2025-03-03 15:00Z")]

FORMING_REFUSAL = "A committee is two or more members"


@pytest.fixture
def bob(partnership):
    return MemberFactory(partnership=partnership, display_name="Bob Lender")


@pytest.fixture
def solo(partnership, member, clock):
    """Alice Agent's buy for Dana Customer, whom another member referred: Alice alone on it."""
    referrer = MemberFactory(partnership=partnership, display_name="Rita Referrer")
    lead = LeadFactory(partnership=partnership, name="Dana Customer", referring_member=referrer)
    return services.open_transaction(lead=lead, member=member, kind="buy", role="Agent")


def duties(transaction) -> list[str]:
    return sorted(
        PostCloseStep.objects.filter(transaction=transaction).values_list("kind", flat=True)
    )


def team_events(transaction) -> list[str]:
    return list(
        TransactionEvent.objects.filter(transaction=transaction, kind__in=["team", "leader"])
        .order_by("created_at", "id")
        .values_list("summary", flat=True)
    )


def test_solo_transaction_closes_when_leadership_confirms_the_team(solo, member, leader):
    services.confirm_whole_team(transaction=solo, actor=leader)

    solo.refresh_from_db()
    assert solo.solo_member == member and solo.solo_confirmed_by == leader
    assert solo.solo_confirmed_at.isoformat() == "2025-03-03T15:00:00+00:00"
    assert solo.leader == member
    assert team_events(solo) == [
        "Lee Leadership (leadership) confirmed that Alice Agent is the whole team",
        "Alice Agent leads the team (the whole team, as leadership confirmed)",
    ]
    audit = AuditEvent.objects.get(action="transaction.whole_team_confirmed")
    assert audit.actor == leader.user and audit.data["solo_member"] == member.pk

    services.change_stage(transaction=solo, actor=member, stage="under_contract")
    services.change_stage(transaction=solo, actor=member, stage="closed")
    solo.refresh_from_db()
    assert solo.is_closed
    assert duties(solo) == ["handoff", "interaction", "letter"]


def test_solo_transaction_without_confirmation_is_still_refused(solo, member):
    for stage in ("under_contract", "closed"):
        with pytest.raises(LeadRefused, match=FORMING_REFUSAL):
            services.change_stage(transaction=solo, actor=member, stage=stage)
    solo.refresh_from_db()
    assert solo.stage == "opened" and duties(solo) == []


def test_the_referring_member_alone_closes_and_gets_the_three_duties(partnership, member):
    lead = LeadFactory(partnership=partnership, referring_member=member)
    transaction = services.open_transaction(lead=lead, member=member, kind="sell")
    services.change_stage(transaction=transaction, actor=member, stage="closed")
    transaction.refresh_from_db()
    assert transaction.is_closed and transaction.leader == member
    assert duties(transaction) == ["handoff", "interaction", "letter"]


def test_only_leadership_confirms_the_whole_team(solo, member, bob):
    for who in (member, bob):
        with pytest.raises(LeadRefused, match="Only Pinnacle Partnerships leadership confirms"):
            services.confirm_whole_team(transaction=solo, actor=who)
    solo.refresh_from_db()
    assert solo.solo_member is None


def test_a_committee_needs_no_confirmation(solo, member, bob, leader):
    services.add_team_member(transaction=solo, actor=member, member=bob)
    with pytest.raises(LeadRefused, match="The team has 2 members: it is a committee"):
        services.confirm_whole_team(transaction=solo, actor=leader)


def test_a_second_member_joining_ends_the_confirmation(solo, member, bob, leader):
    services.confirm_whole_team(transaction=solo, actor=leader)
    services.change_stage(transaction=solo, actor=member, stage="under_contract")
    services.add_team_member(transaction=solo, actor=member, member=bob)

    solo.refresh_from_db()
    assert (solo.solo_member, solo.solo_confirmed_by, solo.solo_confirmed_at) == (None, None, None)
    assert solo.leader == member
    assert team_events(solo)[-1] == (
        "The team is now a committee: leadership's confirmation that Alice Agent was the whole "
        "team no longer applies"
    )
    # A committee past its first stage keeps two members, as any other.
    with pytest.raises(LeadRefused, match=FORMING_REFUSAL):
        services.remove_team_member(transaction=solo, actor=member, member=bob)


def test_leadership_confirms_on_the_transaction_page(solo, member, leader):
    leadership = client_for(solo.partnership, leader)
    page = leadership.get(f"/transactions/{solo.pk}/").text
    assert "Confirm Alice Agent is the whole team" in page

    response = leadership.post(f"/transactions/{solo.pk}/whole-team/")
    assert response.status_code == 302
    solo.refresh_from_db()
    assert solo.solo_member == member

    page = leadership.get(f"/transactions/{solo.pk}/").text
    assert "Confirm Alice Agent is the whole team" not in page
    assert "Lee Leadership confirmed that Alice Agent is the whole team" in page
    # Alice may now move it on; a team of one still proposes no leader: she leads it.
    alice_page = client_for(solo.partnership, member).get(f"/transactions/{solo.pk}/").text
    assert f'action="/transactions/{solo.pk}/stage/"' in alice_page
    assert f'action="/transactions/{solo.pk}/leader/"' not in alice_page
    # The member's own list no longer calls it forming: it may move on.
    listing = client_for(solo.partnership, member).get("/transactions/?stage=forming").text
    assert "Dana Customer" not in listing


def test_a_member_cannot_confirm_their_own_team_on_the_page(solo, member):
    response = client_for(solo.partnership, member).post(f"/transactions/{solo.pk}/whole-team/")
    assert response.status_code == 400
    assert "Only Pinnacle Partnerships leadership confirms" in response.text
    solo.refresh_from_db()
    assert solo.solo_member is None


@pytest.mark.django_db(transaction=True)
def test_a_member_joining_while_leadership_confirms_leaves_one_consistent_team(partnership):
    alice = MemberFactory(partnership=partnership, display_name="Alice Agent")
    bob = MemberFactory(partnership=partnership, display_name="Bob Lender")
    lee = LeadershipFactory(partnership=partnership, display_name="Lee Leadership")
    transaction = services.open_transaction(
        lead=LeadFactory(partnership=partnership), member=alice, kind="buy"
    )
    barrier = threading.Barrier(2)

    def run(action):
        try:
            barrier.wait(timeout=10)
            action()
        except LeadRefused:
            pass
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=run,
            args=(lambda: services.confirm_whole_team(transaction=transaction, actor=lee),),
        ),
        threading.Thread(
            target=run,
            args=(
                lambda: services.add_team_member(transaction=transaction, actor=alice, member=bob),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    transaction = Transaction.objects.get(pk=transaction.pk)
    assert transaction.team.count() == 2
    # Whichever came first, a team of two carries no confirmation that one member is all of it.
    assert transaction.solo_member_id is None
    connection.close()


def test_leadership_confirms_the_whole_team_from_the_admin(solo, member, leader, leader_client):
    committee = services.open_transaction(
        lead=LeadFactory(partnership=solo.partnership), member=member, kind="sell"
    )
    services.add_team_member(
        transaction=committee,
        actor=member,
        member=MemberFactory(partnership=solo.partnership),
    )
    response = leader_client.post(
        "/admin/transactions/transaction/",
        {
            "action": "confirm_lone_member_is_whole_team",
            "_selected_action": [solo.pk, committee.pk],
        },
        follow=True,
    )
    assert "Confirmed for 1 transaction(s)" in response.text
    assert "The team has 2 members: it is a committee" in response.text
    solo.refresh_from_db()
    assert (solo.solo_member, solo.solo_confirmed_by) == (member, leader)
    committee.refresh_from_db()
    assert committee.solo_member is None
