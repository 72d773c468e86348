"""Transactions and their team committees: opening, the team, the leader, stages, notes,
documents and the customer's written authorizations; the team page, list, export and admin."""

import csv
import datetime
import decimal
import io
import time
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from leads.models import (
    Disclosure,
    Lead,
    LeaderProposal,
    Need,
    PostCloseStep,
    TeamMember,
    Timeframe,
    Transaction,
    TransactionAccess,
    TransactionDocument,
    TransactionEvent,
)
from leads.services import LeadRefused
from leads.services import transaction_records as records
from leads.services import transactions as services
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import AuditEvent
from tests.conftest import client_for
from tests.leads.factories import PDF_BYTES, LeadFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def bob(partnership):
    return MemberFactory(partnership=partnership, display_name="Bob Lender", job_title="Lender")


@pytest.fixture
def carol(partnership):
    return MemberFactory(partnership=partnership, display_name="Carol Inspector")


@pytest.fixture
def dave(partnership):
    return MemberFactory(partnership=partnership, display_name="Dave Title")


@pytest.fixture
def lead(partnership):
    return LeadFactory(partnership=partnership, name="Dana Customer", email="dana@example.com")


def open_for(lead, opener, *others, kind="buy"):
    transaction = services.open_transaction(lead=lead, member=opener, kind=kind, role="Agent")
    for other in others:
        services.add_team_member(transaction=transaction, actor=opener, member=other, role="")
    transaction.refresh_from_db()
    return transaction


def team_names(transaction):
    return sorted(transaction.team.values_list("member__display_name", flat=True))


