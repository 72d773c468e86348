"""Transactions: how the team settles its leader, a forming team, and members who are no longer
active."""

import datetime

import pytest

from leads.services import LeadRefused
from pinnacle.models import AuditEvent
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.transactions import transaction_helpers
from tests.transactions.transaction_helpers import NEW_YORK, open_for, team_names
from transactions.models import LeaderProposal
from transactions.services import lifecycle as services

pytestmark = pytest.mark.django_db

# The shared fixtures, bound here so that pytest finds them in this module.
bob = transaction_helpers.bob
carol = transaction_helpers.carol
dave = transaction_helpers.dave
lead = transaction_helpers.lead


# --- The leader ---------------------------------------------------------------------------------


def test_a_team_of_two_settles_its_leader_when_both_agree(lead, member, bob):
    transaction = open_for(lead, member, bob)
    proposal = services.propose_leader(transaction=transaction, actor=member, candidate=bob)
    transaction.refresh_from_db()
    assert transaction.leader is None and proposal.settled_at is None
    assert services.agree_to_leader(proposal=proposal, actor=bob) is True
    transaction.refresh_from_db()
    proposal.refresh_from_db()
    assert transaction.leader == bob and proposal.settled_at is not None
    assert AuditEvent.objects.filter(action="transaction.leader_settled").count() == 1


def test_a_team_of_three_settles_with_two_and_of_four_needs_three(lead, member, bob, carol, dave):
    three = open_for(lead, member, bob, carol)
    proposal = services.propose_leader(transaction=three, actor=member, candidate=carol)
    assert services.agree_to_leader(proposal=proposal, actor=bob) is True
    three.refresh_from_db()
    assert three.leader == carol

    four = open_for(LeadFactory(partnership=lead.partnership), member, bob, carol, dave)
    proposal = services.propose_leader(transaction=four, actor=member, candidate=dave)
    assert services.agree_to_leader(proposal=proposal, actor=bob) is False
    four.refresh_from_db()
    assert four.leader is None  # two of four is not a majority
    assert services.agree_to_leader(proposal=proposal, actor=carol) is True
    four.refresh_from_db()
    assert four.leader == dave


def test_an_agreement_counts_once_and_a_settled_proposal_takes_no_more(lead, member, bob, carol):
    transaction = open_for(lead, member, bob, carol)
    proposal = services.propose_leader(transaction=transaction, actor=member, candidate=member)
    with pytest.raises(LeadRefused, match="You already agreed"):
        services.agree_to_leader(proposal=proposal, actor=member)
    services.agree_to_leader(proposal=proposal, actor=bob)
    with pytest.raises(LeadRefused, match="Already settled: Alice Agent leads the team"):
        services.agree_to_leader(proposal=proposal, actor=carol)


def test_a_new_proposal_closes_the_older_ones(lead, member, bob, carol):
    transaction = open_for(lead, member, bob, carol)
    first = services.propose_leader(transaction=transaction, actor=member, candidate=member)
    second = services.propose_leader(transaction=transaction, actor=bob, candidate=carol)
    first.refresh_from_db()
    assert first.closed_at is not None and first.settled_at is None and second.is_open
    with pytest.raises(LeadRefused, match="replaced or withdrawn"):
        services.agree_to_leader(proposal=first, actor=carol)
    assert LeaderProposal.objects.filter(transaction=transaction, closed_at=None).count() == 1


def leader_section(client, transaction) -> str:
    page = client.get(f"/transactions/{transaction.pk}/").text
    return page.split('id="leader"')[1].split("</section>")[0]


def test_the_team_page_shows_the_open_proposal_alone_and_none_once_settled(
    partnership, lead, member, bob, carol, time_machine
):
    time_machine.move_to(datetime.datetime(2025, 3, 4, 9, 0, tzinfo=NEW_YORK), tick=False)
    transaction = open_for(lead, member, bob, carol)
    services.propose_leader(transaction=transaction, actor=member, candidate=member)
    time_machine.shift(datetime.timedelta(minutes=5))
    newer = services.propose_leader(transaction=transaction, actor=bob, candidate=carol)
    client = client_for(partnership, bob)
    section = leader_section(client, transaction)
    assert "<strong>Carol Inspector</strong> proposed by Bob Lender" in section
    assert section.count("proposed by") == 1 and "Alice Agent</strong>" not in section
    time_machine.shift(datetime.timedelta(minutes=5))
    assert services.agree_to_leader(proposal=newer, actor=carol) is True  # 2 of 3
    section = leader_section(client, transaction)
    assert "<strong>Carol Inspector</strong>" in section and "proposed by" not in section


