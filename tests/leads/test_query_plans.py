"""The leads pages' main queries reach their rows through an index at a partnership's size:
the lead's emails (timeline), the list's search (name, email, phone, the phone's digits), its
sorts and a page's ids deep in the list, for every lead and for a member's own, and the columns
other apps add to a page."""

import pytest
from django.contrib.contenttypes.models import ContentType

from leads import extensions
from leads.models import Lead
from leads.selectors.lists import LeadFilters, column_rows, leads_for_list
from leads.selectors.timeline import lead_emails
from outreach.models import Attempt, OutreachPair
from pinnacle.mail.models import OutboxMessage
from tests.leads.factories import LeadFactory, grow_leads
from tests.members.factories import MemberFactory
from tests.outreach.factories import grow_attempts
from tests.plans import (
    _explain_text,
    _nodes,
    assert_no_sequential_scan,
    grow,
    plan,
    trigrams_installed,
)
from tests.transactions.transaction_builders import team_transaction
from transactions.models import Transaction

pytestmark = pytest.mark.django_db

LEADS = Lead._meta.db_table
OUTBOX = OutboxMessage._meta.db_table


@pytest.fixture
def grown(partnership, member):
    grow_leads(partnership, 20_000, referrer=member)


def listed(partnership, member, **filters):
    return leads_for_list(partnership=partnership, member=member, filters=LeadFilters(**filters))


def test_a_leads_emails_come_through_the_outbox_index(partnership, member, grown):
    lead = LeadFactory(partnership=partnership)
    grow(
        OUTBOX,
        f"""
        INSERT INTO {OUTBOX} (partnership_id, idempotency_key, template, category, to_email,
            from_email, reply_to, subject, body_text, body_html, headers, status, status_reason,
            attempts, last_error, esp_message_id, created_at, content_type_id, object_id)
        SELECT l.partnership_id, 'welcome:' || l.id, 'leads/welcome', 'transactional', l.email,
            'f', '', 's', 'b', '', '{{}}', 'sent', '', 0, '', '', now(), %s, l.id
        FROM {LEADS} l WHERE l.partnership_id = %s
        """,
        [ContentType.objects.get_for_model(Lead).pk, partnership.pk],
    )
    sealing = extensions.confidentiality().sealing(lead, member)
    assert_no_sequential_scan(lead_emails(lead, member, sealing), [OUTBOX])


def test_a_worked_transactions_emails_are_read_by_its_id(partnership, member):
    """The emails of the lead's transaction the member works on are found by its id in the
    outbox's (partnership, content_type, object_id) index, not among every transaction's
    emails (as a subquery of the lead's transactions, the planner read all of them). The
    outbox holds 20,000 emails about other leads and 20,000 about other transactions."""
    lead = LeadFactory(partnership=partnership)
    team_transaction(member, lead=lead)
    grow(
        OUTBOX,
        f"""
        INSERT INTO {OUTBOX} (partnership_id, idempotency_key, template, category, to_email,
            from_email, reply_to, subject, body_text, body_html, headers, status, status_reason,
            attempts, last_error, esp_message_id, created_at, content_type_id, object_id)
        SELECT %s, 'mail:' || n, 'leads/team_added', 'transactional', 'x@example.com',
            'f', '', 's', 'b', '', '{{}}', 'sent', '', 0, '', '', now(),
            CASE WHEN n %% 2 = 0 THEN %s ELSE %s END, 1000000 + n / 4
        FROM generate_series(1, 40000) AS n
        """,
        [
            partnership.pk,
            ContentType.objects.get_for_model(Transaction).pk,
            ContentType.objects.get_for_model(Lead).pk,
        ],
    )
    sealing = extensions.confidentiality().sealing(lead, member)
    emails = lead_emails(lead, member, sealing)
    assert_no_sequential_scan(emails, [OUTBOX])
    outbox_indexes = [
        node
        for node in _nodes(plan(emails))
        if node.get("Index Name", "").startswith("mail_outbox")
    ]
    assert outbox_indexes
    plan_text = _explain_text(emails, ())
    assert all("object_id" in node["Index Cond"] for node in outbox_indexes), plan_text


def test_the_search_uses_the_trigram_index(partnership, member, grown):
    if not trigrams_installed():
        pytest.skip("this PostgreSQL has no pg_trgm (the embedded server): searches read the table")
    # A name, an email, a phone as written, a phone's digits written otherwise.
    for q in ["smith 12", "GROWN123@", "555-1234", "(201) 555 12"]:
        # The count's query reads every match: the one a scan would serve without the index.
        matches = listed(partnership, member, q=q).order_by().values("pk")
        assert_no_sequential_scan(matches, [LEADS])


def test_each_sort_reads_a_page_from_an_index(partnership, member, grown):
    for mine in [False, True]:
        for sort in ["name", "newest", "oldest", "activity"]:
            leads = listed(partnership, member, sort=sort, mine=mine)
            assert_no_sequential_scan(leads[:25], [LEADS])
            # A page deep in the list: its ids come from the index (CappedPaginator.page).
            assert_no_sequential_scan(leads.values("pk")[1_000:1_025], [LEADS])


def test_the_columns_of_a_page_read_each_lead_through_indexes(partnership, member):
    # The outreach and transaction columns, in the one query the list makes for them.
    grow_leads(partnership, 20_000, referrer=member)
    grow_attempts(partnership, member, every=3)
    grow_attempts(partnership, MemberFactory(partnership=partnership), every=2)
    page = list(listed(partnership, member, mine=True)[:25])
    rows = column_rows(page, member, [column.read(member) for column in extensions.lead_columns])
    assert {column.header for column in extensions.lead_columns} >= {"Your outreach", "Transaction"}
    assert_no_sequential_scan(rows, [LEADS, Attempt._meta.db_table, OutreachPair._meta.db_table])
    assert len(list(rows)) == 25
