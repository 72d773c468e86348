"""policy: "No partner member is to disclose any information involving any customer or customer
transaction to anyone outside of the ... Transaction Team Committee unless explicitly authorized
to do so by the customer in writing", and it holds after the close.

Table-driven: every transaction URL (pages, downloads, every POST, the list and the export) as
a member of the same partnership who is not on the team, a member of another partnership, a
member the customer authorized in writing (while it lasts, after revocation, after it ends),
and leadership. A transaction URL missing from the table fails
`test_every_transaction_url_is_in_the_table`.

A second table: what the authorization covers (`SECRETS`), on every surface that shows a
transaction to its grantee (`SURFACES`): without a cover, nothing of it shows anywhere; other
authorizations and who looked never show. And every look from outside the team is logged, one
row per transaction shown, on every surface (`LOGGED`).
"""

import csv
import datetime
import io
import time
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leads.models import (
    Disclosure,
    DisclosureCover,
    Lead,
    Need,
    TeamMember,
    Timeframe,
    Transaction,
    TransactionAccess,
)
from leads.selectors.timeline import lead_timeline
from leads.services import transaction_records as records
from leads.services import transactions as services
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.leads.factories import (
    PDF_BYTES,
    LeaderProposalFactory,
    LeadFactory,
    TransactionEventFactory,
)
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
        partnership=partnership,
        name=CUSTOMER,
        email="dana@example.com",
        phone="555-0142",
        referring_member=member,
    )
    transaction = services.open_transaction(
        lead=lead,
        member=member,
        kind="buy",
        property_address="77 Secret Lane",
        expected_close_on=datetime.date(2025, 6, 30),
        value=Decimal("512345"),
    )
    services.add_team_member(transaction=transaction, actor=member, member=bob, role="Lender")
    services.change_stage(transaction=transaction, actor=member, stage="under_contract")
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
    # Another party the customer authorized (not a member): never shown to Gina.
    records.record_disclosure(
        transaction=transaction,
        actor=member,
        grantee_name="Olga Other-Party",
        scope="Everything for the bank.",
        covers=list(DisclosureCover.values),
        valid_until=datetime.date(2025, 3, 31),
        signed_document=SimpleUploadedFile("bank.pdf", PDF_BYTES),
    )
    transaction.refresh_from_db()
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
    "transaction_stage": (lambda w: {}, lambda w: {"stage": "opened"}),
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
    "post_close_meeting_held": "post",
    "transaction_confirm_whole_team": "post",
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


# --- What the customer's authorization covers, on every surface ---------------------------------

Cover = DisclosureCover

# What shows of each cover somewhere (the world's transaction: under contract, closing June 30,
# 77 Secret Lane for $512,345, Bob Lender on the team, a note, a document, Dana's email/phone).
SECRETS = {
    Cover.STAGE: [
        'badge-info">Under contract',
        "to Under contract",
        "Jun 30, 2025",
        "June 30, 2025",
        "2025-06-30",
    ],
    Cover.TEAM: ["Bob Lender"],
    Cover.PROPERTY: ["77 Secret Lane", "512,345", "512345"],
    Cover.NOTES: ["budget is tight"],
    Cover.DOCUMENTS: ["Purchase agreement"],
    Cover.CONTACT: ["dana@example.com", "555-0142"],
}
# Never for a grantee: other authorizations (the bank's), their timeline entries, who looked.
NEVER = [
    "Olga Other-Party",
    "Everything for the bank",
    "authorization to disclose to",
    "Who looked",
    "Lee Leadership",
]


def read_page(client, world) -> str:
    return client.get(reverse("transaction_detail", args=[world.transaction.pk])).text


def read_list(client, world) -> str:
    return client.get(reverse("transaction_list")).text


def read_export(client, world) -> str:
    return b"".join(client.get(reverse("transaction_export")).streaming_content).decode()


def read_lead_page(client, world) -> str:
    return client.get(world.transaction.lead.get_absolute_url()).text


