"""Transactions: stage moves and the close, details and notes on the timeline, what the customer
sees, and documents kept privately."""

import datetime
import decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from leads.services import LeadRefused
from pinnacle.models import AuditEvent
from tests.leads.factories import LeadFactory
from tests.transactions import transaction_helpers
from tests.transactions.transaction_helpers import NEW_YORK, open_for, pdf_upload, png_upload
from transactions.models import PostCloseStep, TransactionDocument
from transactions.services import lifecycle as services
from transactions.services import records

pytestmark = pytest.mark.django_db

# The shared fixtures, bound here so that pytest finds them in this module.
bob = transaction_helpers.bob
lead = transaction_helpers.lead


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