def pdf_upload(name="contract.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def png_upload(name="scan.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- Opening ------------------------------------------------------------------------------------


def test_the_opener_takes_the_first_seat_and_the_transaction_is_forming(lead, member):
    transaction = services.open_transaction(
        lead=lead,
        member=member,
        kind="buy",
        role="Buyer's agent",
        property_address=" 12 Elm St, Austin ",
        value=425000,
    )
    seat = TeamMember.objects.get(transaction=transaction)
    assert (seat.member, seat.role, seat.added_by) == (member, "Buyer's agent", member)
    assert transaction.property_address == "12 Elm St, Austin"
    assert transaction.stage == "opened" and transaction.leader is None
    assert transaction.referral_member is None
    assert transaction.events.get().kind == TransactionEvent.Kind.OPENED
    audit = AuditEvent.objects.get(action="transaction.opened")
    # Audited on the transaction, never on the lead (whose timeline every member sees).
    assert audit.target_type == "leads.transaction" and audit.target_id == transaction.pk


def test_the_referral_member_opening_the_transaction_leads_the_team(partnership, member):
    lead = LeadFactory(partnership=partnership, referring_member=member)
    transaction = services.open_transaction(lead=lead, member=member, kind="sell")
    assert transaction.referral_member == member and transaction.leader == member


def test_the_referral_member_is_the_leads_assignee_when_the_transaction_opens(
    partnership, member, bob, carol
):
    lead = LeadFactory(partnership=partnership, referring_member=carol)
    transaction = services.open_transaction(lead=lead, member=member, kind="buy")
    # A later reassignment of the lead does not change who referred this transaction.
    Lead.objects.filter(pk=lead.pk).update(referring_member=bob)
    transaction.refresh_from_db()
    assert transaction.referral_member == carol and transaction.leader is None


def test_leadership_opens_no_transaction_and_sits_on_no_committee(lead, leader, member):
    with pytest.raises(LeadRefused, match="leadership is not on transaction committees"):
        services.open_transaction(lead=lead, member=leader, kind="buy")
    transaction = open_for(lead, member)
    with pytest.raises(LeadRefused, match="leadership is not on transaction committees"):
        services.add_team_member(transaction=transaction, actor=member, member=leader, role="")
    assert team_names(transaction) == ["Alice Agent"]


def test_members_of_another_partnership_or_inactive_ones_cannot_open_or_join(
    lead, member, other_member, partnership
):
    with pytest.raises(LeadRefused, match="active partner member"):
        services.open_transaction(lead=lead, member=other_member, kind="buy")
    transaction = open_for(lead, member)
    gone = MemberFactory(partnership=partnership, is_active=False)
    for outsider in (other_member, gone):
        with pytest.raises(LeadRefused, match="active partner member"):
            services.add_team_member(
                transaction=transaction, actor=member, member=outsider, role=""
            )
    assert not Transaction.objects.filter(partnership=other_member.partnership).exists()


def test_a_bad_kind_or_value_saves_nothing(lead, member):
    with pytest.raises(LeadRefused, match="kind of transaction"):
        services.open_transaction(lead=lead, member=member, kind="lease")
    with pytest.raises(LeadRefused, match="amount from 0"):
        services.open_transaction(lead=lead, member=member, kind="buy", value=-1)
    assert not Transaction.objects.exists() and not TeamMember.objects.exists()


# --- The team -----------------------------------------------------------------------------------


def test_team_members_add_members_and_the_added_member_is_emailed_a_link(lead, member, bob):
    transaction = open_for(lead, member)
    seat = services.add_team_member(
        transaction=transaction, actor=member, member=bob, role="Lender"
    )
    assert seat.role == "Lender" and seat.added_by == member
    (email,) = OutboxMessage.objects.filter(template="leads/team_added")
    assert email.to_email == bob.email
    assert email.subject == "Alice Agent added you to a transaction team committee"
    assert f"http://localhost/transactions/{transaction.pk}/" in email.body_text
    assert "as Lender" in email.body_text
    # The email names no customer detail: it sends the member to the page they may now see.
    assert "Dana" not in email.body_text + email.body_html + email.subject
    assert "dana@example.com" not in email.body_text
    # And it is not filed under the lead, whose timeline every member sees.
    assert email.content_type.model == "transaction"


def test_only_a_team_member_adds_members_and_nobody_sits_twice(lead, member, bob, carol):
    transaction = open_for(lead, member, bob)
    with pytest.raises(LeadRefused, match="Only members of this transaction's team"):
        services.add_team_member(transaction=transaction, actor=carol, member=carol, role="")
    with pytest.raises(LeadRefused, match="Bob Lender is already on the team"):
        services.add_team_member(transaction=transaction, actor=member, member=bob, role="")
    assert team_names(transaction) == ["Alice Agent", "Bob Lender"]


def test_the_leader_takes_members_off_the_team_but_never_themselves(
    partnership, member, bob, carol
):
    lead = LeadFactory(partnership=partnership, referring_member=member)
    transaction = open_for(lead, member, bob, carol)
    with pytest.raises(LeadRefused, match="Only the team leader"):
        services.remove_team_member(transaction=transaction, actor=bob, member=carol)
    with pytest.raises(LeadRefused, match="The team leader stays on the team"):
        services.remove_team_member(transaction=transaction, actor=member, member=member)
    services.remove_team_member(transaction=transaction, actor=member, member=carol)
    assert team_names(transaction) == ["Alice Agent", "Bob Lender"]
    assert AuditEvent.objects.filter(action="transaction.member_removed").count() == 1


def test_past_its_first_stage_a_committee_keeps_two_members(partnership, member, bob, carol):
    lead = LeadFactory(partnership=partnership, referring_member=member)
    transaction = open_for(lead, member, bob)
    services.change_stage(transaction=transaction, actor=member, stage="under_contract")
    with pytest.raises(LeadRefused, match="A committee is two or more members"):
        services.remove_team_member(transaction=transaction, actor=member, member=bob)
    services.add_team_member(transaction=transaction, actor=bob, member=carol, role="")
    services.remove_team_member(transaction=transaction, actor=member, member=bob)
    assert team_names(transaction) == ["Alice Agent", "Carol Inspector"]


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


# --- One open transaction of a kind per member and lead ------------------------------------------


def test_a_member_opens_no_second_open_transaction_of_a_kind_for_a_lead(lead, member, bob, carol):
    first = open_for(lead, member, bob)
    with pytest.raises(
        services.AlreadyOpen, match="already on an open buy transaction for Dana"
    ) as e:
        services.open_transaction(lead=lead, member=member, kind="buy")
    assert e.value.transaction == first
    with pytest.raises(services.AlreadyOpen):
        services.open_transaction(lead=lead, member=bob, kind="buy")  # theirs too: on its team
    sale = services.open_transaction(lead=lead, member=member, kind="sell")
    # Someone who is not on it knows nothing of it, and may open their own.
    services.open_transaction(lead=lead, member=carol, kind="buy")
    assert Transaction.objects.filter(lead=lead).count() == 3

    with pytest.raises(services.AlreadyOpen, match="rather than making this one a second"):
        services.update_transaction_details(transaction=sale, actor=member, kind="buy")
    services.change_stage(transaction=first, actor=member, stage="fell_through")
    again = services.open_transaction(lead=lead, member=member, kind="buy")
    with pytest.raises(services.AlreadyOpen, match="rather than reopening this one") as e:
        services.change_stage(transaction=first, actor=member, stage="opened")
    assert e.value.transaction == again
    first.refresh_from_db()
    sale.refresh_from_db()
    assert first.stage == "fell_through" and sale.kind == "sell"


def test_a_second_open_from_the_page_links_to_the_first(lead, member, member_client):
    first = open_for(lead, member)
    response = member_client.post(f"/leads/{lead.pk}/transactions/new/", {"kind": "buy"})
    assert response.status_code == 400
    assert "You are already on an open buy transaction for Dana Customer" in response.text
    assert f'href="/transactions/{first.pk}/">Go to that transaction</a>' in response.text
    assert Transaction.objects.count() == 1


# --- Stages -------------------------------------------------------------------------------------


def test_a_forming_transaction_cannot_move_past_its_first_stage(lead, member):
    transaction = open_for(lead, member)
    for stage in ("under_contract", "closed", "fell_through"):
        with pytest.raises(LeadRefused, match="cannot move past its first stage"):
            services.change_stage(transaction=transaction, actor=member, stage=stage)
    transaction.refresh_from_db()
    assert transaction.stage == "opened"


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["under_contract", "opened", "under_contract", "fell_through", "opened"], None),
        (["fell_through", "under_contract"], "can only be reopened"),
        (["fell_through", "closed"], "can only be reopened"),
        (["closed", "opened"], "a close is final"),
        (["under_contract", "under_contract"], "already under contract"),
    ],
)
def test_allowed_stage_moves(partnership, member, bob, path, refused):
    lead = LeadFactory(partnership=partnership, referring_member=member)
    transaction = open_for(lead, member, bob)
    *allowed, last = path
    for stage in allowed:
        services.change_stage(transaction=transaction, actor=bob, stage=stage)
    if refused:
        with pytest.raises(LeadRefused, match=refused):
            services.change_stage(transaction=transaction, actor=bob, stage=last)
    else:
        services.change_stage(transaction=transaction, actor=bob, stage=last)
    transaction.refresh_from_db()
    assert transaction.stage == (allowed[-1] if refused else last)
    assert transaction.events.filter(kind="stage").count() == len(allowed) + (not refused)


