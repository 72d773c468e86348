"""The customer's written authorization to disclose: what it lets its grantee read (`covers`,
recorded with it beside the customer's own words), and the emails to the partner member it
names when it starts and when it is revoked. What each cover shows on every surface is proven
in test_transaction_confidentiality_covers.py."""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from leads.services import LeadRefused
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory
from tests.transactions.factories import PDF_BYTES, DisclosureFactory
from transactions.models import Disclosure, DisclosureCover, default_disclosure_covers
from transactions.services import lifecycle as services
from transactions.services import records

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 3, 4, 10, 0, tzinfo=ZoneInfo("America/New_York"))
Cover = DisclosureCover


@pytest.fixture
def deal(time_machine, partnership, member):
    time_machine.move_to(START, tick=False)
    lead = LeadFactory(partnership=partnership, name="Dana Customer", email="dana@example.com")
    transaction = services.open_transaction(
        lead=lead, member=member, kind="sell", property_address="9 Hidden Court", value=740000
    )
    services.add_team_member(
        transaction=transaction,
        actor=member,
        member=MemberFactory(partnership=partnership, display_name="Bob Lender"),
    )
    records.add_note(transaction=transaction, actor=member, body="Seller is relocating.")
    return transaction


@pytest.fixture
def gina(partnership):
    return MemberFactory(partnership=partnership, display_name="Gina Grantee")


def authorize(deal, actor, **overrides):
    fields = {
        "grantee_name": "",
        "grantee_member": None,
        "scope": "The stage and the notes, for my employer's relocation office.",
        "covers": [Cover.NOTES, Cover.STAGE],
        "valid_until": datetime.date(2025, 3, 14),
        "signed_document": SimpleUploadedFile("signed.pdf", PDF_BYTES),
    }
    return records.record_disclosure(transaction=deal, actor=actor, **{**fields, **overrides})


# --- What it covers -----------------------------------------------------------------------------


def test_the_authorization_records_what_its_grantee_may_read_beside_the_customers_words(
    deal, member, gina
):
    disclosure = authorize(
        deal, member, grantee_member=gina, covers=["notes", "stage", "notes", "contact"]
    )
    disclosure.refresh_from_db()
    assert disclosure.covers == ["stage", "notes", "contact"]  # in the form's order, once each
    assert disclosure.scope.startswith("The stage and the notes")
    assert disclosure.cover_labels == [
        "The stage and dates",
        "Timeline notes",
        "The customer's contact details",
    ]


@pytest.mark.parametrize(
    ("covers", "message"),
    [
        ([], "Tick what the customer authorized them to read"),
        (None, "Tick what the customer authorized them to read"),
        (["stage", "salary"], "Tick only what the form offers"),
    ],
    ids=["nothing", "none", "unknown"],
)
def test_an_authorization_must_say_what_its_grantee_may_read(deal, member, gina, covers, message):
    with pytest.raises(LeadRefused, match=message):
        authorize(deal, member, grantee_member=gina, covers=covers)
    assert not Disclosure.objects.exists()
    assert not OutboxMessage.objects.filter(to_email=gina.email).exists()


@pytest.mark.parametrize("covers", [[], ["stage", "salary"]], ids=["nothing", "unknown"])
def test_the_database_keeps_covers_to_what_the_form_offers(deal, covers):
    with pytest.raises(IntegrityError), transaction.atomic():
        DisclosureFactory(transaction=deal, covers=covers)


def test_authorizations_recorded_before_covers_let_their_grantee_read_stage_and_team_only():
    migration = importlib.import_module(
        "leads.migrations.0009_disclosure_covers_and_where_seen"
    ).Migration
    (field,) = [op.field for op in migration.operations if getattr(op, "name", "") == "covers"]
    assert field.default() == ["stage", "team"] == default_disclosure_covers()


# --- The team page's form ---------------------------------------------------------------------