# Each surface showing a transaction to a grantee, and the covers it shows at all. The lead's
# own page shows the lead's contact details to every member (leads are the partnership's):
# there only the transaction's information is the grantee's to be kept from.
SURFACES = {
    "page": (read_page, set(Cover)),
    "list": (read_list, {Cover.STAGE, Cover.PROPERTY}),
    "export": (read_export, {Cover.STAGE, Cover.TEAM, Cover.PROPERTY, Cover.CONTACT}),
    "lead page": (
        read_lead_page,
        {Cover.STAGE, Cover.TEAM, Cover.PROPERTY, Cover.NOTES, Cover.DOCUMENTS},
    ),
}


def grantee_covering(world, covers) -> object:
    grantee = MemberFactory(partnership=world.transaction.partnership, display_name="Rita Reader")
    records.record_disclosure(
        transaction=world.transaction,
        actor=world.team[0],
        grantee_name="",
        grantee_member=grantee,
        scope="What the form ticks.",
        covers=list(covers),
        valid_until=datetime.date(2025, 3, 14),
        signed_document=SimpleUploadedFile("signed.pdf", PDF_BYTES),
    )
    return grantee


def shown(text: str, cover) -> list[str]:
    return [secret for secret in SECRETS[cover] if secret in text]


def test_a_grantee_with_every_cover_reads_each_on_every_surface_but_never_the_rest(world):
    client_for(world.leader.partnership, world.leader).get(
        reverse("transaction_detail", args=[world.transaction.pk])
    )
    client = client_for(world.grantee.partnership, world.grantee)
    for surface, (read, covers) in SURFACES.items():
        text = read(client, world)
        assert CUSTOMER in text, surface
        for cover in covers:
            assert shown(text, cover), (surface, cover)
        assert [secret for secret in NEVER if secret in text] == [], surface


@pytest.mark.parametrize("left_out", list(Cover), ids=[c.value for c in Cover])
def test_what_the_authorization_leaves_out_shows_on_no_surface(world, left_out):
    client_for(world.leader.partnership, world.leader).get(
        reverse("transaction_detail", args=[world.transaction.pk])
    )
    reader = grantee_covering(world, set(Cover) - {left_out})
    client = client_for(reader.partnership, reader)
    for surface, (read, covers) in SURFACES.items():
        text = read(client, world)
        assert CUSTOMER in text, surface  # the transaction itself is shown
        if left_out in covers or surface == "page":
            assert shown(text, left_out) == [], (surface, left_out)
        for cover in covers - {left_out}:
            assert shown(text, cover), (surface, cover)
        assert [secret for secret in NEVER if secret in text] == [], surface


def test_the_narrowest_authorization_shows_the_customers_name_and_the_kind_only(world):
    reader = grantee_covering(world, [Cover.NOTES])
    client = client_for(reader.partnership, reader)
    page = read_page(client, world)
    assert "Buy for Dana Confidential" in page and "budget is tight" in page
    # The note's author is on the team, which it does not cover.
    assert "Note from a team member" in page and "Bob Lender" not in page
    for cover in set(Cover) - {Cover.NOTES}:
        assert shown(page, cover) == [], cover
    rows = list(csv.DictReader(io.StringIO(read_export(client, world))))
    assert [(row["customer"], row["kind"], row["seen_as"]) for row in rows] == [
        (CUSTOMER, "Buy", "customer's written authorization")
    ]
    blank = ["opened", "customer_email", "stage", "leader", "team", "property_address"]
    assert [rows[0][column] for column in blank] == [""] * len(blank)


def test_a_grantee_without_documents_cannot_download_one(world):
    reader = grantee_covering(world, [Cover.STAGE])
    client = client_for(reader.partnership, reader)
    document_url = reverse("transaction_document", args=[world.transaction.pk, world.document.pk])
    assert client.get(document_url).status_code == 404
    assert client_for(world.grantee.partnership, world.grantee).get(document_url).status_code == 200