def test_closing_needs_a_leader(lead, member, bob):
    transaction = open_for(lead, member, bob)
    with pytest.raises(LeadRefused, match="Choose a team leader before closing"):
        services.change_stage(transaction=transaction, actor=member, stage="closed")
    assert not PostCloseStep.objects.exists()


def test_closing_schedules_the_three_post_close_steps_from_the_partnerships_today(
    time_machine, partnership, member, bob
):
    # 11 pm on March 4 in New York is already March 5 on the server's UTC clock.
    time_machine.move_to(datetime.datetime(2025, 3, 4, 23, 0, tzinfo=NEW_YORK), tick=False)
    lead = LeadFactory(partnership=partnership, referring_member=member)
    transaction = open_for(lead, member, bob)
    services.change_stage(transaction=transaction, actor=bob, stage="closed")
    transaction.refresh_from_db()
    assert transaction.closed_on == datetime.date(2025, 3, 4)
    assert transaction.stage_changed_at == timezone.now()
    steps = {s.kind: s.due_at for s in PostCloseStep.objects.filter(transaction=transaction)}
    assert set(steps) == {"handoff", "letter", "interaction"}
    # policy: the handoff meeting within 2 days: by the end of March 6, New York time.
    assert steps["handoff"] == datetime.datetime(2025, 3, 7, 0, 0, tzinfo=NEW_YORK)


