"""Confidentiality on the lead's side: a customer's transaction shows on the leads timeline,
the leads list, the lead's page and the dashboard only to its team, leadership and a member
the customer authorized in writing (while the authorization lasts). Everyone else sees the
lead as if it had no transaction."""

import datetime
import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from leads.models import Lead, Need, Timeframe
from leads.selectors.lists import column_values
from leads.selectors.timeline import lead_timeline
from outreach.models import Stage as OutreachStage
from outreach.selectors.lead_outreach import lead_stage
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory
from tests.transactions.factories import (
    DisclosureFactory,
    TransactionEventFactory,
    TransactionFactory,
)
from tests.transactions.transaction_builders import team_transaction
from transactions.models import TeamMember, Transaction, TransactionStage
from transactions.panels import TRANSACTION_COLUMN

START = datetime.datetime(2025, 3, 4, 9, 0, tzinfo=ZoneInfo("America/New_York"))

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]


def stages(leads, viewer) -> dict:
    """The leads list's transaction column: the stage of each lead that shows one to the viewer."""
    [(_, values)] = column_values(leads, viewer, [TRANSACTION_COLUMN])
    return {pk: stage for pk, stage in values.items() if stage is not None}


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the disclosures' signed documents


@pytest.fixture
def customer(partnership):
    return LeadFactory(partnership=partnership, name="Casey Customer")


@pytest.fixture
def deal(customer, member):
    transaction = team_transaction(
        member,
        lead=customer,
        property_address="12 Oak Lane, Austin TX",
        stage=TransactionStage.UNDER_CONTRACT,
    )
    TransactionEventFactory(transaction=transaction, summary="Offer accepted at asking price")
    TransactionEventFactory(
        transaction=transaction, summary="Inspection booked", shared_with_customer=True
    )
    return transaction


@pytest.fixture
def outsider(partnership):
    """A member of the same partnership, on no team of this customer."""
    return MemberFactory(partnership=partnership, display_name="Otto Outsider")


@pytest.fixture
def grantee(partnership, deal):
    """A member the customer authorized in writing to read the stage, the address and the
    notes, while it lasts."""
    grantee = MemberFactory(partnership=partnership, display_name="Grace Grantee")
    DisclosureFactory(
        transaction=deal, grantee_member=grantee, covers=["stage", "property", "notes"]
    )
    return grantee


@pytest.fixture
def lapsed(partnership, deal):
    """Members whose authorization ended (its last day passed) or was revoked."""
    expired = MemberFactory(partnership=partnership)
    DisclosureFactory(
        transaction=deal,
        grantee_member=expired,
        valid_until=partnership.today() - datetime.timedelta(days=1),
    )
    revoked = MemberFactory(partnership=partnership)
    DisclosureFactory(transaction=deal, grantee_member=revoked, revoked_at=timezone.now())
    return [expired, revoked]


def transaction_titles(lead, viewer) -> list[str]:
    return sorted(e.title for e in lead_timeline(lead, viewer) if e.kind == "transaction")


SEEN = ["Buy: Inspection booked", "Buy: Offer accepted at asking price"]


# --- The leads timeline -----------------------------------------------------------------------


def test_the_team_leadership_and_an_authorized_member_see_the_transaction_on_the_timeline(
    deal, customer, member, leader, grantee
):
    for viewer in (member, leader, grantee):
        assert transaction_titles(customer, viewer) == SEEN, viewer


def test_anyone_else_sees_nothing_of_it_on_the_timeline(deal, customer, outsider, lapsed):
    for viewer in (outsider, *lapsed):
        assert transaction_titles(customer, viewer) == [], viewer


def test_a_grantee_reads_on_the_timeline_only_the_entries_their_authorization_covers(
    deal, customer, member, partnership
):
    reader = MemberFactory(partnership=partnership)
    DisclosureFactory(transaction=deal, grantee_member=reader, covers=["stage"])
    TransactionEventFactory(
        transaction=deal,
        kind="stage",
        actor=member,
        summary=f"{member.display_name} moved the transaction from Opened to Under contract",
    )
    TransactionEventFactory(transaction=deal, kind="disclosure", summary="Authorized the bank")
    # The notes are not covered, nor the team: its author is "a team member".
    assert transaction_titles(customer, reader) == [
        "Buy: A team member moved the transaction from Opened to Under contract"
    ]


