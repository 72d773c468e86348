"""policy: "No partner member is to disclose any information involving any customer or customer
transaction to anyone outside of the ... Transaction Team Committee unless explicitly authorized
to do so by the customer in writing", and it holds after the close.

Table-driven: every transaction URL (pages, downloads, every POST, the list and the export) as
a member of the same partnership who is not on the team, a member of another partnership, a
member the customer authorized in writing (while it lasts, after revocation, after it ends),
and leadership. A transaction URL missing from the table fails
`test_every_transaction_url_is_in_the_table`.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leads.models import TransactionAccess
from leads.services import transaction_records as records
from leads.services import transactions as services
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.leads.factories import PDF_BYTES, LeaderProposalFactory, LeadFactory
from tests.members.factories import LeadershipFactory, MemberFactory
from tests.test_tenant_isolation import parameterised_patterns

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 3, 4, 10, 0, tzinfo=ZoneInfo("America/New_York"))
CUSTOMER = "Dana Confidential"


@dataclass
class World:
    transaction: object
    team: list
    outsider: object
    grantee: object
    disclosure: object
    document: object
    proposal: object
    newcomer: object
    leader: object


@pytest.fixture
def world(time_machine, partnership, member):
    time_machine.move_to(START, tick=False)
    bob = MemberFactory(partnership=partnership, display_name="Bob Lender")
    lead = LeadFactory(
        partnership=partnership, name=CUSTOMER, email="dana@example.com", referring_member=member
    )
    transaction = services.open_transaction(
        lead=lead, member=member, kind="buy", property_address="77 Secret Lane"
    )
    services.add_team_member(transaction=transaction, actor=member, member=bob, role="Lender")
    grantee = MemberFactory(partnership=partnership, display_name="Gina Grantee")
    disclosure = records.record_disclosure(
        transaction=transaction,
        actor=member,
        grantee_name="",
        grantee_member=grantee,
        scope="The closing date.",
        covers=["stage", "team", "property", "notes", "documents", "contact"],
        valid_until=datetime.date(2025, 3, 14),
        signed_document=SimpleUploadedFile("signed.pdf", PDF_BYTES),
    )
    document = records.add_document(
        transaction=transaction,
        actor=bob,
        title="Purchase agreement",
        file=SimpleUploadedFile("agreement.pdf", PDF_BYTES),
    )
    records.add_note(transaction=transaction, actor=bob, body="The buyer's budget is tight.")
    return World(
        transaction=transaction,
        team=[member, bob],
        outsider=MemberFactory(partnership=partnership, display_name="Carol Outsider"),
        grantee=grantee,
        disclosure=disclosure,
        document=document,
        # Not possible through the service while the referral member leads; the URL still needs
        # one to prove it is closed to outsiders.
        proposal=LeaderProposalFactory(transaction=transaction, candidate=bob, proposed_by=bob),
        newcomer=MemberFactory(partnership=partnership, display_name="Nina Newcomer"),
        leader=LeadershipFactory(partnership=partnership, display_name="Lee Leadership"),
    )


# --- The table --------------------------------------------------------------------------------

# GET pages and downloads: (url name, extra kwargs)
READS = {
    "transaction_detail": lambda w: {},
    "transaction_document": lambda w: {"doc_pk": w.document.pk},
    "transaction_disclosure_document": lambda w: {"disclosure_pk": w.disclosure.pk},
}
# Who reads the signed authorization: the team and leadership, not the grantee it names.
NOT_FOR_GRANTEES = {"transaction_disclosure_document"}

# POST endpoints: (url name) -> (extra kwargs, valid form data), so that a read-only viewer's
# request reaches the service, which must refuse it.
WRITES = {
    "transaction_add_member": (lambda w: {}, lambda w: {"member": w.newcomer.pk, "role": "X"}),
    "transaction_remove_member": (
        lambda w: {"seat_pk": w.transaction.team.get(member=w.team[1]).pk},
        lambda w: {},
    ),
    "transaction_propose_leader": (lambda w: {}, lambda w: {"candidate": w.team[1].pk}),
    "transaction_agree_leader": (lambda w: {"proposal_pk": w.proposal.pk}, lambda w: {}),
    "transaction_stage": (lambda w: {}, lambda w: {"stage": "under_contract"}),
    "transaction_details": (lambda w: {}, lambda w: {"kind": "sell"}),
    "transaction_note": (lambda w: {}, lambda w: {"body": "Leaked note"}),
    "transaction_event_share": (
        lambda w: {"event_pk": w.transaction.events.filter(kind="note").get().pk},
        lambda w: {"shared": "1"},
    ),
    "transaction_document_upload": (
        lambda w: {},
        lambda w: {"title": "Leak", "file": SimpleUploadedFile("x.pdf", PDF_BYTES)},
    ),
    "transaction_disclosure_record": (
        lambda w: {},
        lambda w: {
            "grantee_name": "Anyone",
            "scope": "Everything",
            "covers": ["stage", "notes"],
            "valid_until": "2025-12-31",
            "signed_document": SimpleUploadedFile("s.pdf", PDF_BYTES),
        },
    ),
    "transaction_disclosure_revoke": (
        lambda w: {"disclosure_pk": w.disclosure.pk},
        lambda w: {},
    ),
}
# The post-close pages and the team's customer-link actions: (url name) -> HTTP method. The team
# and leadership use them; nobody else reaches them, nor does a grantee (the post-close duties
# and the customer's link are the committee's and leadership's, not the authorized party's).
COMMITTEE_ONLY = {
    "post_close_detail": "get",
    "post_close_letter_pdf": "get",
    "post_close_propose_meeting": "post",
    "post_close_confirm_meeting": "post",
    "post_close_letter": "post",
    "post_close_letter_mailed": "post",
    "post_close_record_interaction": "post",
    "transaction_customer_link": "post",
    "transaction_customer_link_revoke": "post",
}
CUSTOMER_LINKS = {"transaction_customer_link", "transaction_customer_link_revoke"}

# URLs that list or export many transactions: the row must be absent for those who may not see it.
LISTS = ["transaction_list", "transaction_export"]
# A lead's page, where anyone opens a transaction: it names no transaction.
NOT_A_TRANSACTION = {"transaction_open"}


def test_every_transaction_url_is_in_the_table():
    names = {
        name
        for name, _ in parameterised_patterns()
        if name.startswith(("transaction", "post_close"))
    }
    names |= {"transaction_list", "transaction_export"}
    covered = set(READS) | set(WRITES) | set(LISTS) | NOT_A_TRANSACTION | set(COMMITTEE_ONLY)
    assert names == covered, f"Add to the confidentiality table: {names - covered}"


def url(world, name, extra):
    return reverse(name, kwargs={"pk": world.transaction.pk, **extra(world)})


def state(world) -> tuple:
    """Everything a write could change."""
    t = world.transaction
    t.refresh_from_db()
    return (
        t.stage,
        t.kind,
        t.leader_id,
        sorted(t.team.values_list("member_id", flat=True)),
        t.events.count(),
        t.documents.count(),
        sorted(t.disclosures.values_list("pk", "revoked_at")),
        t.leader_proposals.filter(settled_at__isnull=False).count(),
        list(t.events.values_list("shared_with_customer", flat=True)),
    )


def listed(client) -> tuple[bool, bool]:
    """Whether the customer shows in the list and in the export."""
    page = client.get(reverse("transaction_list"), {"q": "Dana"})
    export = client.get(reverse("transaction_export"))
    body = b"".join(export.streaming_content).decode()
    return CUSTOMER in page.text, CUSTOMER in body


def committee_url(world, name):
    return reverse(name, kwargs={"pk": world.transaction.pk})


def assert_committee_only_404(client, world, *, refused=frozenset()):
    """The post-close pages and the customer-link actions answer 404 (those in `refused`, to a
    viewer who may see the transaction: a refusal), and change nothing."""
    version = world.transaction.customer_link_version
    emails = OutboxMessage.objects.count()
    for name, method in COMMITTEE_ONLY.items():
        response = getattr(client, method)(committee_url(world, name))
        assert response.status_code in ((302, 400) if name in refused else (404,)), name
    world.transaction.refresh_from_db()
    assert world.transaction.customer_link_version == version
    assert OutboxMessage.objects.count() == emails


def assert_all_404(client, world):
    before = state(world)
    for name, extra in READS.items():
        assert client.get(url(world, name, extra)).status_code == 404, name
    for name, (extra, data) in WRITES.items():
        assert client.post(url(world, name, extra), data(world)).status_code == 404, name
        assert client.get(url(world, name, extra)).status_code in (404, 405), name
    assert_committee_only_404(client, world)
    assert state(world) == before


# --- (a) a member of the same partnership who is not on the team ------------------------------


def test_a_member_not_on_the_team_gets_404_everywhere_and_no_row(world):
    client = client_for(world.outsider.partnership, world.outsider)
    assert_all_404(client, world)
    assert listed(client) == (False, False)
    assert (
        client.get(reverse("transaction_list"), {"q": "Secret"}).context["page"].paginator.count
        == 0
    )
    assert not TransactionAccess.objects.exists()


# --- (b) a member of another partnership -------------------------------------------------------


def test_a_member_of_another_partnership_gets_404_everywhere(world, other_member):
    # On their own portal, with this transaction's ids.
    own_portal = client_for(other_member.partnership, other_member)
    assert_all_404(own_portal, world)
    assert listed(own_portal) == (False, False)
    # On this partnership's portal they are no member at all.
    here = client_for(world.transaction.partnership, other_member)
    assert (
        here.get(url(world, "transaction_detail", READS["transaction_detail"])).status_code == 404
    )
    assert not TransactionAccess.objects.exists()


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


def test_after_revocation_the_authorized_member_sees_nothing(world):
    records.revoke_disclosure(disclosure=world.disclosure, actor=world.team[0])
    client = client_for(world.grantee.partnership, world.grantee)
    assert_all_404(client, world)
    assert listed(client) == (False, False)


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


def test_leadership_reads_every_page_logged_and_writes_nothing(world):
    client = client_for(world.leader.partnership, world.leader)
    for name, extra in READS.items():
        assert client.get(url(world, name, extra)).status_code == 200, name
    accesses = TransactionAccess.objects.filter(member=world.leader)
    assert accesses.count() == len(READS)
    assert set(accesses.values_list("via", flat=True)) == {"leadership"}
    before = state(world)
    for name, (extra, data) in WRITES.items():
        response = client.post(url(world, name, extra), data(world))
        assert response.status_code == 400, name
    assert state(world) == before
    assert listed(client) == (True, True)


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