def test_a_close_date_runs_from_the_partnerships_day_of_opening_to_today(
    time_machine, partnership, member, bob
):
    # Opened at 11 pm on February 24 in New York: already February 25 on the server's UTC clock.
    time_machine.move_to(datetime.datetime(2025, 2, 24, 23, 0, tzinfo=NEW_YORK), tick=False)
    lead = LeadFactory(partnership=partnership, referring_member=member)
    transaction = open_for(lead, member, bob)
    time_machine.move_to(datetime.datetime(2025, 3, 4, 12, 0, tzinfo=NEW_YORK), tick=False)
    with pytest.raises(LeadRefused, match="cannot be in the future"):
        services.change_stage(
            transaction=transaction,
            actor=member,
            stage="closed",
            closed_on=datetime.date(2025, 3, 5),
        )
    with pytest.raises(
        LeadRefused,
        match=r"The close date cannot be before the transaction was opened, on Feb\. 24, 2025",
    ):
        services.change_stage(
            transaction=transaction,
            actor=member,
            stage="closed",
            closed_on=datetime.date(2025, 2, 23),
        )
    assert not PostCloseStep.objects.exists()
    transaction.refresh_from_db()
    assert transaction.stage == "opened" and transaction.closed_on is None
    services.change_stage(
        transaction=transaction, actor=member, stage="closed", closed_on=datetime.date(2025, 2, 24)
    )
    transaction.refresh_from_db()
    assert transaction.closed_on == datetime.date(2025, 2, 24)


def test_the_stage_form_offers_close_dates_from_the_opening_to_today(
    time_machine, partnership, member, bob, member_client
):
    time_machine.move_to(datetime.datetime(2025, 2, 24, 23, 0, tzinfo=NEW_YORK), tick=False)
    lead = LeadFactory(partnership=partnership, referring_member=member)
    transaction = open_for(lead, member, bob)
    time_machine.move_to(datetime.datetime(2025, 3, 4, 12, 0, tzinfo=NEW_YORK), tick=False)
    page = member_client.get(f"/transactions/{transaction.pk}/").text
    assert 'min="2025-02-24"' in page and 'max="2025-03-04"' in page
    response = member_client.post(
        f"/transactions/{transaction.pk}/stage/", {"stage": "closed", "closed_on": "2025-02-20"}
    )
    assert response.status_code == 400
    assert "cannot be before the transaction was opened, on Feb. 24, 2025" in response.text


def test_details_are_changed_by_the_team_on_the_timeline(lead, member, bob, leader):
    transaction = open_for(lead, member, bob)
    services.update_transaction_details(
        transaction=transaction, actor=member, kind="buy", value=decimal.Decimal("425000")
    )
    services.update_transaction_details(
        transaction=transaction,
        actor=bob,
        kind="refinance",
        property_address="9 Oak Ave",
        expected_close_on=datetime.date(2025, 6, 1),
        value=decimal.Decimal("430000.00"),
    )
    transaction.refresh_from_db()
    assert (transaction.kind, transaction.property_address) == ("refinance", "9 Oak Ave")
    set_value, event = transaction.events.filter(kind="details").order_by("created_at", "id")
    assert set_value.summary == "Alice Agent updated the value"
    assert set_value.body == "Value: not set \u2192 $425,000.00"
    assert event.summary == (
        "Bob Lender updated the kind, property address, expected close date, value"
    )
    # Each change, old → new.
    assert event.body.splitlines() == [
        "Kind: Buy \u2192 Refinance",
        "Property address: not set \u2192 9 Oak Ave",
        "Expected close date: not set \u2192 June 1, 2025",
        "Value: $425,000.00 \u2192 $430,000.00",
    ]
    audit = AuditEvent.objects.filter(action="transaction.details_updated").latest("id")
    assert audit.data["was"]["value"] == "425000.00"
    assert audit.data["changed"]["value"] == "430000.00"
    with pytest.raises(LeadRefused, match="Only members of this transaction's team"):
        services.update_transaction_details(transaction=transaction, actor=leader, kind="sell")


# --- Notes and sharing with the customer --------------------------------------------------------


def test_notes_and_what_the_customer_sees(lead, member, bob, leader):
    transaction = open_for(lead, member, bob)
    note = records.add_note(
        transaction=transaction,
        actor=bob,
        body=" Appraisal came in at value. ",
        shared_with_customer=True,
    )
    assert (note.kind, note.body, note.shared_with_customer) == (
        "note",
        "Appraisal came in at value.",
        True,
    )
    opened = transaction.events.get(kind="opened")
    records.set_event_shared(event=opened, actor=member, shared=True)
    records.set_event_shared(event=note, actor=member, shared=False)
    shared = set(
        transaction.events.filter(shared_with_customer=True).values_list("kind", flat=True)
    )
    assert shared == {"opened"}
    with pytest.raises(LeadRefused, match="Write the note"):
        records.add_note(transaction=transaction, actor=bob, body="   ")
    with pytest.raises(LeadRefused, match="Only members of this transaction's team"):
        records.set_event_shared(event=opened, actor=leader, shared=False)