def test_the_leads_list_shows_the_stage_only_where_the_authorization_covers_it(deal, partnership):
    reader = MemberFactory(partnership=partnership)
    DisclosureFactory(transaction=deal, grantee_member=reader, covers=["notes"])
    assert stages([deal.lead], reader) == {}
    DisclosureFactory(transaction=deal, grantee_member=reader, covers=["stage"])
    assert stages([deal.lead], reader) == {deal.lead.pk: TransactionStage.UNDER_CONTRACT}


def test_the_leads_stage_says_customer_only_where_the_authorization_covers_the_stage(
    deal, partnership
):
    reader = MemberFactory(partnership=partnership)
    DisclosureFactory(transaction=deal, grantee_member=reader, covers=["notes"])
    assert lead_stage(deal.lead, reader) != OutreachStage.CUSTOMER
    DisclosureFactory(transaction=deal, grantee_member=reader, covers=["stage"])
    assert lead_stage(deal.lead, reader) == OutreachStage.CUSTOMER


def test_another_transaction_of_the_lead_stays_with_its_own_team(deal, customer, member):
    colleague = MemberFactory(partnership=customer.partnership)
    other = team_transaction(colleague, lead=customer, kind="sell")
    TransactionEventFactory(transaction=other, summary="Listing photos taken")
    assert transaction_titles(customer, member) == SEEN
    assert transaction_titles(customer, colleague) == ["Sell: Listing photos taken"]


def test_a_shared_entry_says_so_on_the_timeline(deal, customer, member):
    statuses = {e.title: e.status for e in lead_timeline(customer, member)}
    assert statuses["Buy: Inspection booked"] == "Shared with the customer"
    assert statuses["Buy: Offer accepted at asking price"] == ""


# --- The lead's page --------------------------------------------------------------------------


def lead_page(viewer, lead) -> str:
    response = client_for(viewer.partnership, viewer).get(lead.get_absolute_url())
    assert response.status_code == 200
    return response.text


def test_the_lead_page_shows_nothing_of_the_transaction_to_an_outsider(
    deal, customer, outsider, lapsed
):
    for viewer in (outsider, *lapsed):
        page = lead_page(viewer, customer)
        for secret in ("12 Oak Lane", "Offer accepted", "Inspection booked", "Under contract"):
            assert secret not in page, (viewer, secret)
        assert f"/transactions/{deal.pk}/" not in page
        # They may still open a transaction of their own with the lead.
        assert f'href="/leads/{customer.pk}/transactions/new/">Open a transaction' in page
        assert "No transaction of yours with Casey Customer yet." in page


def test_the_team_sees_the_transaction_on_the_lead_page(deal, customer, member):
    page = lead_page(member, customer)
    assert f'href="/transactions/{deal.pk}/"' in page
    assert "Buy: 12 Oak Lane, Austin TX" in page
    assert "Your team" in page and "Under contract" in page
    assert "Offer accepted at asking price" in page
    assert f'href="/leads/{customer.pk}/transactions/new/">Open a transaction' in page


def test_leadership_sees_the_transaction_but_opens_none(deal, customer, leader):
    page = lead_page(leader, customer)
    assert f'href="/transactions/{deal.pk}/"' in page and "Under contract" in page
    assert "Open a transaction" not in page


def test_an_authorized_member_sees_it_as_authorized(deal, customer, grantee):
    page = lead_page(grantee, customer)
    assert "Authorized by the customer" in page and "12 Oak Lane" in page


# --- The leads list column --------------------------------------------------------------------


def test_the_column_shows_the_newest_transaction_the_viewer_may_see(
    clock, partnership, customer, member, outsider
):
    older = team_transaction(member, outsider, lead=customer, stage=TransactionStage.CLOSED)
    clock.shift(datetime.timedelta(days=1))
    team_transaction(member, lead=customer, stage=TransactionStage.OPENED)
    other_lead = LeadFactory(partnership=partnership)
    assert stages([customer, other_lead], member) == {customer.pk: TransactionStage.OPENED}
    # The outsider is only on the older one: they see that one's stage, not the newer.
    assert stages([customer, other_lead], outsider) == {customer.pk: TransactionStage.CLOSED}
    assert older.lead == customer


