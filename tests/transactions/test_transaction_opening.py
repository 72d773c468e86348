"""Transactions: opening one, its team committee (adding and taking off members), and one open
transaction of a kind per member and lead."""

import pytest

from leads.models import Lead
from leads.services import LeadRefused
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import AuditEvent
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory
from tests.transactions import transaction_helpers
from tests.transactions.transaction_helpers import open_for, team_names
from transactions.models import TeamMember, Transaction, TransactionEvent
from transactions.services import lifecycle as services

pytestmark = pytest.mark.django_db

# The shared fixtures, bound here so that pytest finds them in this module.
bob = transaction_helpers.bob
carol = transaction_helpers.carol
lead = transaction_helpers.lead


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