# --- Documents ----------------------------------------------------------------------------------


def test_a_pdf_or_an_image_is_kept_privately(lead, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "public"
    transaction = open_for(lead, member)
    pdf = records.add_document(
        transaction=transaction, actor=member, title=" Purchase  agreement ", file=pdf_upload()
    )
    scan = records.add_document(
        transaction=transaction, actor=member, title="Inspection", file=png_upload()
    )
    assert (pdf.title, pdf.content_type) == ("Purchase agreement", "application/pdf")
    assert scan.content_type == "image/png" and scan.file.name.endswith(".png")
    # Under the private root, named at random, and with no URL at all.
    assert pdf.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert "contract" not in pdf.file.name
    assert not (tmp_path / "public").exists()
    with pytest.raises(ValueError, match="not accessible via a URL"):
        pdf.file.url  # noqa: B018
    assert transaction.events.filter(kind="document").count() == 2


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.pdf", b"just text, named .pdf"), "Upload a PDF or an image"),
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00" * 10), "Upload a PDF or an image"),
        (SimpleUploadedFile("empty.pdf", b""), "The file is empty"),
        (
            SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)),
            "limit is 10 MB",
        ),
    ],
    ids=["text-named-pdf", "executable", "empty", "over-10-mb"],
)
def test_other_files_are_refused_with_a_clear_reason(lead, member, upload, message):
    transaction = open_for(lead, member)
    with pytest.raises(LeadRefused, match=message):
        records.add_document(transaction=transaction, actor=member, title="Doc", file=upload)
    assert not TransactionDocument.objects.exists()


# --- Disclosures --------------------------------------------------------------------------------


def disclose(transaction, actor, **overrides):
    fields = {
        "grantee_name": "",
        "grantee_email": "",
        "grantee_member": None,
        "scope": "The closing date.",
        "covers": ["stage"],
        "valid_until": transaction.partnership.today() + datetime.timedelta(days=10),
        "signed_document": pdf_upload("signed.pdf"),
    }
    return records.record_disclosure(
        transaction=transaction, actor=actor, **{**fields, **overrides}
    )


def test_recording_a_disclosure_names_the_grantee_and_keeps_the_signed_document(
    lead, member, carol, settings
):
    transaction = open_for(lead, member)
    disclosure = disclose(transaction, member, grantee_member=carol)
    assert disclosure.grantee_name == "Carol Inspector"
    assert disclosure.grantee_email == carol.email
    assert disclosure.signed_document.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    event = transaction.events.get(kind="disclosure")
    assert "to Carol Inspector until" in event.summary and event.body == "The closing date."


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"signed_document": None}, "Upload the customer's signed authorization"),
        ({"signed_document": SimpleUploadedFile("x.pdf", b"hello")}, "Upload a PDF or an image"),
        ({"valid_until": datetime.date(2000, 1, 1)}, "until today or a later date"),
        ({"scope": " "}, "what the customer authorized"),
        ({"grantee_name": ""}, "to whom"),
    ],
    ids=["no-document", "not-a-document", "already-ended", "no-scope", "nobody"],
)
def test_a_disclosure_without_what_the_policy_needs_is_refused(lead, member, overrides, message):
    transaction = open_for(lead, member)
    fields = {"grantee_name": "Gina at the bank", **overrides}
    with pytest.raises(LeadRefused, match=message):
        disclose(transaction, member, **fields)
    assert not Disclosure.objects.exists()


def test_a_disclosure_to_a_team_member_or_another_partnerships_member_is_refused(
    lead, member, bob, other_member
):
    transaction = open_for(lead, member, bob)
    with pytest.raises(LeadRefused, match="Bob Lender is on the team"):
        disclose(transaction, member, grantee_member=bob)
    with pytest.raises(LeadRefused, match="active partner member of this partnership"):
        disclose(transaction, member, grantee_member=other_member)
    assert not Disclosure.objects.exists()