@pytest.mark.parametrize(
    ("covers", "query", "found"),
    [
        ([Cover.STAGE], {"q": "dana@example"}, False),
        ([Cover.CONTACT], {"q": "dana@example"}, True),
        ([Cover.STAGE], {"q": "Secret Lane"}, False),
        ([Cover.PROPERTY], {"q": "Secret Lane"}, True),
        ([Cover.TEAM], {"stage": "under_contract"}, False),
        ([Cover.STAGE], {"stage": "under_contract"}, True),
        ([Cover.TEAM], {"q": "Dana"}, True),
    ],
    ids=[
        "email-not-covered",
        "email-covered",
        "address-not-covered",
        "address-covered",
        "stage-not-covered",
        "stage-covered",
        "name-always",
    ],
)
def test_search_and_filters_answer_only_from_what_the_grantee_may_read(world, covers, query, found):
    reader = grantee_covering(world, covers)
    client = client_for(reader.partnership, reader)
    page = client.get(reverse("transaction_list"), query)
    assert (page.context["page"].paginator.count == 1) is found
    export = b"".join(client.get(reverse("transaction_export"), query).streaming_content)
    assert (CUSTOMER in export.decode()) is found


# --- Every look from outside the team is logged -------------------------------------------------

# Each surface that shows the transaction, and what it logs as `seen_on`.
LOGGED = {
    "page": (read_page, "page"),
    "list": (read_list, "list"),
    "export": (read_export, "export"),
    "lead page": (read_lead_page, "lead_page"),
    "document": (
        lambda client, w: client.get(
            reverse("transaction_document", args=[w.transaction.pk, w.document.pk])
        ),
        "download",
    ),
}


@pytest.mark.parametrize("surface", list(LOGGED))
def test_every_look_from_outside_the_team_is_logged_where_it_was(world, surface):
    read, seen_on = LOGGED[surface]
    for viewer, via, disclosure in (
        (world.grantee, "disclosure", world.disclosure.pk),
        (world.leader, "leadership", None),
    ):
        read(client_for(viewer.partnership, viewer), world)
        access = TransactionAccess.objects.get(member=viewer)
        assert (access.transaction_id, access.via, access.disclosure_id, access.seen_on) == (
            world.transaction.pk,
            via,
            disclosure,
            seen_on,
        )
        assert access.user == viewer.user and access.path.startswith("/")
    for viewer in world.team:
        read(client_for(viewer.partnership, viewer), world)
    assert not TransactionAccess.objects.filter(member__in=world.team).exists()


@pytest.mark.parametrize("same_moment", [False, True], ids=["later", "same-moment"])
@pytest.mark.parametrize("surface", list(LOGGED))
def test_with_two_live_authorizations_every_look_names_the_newest(
    world, surface, same_moment, time_machine
):
    """The grantee reads what both cover; the log names the customer's latest word (recorded
    last when two bear the same moment), on every surface alike."""
    if not same_moment:
        time_machine.shift(datetime.timedelta(hours=2))
    newer = records.record_disclosure(
        transaction=world.transaction,
        actor=world.team[0],
        grantee_name="",
        grantee_member=world.grantee,
        scope="The stage, for the new lender.",
        covers=[Cover.STAGE],
        valid_until=datetime.date(2025, 3, 12),
        signed_document=SimpleUploadedFile("again.pdf", PDF_BYTES),
    )
    read, seen_on = LOGGED[surface]
    page = read(client_for(world.grantee.partnership, world.grantee), world)
    access = TransactionAccess.objects.get(member=world.grantee)
    assert (access.disclosure_id, access.seen_on) == (newer.pk, seen_on)
    if surface == "page":
        # The grantee's own authorizations are listed in the same order, the newest first.
        assert page.index("The stage, for the new lender.") < page.index("The closing date.")


def test_the_team_sees_where_each_look_came_from(world):
    client_for(world.leader.partnership, world.leader).get(reverse("transaction_list"))
    read_export(client_for(world.grantee.partnership, world.grantee), world)
    page = read_page(client_for(world.team[0].partnership, world.team[0]), world)
    log = page.split('id="access-heading"')[1].split("</section>")[0]
    assert "Lee Leadership</td>" in log and "The transactions list" in log
    assert "Gina Grantee</td>" in log and "The CSV export" in log


