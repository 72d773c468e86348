"""Every look from outside the team is logged, one row per transaction shown, on every surface
(`LOGGED`), and the list, export and lead page log in one insert within their query budget."""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leads.models import Lead, Need, Timeframe
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory
from tests.transactions import confidentiality_world
from tests.transactions.confidentiality_world import (
    Cover,
    read_export,
    read_lead_page,
    read_list,
    read_page,
)
from tests.transactions.factories import PDF_BYTES
from transactions.models import Disclosure, TeamMember, Transaction, TransactionAccess
from transactions.services import lifecycle as services
from transactions.services import records

pytestmark = pytest.mark.django_db

# The shared fixtures, bound here so that pytest finds them in this module.
world = confidentiality_world.world


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
