"""Transactions: the team page and its forms, the list and export with their query budget, and
the admin."""

import csv
import datetime
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.signals import template_rendered
from django.utils import timezone

from leads.models import Lead, Need, Timeframe
from pinnacle.models import AuditEvent
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.transactions import transaction_helpers
from tests.transactions.factories import PDF_BYTES
from tests.transactions.transaction_helpers import NEW_YORK, open_for, pdf_upload
from transactions.models import (
    LeaderProposal,
    TeamMember,
    Transaction,
    TransactionAccess,
    TransactionDocument,
    TransactionEvent,
)
from transactions.services import lifecycle as services

pytestmark = pytest.mark.django_db

# The shared fixtures, bound here so that pytest finds them in this module.
bob = transaction_helpers.bob
carol = transaction_helpers.carol
lead = transaction_helpers.lead


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


def test_the_list_renders_as_many_templates_for_a_full_page_as_for_one_row(
    partnership, member, bob, lead
):
    """Each row's stage badge is written by a tag, not an include per row."""
    client = client_for(partnership, member)
    rendered: list[str] = []

    def count(sender, template, context, **kwargs):
        rendered.append(template.name)

    def templates_for_list() -> int:
        rendered.clear()
        template_rendered.connect(count)
        try:
            assert client.get("/transactions/").status_code == 200
        finally:
            template_rendered.disconnect(count)
        return len(rendered)

    open_for(lead, member, bob)
    one = templates_for_list()
    _bulk_transactions(partnership, member, bob, 30)
    assert templates_for_list() == one


# --- Admin --------------------------------------------------------------------------------------


def test_the_admin_shows_leadership_its_own_partnerships_transactions_and_logs_each_look(
    partnership, lead, member, bob, leader, leader_client, other_member
):
    transaction = open_for(lead, member, bob)
    foreign = open_for(
        LeadFactory(partnership=other_member.partnership, name="Olga Elsewhere"), other_member
    )
    listing = leader_client.get("/admin/transactions/transaction/")
    assert listing.status_code == 200
    assert "Dana Customer" in listing.text and "Olga Elsewhere" not in listing.text
    assert (
        leader_client.get(f"/admin/transactions/transaction/{foreign.pk}/change/").status_code
        == 302
    )
    page = leader_client.get(f"/admin/transactions/transaction/{transaction.pk}/change/")
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
    leader_client.post(
        f"/admin/transactions/transaction/{transaction.pk}/change/", {"stage": "closed"}
    )
    transaction.refresh_from_db()
    assert transaction.stage == "opened"


def test_a_member_without_leadership_has_no_transaction_admin(partnership, lead, member, bob):
    transaction = open_for(lead, member, bob)
    member.user.is_staff = True
    member.user.save()
    client = client_for(partnership, member)
    assert client.get(f"/admin/transactions/transaction/{transaction.pk}/change/").status_code in (
        302,
        403,
    )
    assert not TransactionAccess.objects.exists()
