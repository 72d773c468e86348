"""The customer's authorization, by what it covers (`SECRETS`), on every surface that shows a
transaction to its grantee (`SURFACES`): without a cover, nothing of it shows anywhere; other
authorizations and who looked never show; search and filters answer only from what the grantee
may read."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import client_for
from tests.members.factories import MemberFactory
from tests.transactions import confidentiality_world
from tests.transactions.confidentiality_world import (
    CUSTOMER,
    Cover,
    read_export,
    read_lead_page,
    read_list,
    read_page,
)
from tests.transactions.factories import PDF_BYTES
from transactions.services import records

pytestmark = pytest.mark.django_db

# The shared fixtures, bound here so that pytest finds them in this module.
world = confidentiality_world.world


# --- What the customer's authorization covers, on every surface ---------------------------------

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