def test_the_leads_list_shows_the_stage_only_to_those_who_may_see_it(
    deal, member, leader, grantee, outsider, lapsed
):
    for viewer in (member, leader, grantee):
        page = client_for(viewer.partnership, viewer).get("/leads/").text
        assert '<td data-label="Transaction"><span class="badge badge-info">Under contract' in page
    for viewer in (outsider, *lapsed):
        page = client_for(viewer.partnership, viewer).get("/leads/").text
        assert "Under contract" not in page
        assert '<td data-label="Transaction"><span class="muted">&mdash;</span></td>' in page


# Partnership, user, membership, my-leads count, page count, page rows; one for the columns (the
# outreach state and the newest visible transaction of the page's leads); the "Referred by"
# filter's members come from the cache once a request has read them.
LIST_QUERIES = 7


def bulk_leads_with_transactions(partnership, member, count):
    now = timezone.now()
    leads = Lead.objects.bulk_create(
        Lead(
            partnership=partnership,
            name=f"Bulk Customer {n:05d}",
            email=f"customer{n}@example.com",
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
        for _ in range(2)
    )
    TeamMember.objects.bulk_create(
        TeamMember(partnership=partnership, transaction=transaction, member=member)
        for transaction in transactions[::3]
    )


@pytest.mark.parametrize("count", [10, 1000])
def test_the_leads_list_query_count_does_not_grow_with_transactions(
    partnership, member, count, django_assert_num_queries
):
    started = time.monotonic()
    bulk_leads_with_transactions(partnership, member, count)
    DisclosureFactory(
        transaction=Transaction.objects.last(), grantee_member=member, recorded_by=member
    )
    assert time.monotonic() - started < 20
    client = client_for(partnership, member)
    client.get("/leads/")  # reads the members of the "Referred by" filter
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/leads/", {"q": "bulk customer"})
    assert response.status_code == 200
    assert response.text.count('<span class="badge badge-info">Opened</span>') > 0
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get("/leads/", {"page": "2"}).status_code == 200


# --- Dashboard and menu -----------------------------------------------------------------------


def dashboard(viewer) -> str:
    response = client_for(viewer.partnership, viewer).get("/dashboard/")
    assert response.status_code == 200
    return response.text


def test_the_dashboard_lists_the_members_own_transactions(deal, member):
    page = dashboard(member)
    panel = page.split('id="transactions-heading"')[1].split("</section>")[0]
    assert f'href="/transactions/{deal.pk}/"' in panel and "Casey Customer" in panel
    assert "12 Oak Lane, Austin TX" in panel and "Under contract" in panel


def test_the_dashboard_shows_nothing_of_others_transactions(deal, outsider, grantee):
    for viewer in (outsider, grantee):
        panel = dashboard(viewer).split('id="transactions-heading"')[1].split("</section>")[0]
        assert "You are on no transaction team yet." in panel
        assert "Casey Customer" not in panel and "12 Oak Lane" not in panel


def test_the_dashboard_lists_a_few_newest_first(clock, partnership, member):
    for n in range(7):
        team_transaction(member, lead=LeadFactory(partnership=partnership, name=f"Customer {n}"))
        clock.shift(datetime.timedelta(hours=1))
    panel = dashboard(member).split('id="transactions-heading"')[1].split("</section>")[0]
    shown = [f"Customer {n}" for n in range(7) if f"Customer {n}<" in panel]
    assert shown == ["Customer 2", "Customer 3", "Customer 4", "Customer 5", "Customer 6"]
    assert panel.index("Customer 6") < panel.index("Customer 2")
    assert 'href="/transactions/">See all your transactions' in panel


def test_leadership_gets_the_way_to_all_transactions(deal, leader):
    panel = dashboard(leader).split('id="transactions-heading"')[1].split("</section>")[0]
    assert 'href="/transactions/">All transactions' in panel
    assert "Casey Customer" not in panel  # not on its team: the list is the way in


def test_the_menu_has_transactions_for_members(member, anon_client):
    assert '<a href="/transactions/">Transactions</a>' in dashboard(member)
    assert '<a href="/transactions/">Transactions</a>' not in anon_client.get("/").text


def test_transactions_are_the_partnerships_own(deal, other_partnership):
    foreign_member = MemberFactory(partnership=other_partnership)
    team_transaction(
        foreign_member,
        lead=LeadFactory(partnership=other_partnership, name="Harbor Customer"),
    )
    TransactionFactory(lead=LeadFactory(partnership=other_partnership))
    leader = MemberFactory(partnership=other_partnership, role="leadership")
    assert transaction_titles(deal.lead, leader) == []
    assert stages([deal.lead], leader) == {}