def test_revoking_a_disclosure_ends_it_once(lead, member, bob, carol):
    transaction = open_for(lead, member, bob)
    disclosure = disclose(transaction, member, grantee_member=carol)
    with pytest.raises(LeadRefused, match="Only members of this transaction's team"):
        records.revoke_disclosure(disclosure=disclosure, actor=carol)
    records.revoke_disclosure(disclosure=disclosure, actor=bob)
    disclosure.refresh_from_db()
    assert disclosure.revoked_by == bob and disclosure.revoked_at is not None
    with pytest.raises(LeadRefused, match="already revoked"):
        records.revoke_disclosure(disclosure=disclosure, actor=member)


def test_a_grantee_and_leadership_read_but_every_write_refuses_them(
    partnership, lead, member, bob, carol, leader
):
    transaction = open_for(lead, member, bob)
    disclose(transaction, member, grantee_member=carol)
    proposal = services.propose_leader(transaction=transaction, actor=member, candidate=member)
    event = transaction.events.first()
    writes = [
        lambda who: services.add_team_member(
            transaction=transaction, actor=who, member=MemberFactory(partnership=partnership)
        ),
        lambda who: services.propose_leader(transaction=transaction, actor=who, candidate=bob),
        lambda who: services.agree_to_leader(proposal=proposal, actor=who),
        lambda who: services.change_stage(transaction=transaction, actor=who, stage="fell_through"),
        lambda who: records.add_note(transaction=transaction, actor=who, body="Hi"),
        lambda who: records.set_event_shared(event=event, actor=who, shared=True),
        lambda who: records.add_document(
            transaction=transaction, actor=who, title="X", file=pdf_upload()
        ),
        lambda who: disclose(transaction, who, grantee_name="Someone"),
    ]
    for who in (carol, leader):
        for write in writes:
            with pytest.raises(LeadRefused, match="Only members of this transaction's team"):
                write(who)
    assert transaction.events.count() == 4  # opened, added Bob, disclosure, proposal


# --- Pages --------------------------------------------------------------------------------------


def test_opening_a_transaction_from_the_leads_page(lead, member, member_client):
    url = f"/leads/{lead.pk}/transactions/new/"
    page = member_client.get(url)
    assert page.status_code == 200
    assert "Nobody referred Dana Customer: the team chooses its leader by majority." in page.text
    response = member_client.post(
        url, {"kind": "buy", "role": "Buyer's agent", "value": "350000", "expected_close_on": ""}
    )
    transaction = Transaction.objects.get()
    assert response.status_code == 302 and response.url == f"/transactions/{transaction.pk}/"
    assert transaction.value == 350000 and transaction.team.get().role == "Buyer's agent"