def test_outsiders_neither_propose_nor_agree_nor_are_proposed(lead, member, bob, carol, leader):
    transaction = open_for(lead, member, bob)
    with pytest.raises(LeadRefused, match="Carol Inspector is not on the team"):
        services.propose_leader(transaction=transaction, actor=member, candidate=carol)
    with pytest.raises(LeadRefused, match="Only members of this transaction's team"):
        services.propose_leader(transaction=transaction, actor=leader, candidate=member)
    proposal = services.propose_leader(transaction=transaction, actor=member, candidate=member)
    with pytest.raises(LeadRefused, match="Only members of this transaction's team"):
        services.agree_to_leader(proposal=proposal, actor=carol)


def test_while_the_referral_member_is_on_the_team_they_lead_and_nobody_is_proposed(
    partnership, member, bob
):
    lead = LeadFactory(partnership=partnership, referring_member=bob)
    transaction = open_for(lead, member, bob)
    assert transaction.leader == bob
    with pytest.raises(LeadRefused, match="Bob Lender is the referral partner member"):
        services.propose_leader(transaction=transaction, actor=member, candidate=member)


def test_the_referral_member_joining_later_becomes_leader_and_ends_open_proposals(
    partnership, member, bob, carol
):
    lead = LeadFactory(partnership=partnership, referring_member=carol)
    transaction = open_for(lead, member, bob)
    proposal = services.propose_leader(transaction=transaction, actor=member, candidate=bob)
    services.add_team_member(transaction=transaction, actor=bob, member=carol, role="")
    transaction.refresh_from_db()
    proposal.refresh_from_db()
    assert transaction.leader == carol
    assert proposal.closed_at is not None and proposal.settled_at is None
    assert AuditEvent.objects.filter(action="transaction.leader_set").count() == 1


def test_a_member_taken_off_the_team_no_longer_counts_towards_a_majority(
    partnership, member, bob, carol, dave
):
    lead = LeadFactory(partnership=partnership, referring_member=member)
    transaction = open_for(lead, member, bob, carol, dave)
    # The referral member leads; a proposal can only exist from before they joined, so build
    # the case directly: an open proposal to which Dave agreed.
    proposal = LeaderProposal.objects.create(
        partnership=partnership, transaction=transaction, candidate=bob, proposed_by=bob
    )
    proposal.agreements.create(partnership=partnership, member=dave)
    services.remove_team_member(transaction=transaction, actor=member, member=dave)
    assert not proposal.agreements.filter(member=dave).exists()


# --- A forming team, and members who are no longer active ----------------------------------------


def deactivate(*members):
    for member in members:
        member.is_active = False
        member.save(update_fields=["is_active"])


def test_a_team_of_one_proposes_no_leader(lead, member):
    transaction = open_for(lead, member)
    with pytest.raises(LeadRefused, match="once a second member joins the team"):
        services.propose_leader(transaction=transaction, actor=member, candidate=member)
    transaction.refresh_from_db()
    assert transaction.leader is None and not LeaderProposal.objects.exists()


def test_a_second_member_joining_does_not_settle_a_proposal_they_never_agreed_to(
    partnership, lead, member, bob
):
    transaction = open_for(lead, member)
    # A proposal from a team of one, as the portal made them before: only its proposer agreed.
    proposal = LeaderProposal.objects.create(
        partnership=partnership, transaction=transaction, candidate=member, proposed_by=member
    )
    proposal.agreements.create(partnership=partnership, member=member)
    services.add_team_member(transaction=transaction, actor=member, member=bob, role="")
    transaction.refresh_from_db()
    assert transaction.leader is None  # one of two is no majority
    with pytest.raises(LeadRefused, match="Choose a team leader before closing"):
        services.change_stage(transaction=transaction, actor=member, stage="closed")
    assert services.agree_to_leader(proposal=proposal, actor=bob) is True
    transaction.refresh_from_db()
    assert transaction.leader == member


def test_taking_a_member_off_counts_the_open_proposal_again(
    partnership, lead, member, bob, carol, dave
):
    transaction = open_for(lead, member, bob, carol, dave)
    proposal = services.propose_leader(transaction=transaction, actor=member, candidate=member)
    assert services.agree_to_leader(proposal=proposal, actor=bob) is False  # two of four
    deactivate(dave)
    # Anyone on the team takes off a member who is no longer active; two of three now agree.
    services.remove_team_member(transaction=transaction, actor=carol, member=dave)
    transaction.refresh_from_db()
    proposal.refresh_from_db()
    assert transaction.leader == member and proposal.settled_at is not None
    assert transaction.events.filter(summary="Alice Agent leads the team (2 of 3 agreed)").exists()


