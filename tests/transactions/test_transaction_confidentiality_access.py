"""policy: "No partner member is to disclose any information involving any customer or customer
transaction to anyone outside of the ... Transaction Team Committee unless explicitly authorized
to do so by the customer in writing", and it holds after the close.

Who gets what at each transaction URL (the team, leadership, a member outside the team, another
partnership's member, a grantee while it lasts, after it ended, after revocation), that they
change nothing, and that the list and the export show the transaction to those alone, is the
access-control matrix's (tests/test_access_matrix.py, whose table also fails on a transaction
URL missing from it). Here: what the matrix does not see. Every look by a grantee or
leadership is logged; the grantee's page says why they see it and offers no form; the grantee
is refused the team's changes with a message; the last day of an authorization; the closed
transaction's own URLs; the post-close duties and the customer's link send nothing for those
who may not; the committee's own timeline entries; the transaction's emails; and a team's URLs
against another transaction's rows.
(What an authorization covers: test_transaction_confidentiality_covers.py; the logging of
looks: test_transaction_confidentiality_logging.py.)
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from leads.selectors.timeline import lead_timeline
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.transactions import confidentiality_world
from tests.transactions.confidentiality_world import (
    CUSTOMER_LINKS,
    NOT_FOR_GRANTEES,
    READS,
    START,
    WRITES,
    assert_all_404,
    assert_committee_only_404,
    committee_url,
    listed,
    read_page,
    state,
    url,
)
from tests.transactions.factories import PDF_BYTES, TransactionEventFactory
from transactions.models import TransactionAccess
from transactions.services import lifecycle as services
from transactions.services import records

pytestmark = pytest.mark.django_db

# The shared fixtures, bound here so that pytest finds them in this module.
world = confidentiality_world.world


# --- (c) a member the customer authorized in writing --------------------------------------------


def test_an_authorized_member_reads_while_it_lasts_and_every_look_is_logged(world):
    client = client_for(world.grantee.partnership, world.grantee)
    for name, extra in READS.items():
        response = client.get(url(world, name, extra))
        assert response.status_code == (404 if name in NOT_FOR_GRANTEES else 200), name
    detail = client.get(url(world, "transaction_detail", READS["transaction_detail"])).text
    assert "because the customer authorized it in writing" in detail
    # Read-only: no write form, and neither who else was authorized nor the access log.
    assert "Add note</button>" not in detail and "Record the authorization" not in detail
    assert "Who looked from outside the team" not in detail
    accesses = TransactionAccess.objects.filter(member=world.grantee)
    assert accesses.count() == 4  # detail, document, the refused signed document, detail again
    assert set(accesses.values_list("via", "disclosure")) == {("disclosure", world.disclosure.pk)}
    assert listed(client) == (True, True)
    # The post-close duties and the customer's link are the committee's and leadership's.
    services.change_stage(transaction=world.transaction, actor=world.team[1], stage="closed")
    assert_committee_only_404(client, world, refused=CUSTOMER_LINKS)


def test_an_authorized_member_writes_nothing(world):
    client = client_for(world.grantee.partnership, world.grantee)
    before = state(world)
    for name, (extra, data) in WRITES.items():
        response = client.post(url(world, name, extra), data(world))
        assert response.status_code == 400, name
        assert "Only members of this transaction&#x27;s team can do this." in response.text, name
    assert state(world) == before


def test_when_the_authorization_ends_the_member_sees_nothing(world, time_machine):
    client = client_for(world.grantee.partnership, world.grantee)
    # The last day it covers is March 14 (partnership time), all of it.
    time_machine.move_to(datetime.datetime(2025, 3, 14, 23, 59, tzinfo=START.tzinfo), tick=False)
    assert (
        client.get(url(world, "transaction_detail", READS["transaction_detail"])).status_code == 200
    )
    time_machine.move_to(datetime.datetime(2025, 3, 15, 0, 1, tzinfo=START.tzinfo), tick=False)
    assert_all_404(client, world)
    assert listed(client) == (False, False)


def test_confidentiality_holds_after_the_close(world):
    bob = world.team[1]
    services.change_stage(transaction=world.transaction, actor=bob, stage="closed")
    client = client_for(world.outsider.partnership, world.outsider)
    assert_all_404(client, world)
    assert listed(client) == (False, False)


# --- (d) leadership -----------------------------------------------------------------------------


def test_leadership_reads_every_page_logged(world):
    client = client_for(world.leader.partnership, world.leader)
    for name, extra in READS.items():
        assert client.get(url(world, name, extra)).status_code == 200, name
    accesses = TransactionAccess.objects.filter(member=world.leader)
    assert accesses.count() == len(READS)
    assert set(accesses.values_list("via", flat=True)) == {"leadership"}


def test_leadership_reads_the_post_close_pages_but_cannot_send_the_customer_link(world):
    services.change_stage(transaction=world.transaction, actor=world.team[1], stage="closed")
    client = client_for(world.leader.partnership, world.leader)
    assert client.get(committee_url(world, "post_close_detail")).status_code == 200
    emails = OutboxMessage.objects.filter(to_email="dana@example.com").count()
    for name in CUSTOMER_LINKS:
        client.post(committee_url(world, name))
    world.transaction.refresh_from_db()
    assert world.transaction.customer_link_version == 1
    assert OutboxMessage.objects.filter(to_email="dana@example.com").count() == emails


# What only the team and leadership read of a transaction's timeline: the customer's
# authorizations, the post-close follow-up and the team's emails to the customer.
COMMITTEE_ENTRIES = {
    "disclosure": "Authorized the relocation company",
    "post_close": "Handoff meeting booked with leadership",
    "email": "Emailed Dana the link to their page",
}


def test_the_team_and_leadership_read_the_committees_own_entries_on_both_timelines(world):
    for kind, summary in COMMITTEE_ENTRIES.items():
        TransactionEventFactory(transaction=world.transaction, kind=kind, summary=summary)
    expected = {f"Buy: {summary}" for summary in COMMITTEE_ENTRIES.values()}
    for viewer in (*world.team, world.leader):
        page = read_page(client_for(viewer.partnership, viewer), world)
        assert [s for s in COMMITTEE_ENTRIES.values() if s not in page] == [], viewer
        titles = {e.title for e in lead_timeline(world.transaction.lead, viewer)}
        assert expected <= titles, viewer
    page = read_page(client_for(world.grantee.partnership, world.grantee), world)
    assert [s for s in COMMITTEE_ENTRIES.values() if s in page] == []
    assert not expected & {e.title for e in lead_timeline(world.transaction.lead, world.grantee)}


# --- Emails -------------------------------------------------------------------------------------


def test_transaction_emails_go_only_to_the_team_and_the_member_the_customer_named(world):
    member, bob = world.team
    services.add_team_member(
        transaction=world.transaction, actor=bob, member=world.newcomer, role="Inspector"
    )
    records.revoke_disclosure(disclosure=world.disclosure, actor=member)
    team_emails = {m.email for m in (member, bob, world.newcomer)}
    about_transaction = OutboxMessage.objects.filter(
        content_type__model="transaction", object_id=world.transaction.pk
    )
    assert about_transaction.exists()
    recipients = set(about_transaction.values_list("to_email", flat=True))
    assert world.grantee.email in recipients
    assert recipients <= team_emails | {world.grantee.email}
    # The grantee hears that access started and ended, and nothing more of the transaction.
    to_grantee = about_transaction.filter(to_email=world.grantee.email)
    assert to_grantee.count() == 2
    for message in to_grantee:
        text = message.subject + message.body_text + message.body_html
        for secret in ("dana@example.com", "Bob Lender", "Alice", "Opened", "budget"):
            assert secret not in text, secret
    for message in OutboxMessage.objects.all():
        assert "77 Secret Lane" not in message.body_text + message.body_html


def test_a_teams_urls_do_not_reach_another_transactions_rows(world, partnership, member):
    """On the team of one transaction, another transaction's ids under its URLs are a 404."""
    theirs = services.open_transaction(
        lead=LeadFactory(partnership=partnership), member=world.outsider, kind="sell"
    )
    document = records.add_document(
        transaction=theirs,
        actor=world.outsider,
        title="Their contract",
        file=SimpleUploadedFile("c.pdf", PDF_BYTES),
    )
    client = client_for(partnership, member)
    mine = world.transaction.pk
    assert client.get(f"/transactions/{mine}/documents/{document.pk}/").status_code == 404
    event = theirs.events.get(kind="opened")
    assert (
        client.post(f"/transactions/{mine}/timeline/{event.pk}/share/", {"shared": "1"}).status_code
        == 404
    )
    seat = theirs.team.get()
    assert client.post(f"/transactions/{mine}/team/{seat.pk}/remove/").status_code == 404
    event.refresh_from_db()
    assert not event.shared_with_customer and theirs.team.count() == 1