def test_the_team_records_what_the_grantee_may_read_with_checkboxes(deal, member, gina):
    client = client_for(member.partnership, member)
    page = client.get(deal.get_absolute_url()).text
    for cover in Cover:
        assert f'value="{cover.value}"' in page and cover.label.replace("'", "&#x27;") in page
    form = {
        "grantee_member": gina.pk,
        "scope": "The documents.",
        "valid_until": "2025-03-20",
        "signed_document": SimpleUploadedFile("s.pdf", PDF_BYTES),
    }
    refused = client.post(reverse("transaction_disclosure_record", args=[deal.pk]), form)
    assert refused.status_code == 400
    assert "Tick what the customer authorized them to read." in refused.text
    assert not Disclosure.objects.exists()
    form["signed_document"] = SimpleUploadedFile("s.pdf", PDF_BYTES)
    done = client.post(
        reverse("transaction_disclosure_record", args=[deal.pk]),
        {**form, "covers": ["documents", "team"]},
    )
    assert done.status_code == 302
    assert Disclosure.objects.get().covers == ["team", "documents"]
    table = client.get(deal.get_absolute_url()).text.split('id="disclosures-heading"')[1]
    assert "May read here: The team, with each member&#x27;s role; Documents" in table


def test_the_grantee_reads_what_the_authorization_says_and_covers(deal, member, gina):
    authorize(deal, member, grantee_member=gina)
    page = client_for(gina.partnership, gina).get(deal.get_absolute_url()).text
    assert "Until March 14, 2025: &ldquo;The stage and the notes" in page
    assert "You may read: The stage and dates; Timeline notes." in page
    assert "Seller is relocating." in page and "9 Hidden Court" not in page


# --- Emails to the member it names --------------------------------------------------------------


def grantee_mail(gina):
    return OutboxMessage.objects.filter(to_email=gina.email).order_by("created_at", "pk")


def test_the_named_member_is_emailed_what_they_may_read_until_when_and_the_link(deal, member, gina):
    authorize(deal, member, grantee_member=gina)
    (message,) = grantee_mail(gina)
    assert message.subject == (
        "A customer authorized you to read their transaction until March 14, 2025"
    )
    for body in (message.body_text, message.body_html):
        assert "Dana Customer authorized you in writing" in body
        assert "sell transaction" in body and "March 14, 2025" in body
        assert "The stage and dates" in body and "Timeline notes" in body
        assert deal.partnership.absolute_url(f"/transactions/{deal.pk}/") in body
        # Nothing of the transaction itself, whatever the authorization covers.
        for secret in (
            "9 Hidden Court",
            "740",
            "dana@example.com",
            "relocating",
            "Alice Agent",
            "Bob Lender",
            "employer",
            "Documents",
        ):
            assert secret not in body, secret


def test_a_party_outside_the_partnership_gets_no_email_from_the_portal(deal, member):
    authorize(deal, member, grantee_name="Olga at the bank", grantee_email="olga@bank.example")
    assert not OutboxMessage.objects.filter(to_email="olga@bank.example").exists()


def test_the_named_member_is_emailed_once_when_the_authorization_is_revoked(deal, member, gina):
    disclosure = authorize(deal, member, grantee_member=gina)
    records.revoke_disclosure(disclosure=disclosure, actor=member)
    with pytest.raises(LeadRefused):
        records.revoke_disclosure(disclosure=disclosure, actor=member)
    granted, revoked = grantee_mail(gina)
    assert revoked.subject == (
        "A customer's authorization for you to read their transaction was revoked"
    )
    assert "revoked Dana Customer" in revoked.body_text
    assert "no longer see anything of it" in revoked.body_text
    for secret in ("9 Hidden Court", "dana@example.com", "Alice Agent", "relocating"):
        assert secret not in revoked.body_text + revoked.body_html, secret
    assert granted.object_id == revoked.object_id == deal.pk


def test_the_service_bounds_what_any_caller_records(deal, member, gina):
    with pytest.raises(LeadRefused, match="is not an email address"):
        authorize(deal, member, grantee_name="Relocation office", grantee_email="not-an-address")
    with pytest.raises(LeadRefused, match="Keep what the customer authorized to 5,000"):
        authorize(deal, member, grantee_member=gina, scope="x" * 5001)
    assert not deal.disclosures.exists()