def test_a_bad_open_form_saves_nothing_and_says_why(lead, member_client, leader_client):
    response = member_client.post(
        f"/leads/{lead.pk}/transactions/new/", {"kind": "lease", "value": "-5"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert "Ensure this value is greater than or equal to 0" in response.text
    page = leader_client.get(f"/leads/{lead.pk}/transactions/new/")
    assert "leadership is not on transaction committees" in page.text
    assert "Open the transaction</button>" not in page.text
    assert (
        leader_client.post(f"/leads/{lead.pk}/transactions/new/", {"kind": "buy"}).status_code
        == 400
    )
    assert not Transaction.objects.exists()


def test_the_team_page_shows_the_team_with_roles_and_contacts_and_the_forms(
    partnership, lead, member, bob, member_client
):
    bob.cell_phone = "512-555-0100"
    bob.save()
    transaction = open_for(lead, member)
    services.add_team_member(transaction=transaction, actor=member, member=bob, role="Lender")
    page = member_client.get(f"/transactions/{transaction.pk}/").text
    assert "Buy for Dana Customer" in page
    assert "Bob Lender</strong>" in page and "Lender" in page and "512-555-0100" in page
    assert bob.email in page and "dana@example.com" in page
    assert "Change stage</button>" in page and "Add note</button>" in page
    assert "Record the authorization</button>" in page
    assert "Who looked from outside the team" in page
    assert not TransactionAccess.objects.exists()  # the team's own looks are not "access"


def test_a_forming_transaction_says_so_on_its_page(lead, member, member_client):
    transaction = open_for(lead, member)
    page = member_client.get(f"/transactions/{transaction.pk}/").text
    assert "This transaction is <strong>forming</strong>" in page
    assert "Change stage</button>" not in page


def test_leadership_reads_the_team_page_without_any_write_form_and_is_logged(
    lead, member, bob, leader, leader_client
):
    transaction = open_for(lead, member, bob)
    page = leader_client.get(f"/transactions/{transaction.pk}/")
    assert page.status_code == 200
    assert "as Pinnacle Partnerships leadership" in page.text
    for form in (
        "Change stage",
        "Add note",
        "Add to the team",
        "Upload",
        "Record the authorization",
    ):
        assert f"{form}</button>" not in page.text
    access = TransactionAccess.objects.get()
    assert (access.member, access.via) == (leader, "leadership")


def test_team_actions_through_the_page(lead, member, bob, carol, member_client):
    transaction = open_for(lead, member)
    base = f"/transactions/{transaction.pk}/"
    response = member_client.post(base + "team/", {"member": bob.pk, "role": "Lender"})
    assert response.status_code == 302 and response.url == base + "#team"
    response = member_client.post(base + "leader/", {"candidate": member.pk})
    proposal = LeaderProposal.objects.get()
    bob_client = client_for(bob.partnership, bob)
    assert bob_client.post(base + f"leader/{proposal.pk}/agree/").status_code == 302
    assert bob_client.post(base + "stage/", {"stage": "under_contract"}).status_code == 302
    assert member_client.post(base + "notes/", {"body": "Offer accepted"}).status_code == 302
    event = TransactionEvent.objects.get(kind="note")
    assert (
        member_client.post(base + f"timeline/{event.pk}/share/", {"shared": "1"}).status_code == 302
    )
    upload = member_client.post(base + "documents/", {"title": "Offer", "file": pdf_upload()})
    assert upload.status_code == 302
    document = TransactionDocument.objects.get()
    download = member_client.get(base + f"documents/{document.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="offer.pdf"'
    assert b"".join(download.streaming_content) == PDF_BYTES
    transaction.refresh_from_db()
    event.refresh_from_db()
    assert transaction.leader == member and transaction.stage == "under_contract"
    assert event.shared_with_customer


def test_a_refused_action_is_shown_on_the_page_and_changes_nothing(lead, member, member_client):
    transaction = open_for(lead, member)
    response = member_client.post(
        f"/transactions/{transaction.pk}/stage/", {"stage": "under_contract"}
    )
    assert response.status_code == 400
    assert "cannot move past its first stage" in response.text
    response = member_client.post(
        f"/transactions/{transaction.pk}/documents/",
        {"title": "Notes", "file": SimpleUploadedFile("a.pdf", b"plain text")},
    )
    assert response.status_code == 400 and "Upload a PDF or an image" in response.text
    transaction.refresh_from_db()
    assert transaction.stage == "opened" and not TransactionDocument.objects.exists()


# --- List and export ----------------------------------------------------------------------------


def test_the_list_shows_forming_leader_and_dates_and_searches_visible_rows_only(
    partnership, member, bob, carol, member_client
):
    mine = open_for(LeadFactory(partnership=partnership, name="Dana Customer"), member, bob)
    services.update_transaction_details(
        transaction=mine,
        actor=member,
        kind="buy",
        property_address="12 Elm St",
        expected_close_on=datetime.date(2025, 6, 30),
    )
    open_for(LeadFactory(partnership=partnership, name="Evan Solo"), member)
    open_for(LeadFactory(partnership=partnership, name="Hidden Person"), carol)

    response = member_client.get("/transactions/")
    rows = [t.lead.name for t in response.context["page"].object_list]
    assert rows == ["Evan Solo", "Dana Customer"]
    assert "Hidden Person" not in response.text
    assert "Forming</span>" in response.text and "Jun 30, 2025" in response.text

    assert [
        t.lead.name for t in member_client.get("/transactions/", {"q": "elm"}).context["page"]
    ] == ["Dana Customer"]
    assert [
        t.lead.name
        for t in member_client.get("/transactions/", {"stage": "forming"}).context["page"]
    ] == ["Evan Solo"]
    hidden = member_client.get("/transactions/", {"q": "Hidden"})
    assert "No transactions match &ldquo;Hidden&rdquo;." in hidden.text


def test_an_empty_list_says_how_transactions_start(member_client):
    page = member_client.get("/transactions/").text
    assert "No transactions yet." in page and "Export CSV" not in page


def test_the_export_holds_the_visible_rows_in_the_partnerships_time(
    time_machine, partnership, member, bob, carol, member_client, leader_client
):
    time_machine.move_to(datetime.datetime(2025, 3, 4, 23, 30, tzinfo=NEW_YORK), tick=False)
    mine = open_for(LeadFactory(partnership=partnership, name="Dana Customer"), member, bob)
    services.add_team_member(transaction=mine, actor=member, member=carol, role="=HYPERLINK()")
    open_for(LeadFactory(partnership=partnership, name="Hidden Person"), carol)

    response = member_client.get("/transactions/export.csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="transactions-pinnacle-2025-03-04.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["customer"] for row in rows] == ["Dana Customer"]
    assert rows[0]["opened"] == "2025-03-04 23:30"
    assert rows[0]["team"] == "Alice Agent (Agent); Bob Lender; Carol Inspector (=HYPERLINK())"
    assert AuditEvent.objects.filter(action="transactions.exported").count() == 1
    everything = leader_client.get("/transactions/export.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(everything.streaming_content).decode())))
    assert sorted(row["customer"] for row in rows) == ["Dana Customer", "Hidden Person"]


def _bulk_transactions(partnership, member, other, count):
    now = timezone.now()
    leads = Lead.objects.bulk_create(
        Lead(
            partnership=partnership,
            name=f"Bulk Customer {n:05d}",
            email=f"bulk{n}@example.com",
            need=Need.BUY,
            timeframe=Timeframe.NOW,
            last_submitted_at=now,
        )
        for n in range(count)
    )
    transactions = Transaction.objects.bulk_create(
        Transaction(
            partnership=partnership,
            lead=lead,
            kind="buy",
            opened_by=member,
            leader=member if n % 2 else None,
            property_address=f"{n} Bulk St",
        )
        for n, lead in enumerate(leads)
    )
    TeamMember.objects.bulk_create(
        TeamMember(partnership=partnership, transaction=t, member=who)
        for n, t in enumerate(transactions)
        for who in ([member, other] if n % 3 else [member])
    )


LIST_QUERIES = 5


@pytest.mark.parametrize("count", [10, 1000])
def test_query_count_does_not_grow_with_the_transactions(
    partnership, member, bob, count, django_assert_num_queries
):
    started = time.monotonic()
    _bulk_transactions(partnership, member, bob, count)
    assert time.monotonic() - started < 10
    client = client_for(partnership, member)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/transactions/", {"q": "bulk", "stage": "opened"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get("/transactions/", {"page": "2", "stage": "forming"}).status_code == 200


# --- Admin --------------------------------------------------------------------------------------


def test_the_admin_shows_leadership_its_own_partnerships_transactions_and_logs_each_look(
    partnership, lead, member, bob, leader, leader_client, other_member
):
    transaction = open_for(lead, member, bob)
    foreign = open_for(
        LeadFactory(partnership=other_member.partnership, name="Olga Elsewhere"), other_member
    )
    listing = leader_client.get("/admin/leads/transaction/")
    assert listing.status_code == 200
    assert "Dana Customer" in listing.text and "Olga Elsewhere" not in listing.text
    assert leader_client.get(f"/admin/leads/transaction/{foreign.pk}/change/").status_code == 302
    page = leader_client.get(f"/admin/leads/transaction/{transaction.pk}/change/")
    assert page.status_code == 200 and "Bob Lender" in page.text
    access = TransactionAccess.objects.get()
    assert (access.transaction, access.via, access.member, access.user) == (
        transaction,
        "admin",
        leader,
        leader.user,
    )
    # Read-only: no save button, and a posted change is refused.
    assert 'name="_save"' not in page.text
    leader_client.post(f"/admin/leads/transaction/{transaction.pk}/change/", {"stage": "closed"})
    transaction.refresh_from_db()
    assert transaction.stage == "opened"


def test_a_member_without_leadership_has_no_transaction_admin(partnership, lead, member, bob):
    transaction = open_for(lead, member, bob)
    member.user.is_staff = True
    member.user.save()
    client = client_for(partnership, member)
    assert client.get(f"/admin/leads/transaction/{transaction.pk}/change/").status_code in (
        302,
        403,
    )
    assert not TransactionAccess.objects.exists()
