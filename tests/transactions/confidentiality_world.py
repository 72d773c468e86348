"""Shared by the test_transaction_confidentiality_*.py modules: the world (a transaction, its
team, a grantee, leadership), the table of every transaction URL, the checks that a viewer
gets 404 everywhere, and readers of each surface."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pinnacle.mail.models import OutboxMessage
from tests.leads.factories import LeadFactory
from tests.members.factories import LeadershipFactory, MemberFactory
from tests.transactions.factories import PDF_BYTES, LeaderProposalFactory
from transactions.models import DisclosureCover
from transactions.services import lifecycle as services
from transactions.services import records

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


Cover = DisclosureCover


def read_page(client, world) -> str:
    return client.get(reverse("transaction_detail", args=[world.transaction.pk])).text


def read_list(client, world) -> str:
    return client.get(reverse("transaction_list")).text


def read_export(client, world) -> str:
    return b"".join(client.get(reverse("transaction_export")).streaming_content).decode()


def read_lead_page(client, world) -> str:
    return client.get(world.transaction.lead.get_absolute_url()).text