def test_a_team_down_to_one_never_settles_its_leader(partnership, lead, member, bob):
    transaction = open_for(lead, member, bob)
    proposal = LeaderProposal.objects.create(
        partnership=partnership, transaction=transaction, candidate=member, proposed_by=member
    )
    proposal.agreements.create(partnership=partnership, member=member)
    deactivate(bob)
    services.remove_team_member(transaction=transaction, actor=member, member=bob)
    transaction.refresh_from_db()
    proposal.refresh_from_db()
    assert transaction.leader is None and proposal.settled_at is None


def test_a_team_with_one_active_member_left_appoints_nobody(lead, member, bob):
    transaction = open_for(lead, member, bob)
    deactivate(bob)
    with pytest.raises(LeadRefused, match="Only one member of the team is still an active member"):
        services.propose_leader(transaction=transaction, actor=member, candidate=member)
    assert not LeaderProposal.objects.exists()


def test_an_inactive_referral_member_no_longer_leads_and_the_team_appoints_another(
    partnership, member, bob, carol
):
    lead = LeadFactory(partnership=partnership, referring_member=bob)
    transaction = open_for(lead, member, bob, carol)
    services.change_stage(transaction=transaction, actor=member, stage="under_contract")
    assert transaction.leader == bob
    deactivate(bob)
    with pytest.raises(LeadRefused, match="Bob Lender, the team leader, is no longer an active"):
        services.change_stage(transaction=transaction, actor=member, stage="closed")
    with pytest.raises(LeadRefused, match="Bob Lender is no longer an active member"):
        services.propose_leader(transaction=transaction, actor=member, candidate=bob)
    # Neither "the referral partner member leads" nor "only the leader" blocks the team.
    proposal = services.propose_leader(transaction=transaction, actor=member, candidate=carol)
    assert services.agree_to_leader(proposal=proposal, actor=carol) is True
    transaction.refresh_from_db()
    assert transaction.leader == carol
    services.change_stage(transaction=transaction, actor=carol, stage="closed")


def test_any_team_member_takes_an_inactive_leader_off_the_team(partnership, member, bob, carol):
    lead = LeadFactory(partnership=partnership, referring_member=member)
    transaction = open_for(lead, member, bob, carol)
    assert transaction.leader == member
    deactivate(member)
    with pytest.raises(LeadRefused, match="Only the team leader can take a member off the team"):
        services.remove_team_member(transaction=transaction, actor=bob, member=carol)
    services.remove_team_member(transaction=transaction, actor=bob, member=member)
    transaction.refresh_from_db()
    assert transaction.leader is None
    assert team_names(transaction) == ["Bob Lender", "Carol Inspector"]
    removed = AuditEvent.objects.get(action="transaction.member_removed")
    assert (
        removed.summary == "Bob Lender took Alice Agent off the team (no longer an active member)"
    )
    assert removed.data["inactive"] is True and removed.target_id == transaction.pk
    cleared = AuditEvent.objects.get(action="transaction.leader_cleared")
    assert cleared.summary == "Alice Agent no longer leads the team: the team appoints a leader"
    # The team appoints its new leader: both of the two who remain.
    proposal = services.propose_leader(transaction=transaction, actor=bob, candidate=carol)
    assert services.agree_to_leader(proposal=proposal, actor=carol) is True


def test_a_member_no_longer_active_does_nothing_on_the_team(lead, member, bob, carol):
    transaction = open_for(lead, member, bob)
    proposal = services.propose_leader(transaction=transaction, actor=member, candidate=member)
    deactivate(bob)
    with pytest.raises(LeadRefused, match="no longer an active member of this partnership"):
        services.agree_to_leader(proposal=proposal, actor=bob)
    with pytest.raises(LeadRefused, match="no longer an active member of this partnership"):
        services.add_team_member(transaction=transaction, actor=bob, member=carol, role="")


def test_the_team_page_lets_any_member_take_an_inactive_member_off(partnership, member, bob, carol):
    lead = LeadFactory(partnership=partnership, referring_member=carol)
    transaction = open_for(lead, member, bob, carol)
    deactivate(carol)
    bob_client = client_for(partnership, bob)
    page = bob_client.get(f"/transactions/{transaction.pk}/").text
    seats = {seat.member_id: seat.pk for seat in transaction.team.all()}
    assert "No longer active</span>" in page
    assert "no longer an active member: the team appoints another leader" in page
    assert f"/team/{seats[carol.pk]}/remove/" in page
    assert f"/team/{seats[member.pk]}/remove/" not in page
    assert "Propose another leader" in page  # the inactive referral member leads no more
    response = bob_client.post(f"/transactions/{transaction.pk}/team/{seats[carol.pk]}/remove/")
    assert response.status_code == 302
    assert team_names(transaction) == ["Alice Agent", "Bob Lender"]