# --- Logging in bulk: the list pages keep their query budget --------------------------------------


def bulk_transactions(partnership, count, *, grantee=None):
    """`count` transactions, each with a team of one, and (given `grantee`) each disclosed to
    them."""
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
    opener = MemberFactory(partnership=partnership)
    transactions = Transaction.objects.bulk_create(
        Transaction(partnership=partnership, lead=lead, kind="buy", opened_by=opener)
        for lead in leads
    )
    TeamMember.objects.bulk_create(
        TeamMember(partnership=partnership, transaction=transaction, member=opener)
        for transaction in transactions
    )
    if grantee is not None:
        Disclosure.objects.bulk_create(
            Disclosure(
                partnership=partnership,
                transaction=transaction,
                grantee_name="Gina",
                grantee_member=grantee,
                scope="The stage.",
                covers=[Cover.STAGE],
                valid_until=partnership.today() + datetime.timedelta(days=5),
                signed_document="signed.pdf",
                recorded_by=opener,
            )
            for transaction in transactions
        )
    return transactions


def access_inserts(queries) -> int:
    return sum(1 for q in queries if q["sql"].startswith('INSERT INTO "leads_transactionaccess"'))


# Partnership, user, membership (3); the page's count and rows (2); one INSERT of the page's
# looks. A grantee's rows carry what their authorizations cover as subqueries of the rows'
# query: the same six.
LEADERSHIP_LIST_QUERIES = 6
GRANTEE_LIST_QUERIES = 6


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize("who", ["leadership", "grantee"])
def test_the_list_logs_its_rows_in_one_insert_at_any_size(
    partnership, leader, count, who, django_assert_num_queries
):
    started = time.monotonic()
    grantee = MemberFactory(partnership=partnership) if who == "grantee" else None
    bulk_transactions(partnership, count, grantee=grantee)
    assert time.monotonic() - started < 20
    viewer = leader if who == "leadership" else grantee
    client = client_for(partnership, viewer)
    expected = LEADERSHIP_LIST_QUERIES if who == "leadership" else GRANTEE_LIST_QUERIES
    with django_assert_num_queries(expected) as captured:
        response = client.get(reverse("transaction_list"), {"q": "bulk"})
    assert response.status_code == 200
    assert access_inserts(captured.captured_queries) == 1
    shown_rows = min(count, 25)
    assert TransactionAccess.objects.filter(member=viewer, seen_on="list").count() == shown_rows
    with django_assert_num_queries(expected):
        client.get(reverse("transaction_list"), {"page": "2"})


@pytest.mark.parametrize("count", [10, 1000])
def test_the_export_logs_every_row_in_one_insert(partnership, leader, count):
    bulk_transactions(partnership, count)
    client = client_for(partnership, leader)
    with CaptureQueriesContext(connection) as captured:
        body = b"".join(client.get(reverse("transaction_export")).streaming_content)
    assert body.decode().count("Bulk Customer") == count
    assert access_inserts(captured.captured_queries) == 1
    assert TransactionAccess.objects.filter(seen_on="export").count() == count


def test_the_lead_page_logs_its_transactions_in_one_insert(partnership, leader):
    lead = LeadFactory(partnership=partnership)
    budgets = []
    for extra in (2, 20):
        for _ in range(extra):
            transaction = services.open_transaction(
                lead=lead, member=MemberFactory(partnership=partnership), kind="sell"
            )
        with CaptureQueriesContext(connection) as captured:
            assert client_for(partnership, leader).get(lead.get_absolute_url()).status_code == 200
        assert access_inserts(captured.captured_queries) == 1
        budgets.append(len(captured.captured_queries))
    assert budgets[0] == budgets[1]
    assert TransactionAccess.objects.filter(seen_on="lead_page").count() == 2 + 22
    assert transaction.lead == lead
