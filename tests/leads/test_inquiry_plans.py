"""Inquiries are read through indexes: leadership's compliance report reads the period's
inquiries, the dashboard's panel the open ones of the member (and leadership's); their cost
follows those rows, not every inquiry the partnership ever received."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leads.models import Inquiry, Lead
from leads.selectors.compliance import ComplianceReport, response_compliance
from leads.selectors.inquiries import first_open_inquiries
from tests.leads.factories import grow_leads
from tests.members.factories import LeadershipFactory, MemberFactory
from tests.plans import assert_no_sequential_scan, grow, indexes_read

pytestmark = pytest.mark.django_db


@pytest.fixture
def grown(partnership):
    """30,000 inquiries over three years, all answered: to 100 members, and a third of them
    through the online form to leadership (no member)."""
    others = [m.pk for m in MemberFactory.create_batch(100, partnership=partnership)]
    grow_leads(partnership, 30_000)
    grow(
        Inquiry._meta.db_table,
        """
        INSERT INTO leads_inquiry (partnership_id, lead_id, member_id, message, created_at,
                                   due_at, remind_at, responded_at)
        SELECT %s, id, CASE WHEN id %% 3 > 0 THEN (%s::bigint[])[1 + id %% 100] END, 'Hello',
               now() - (id %% 1000) * interval '1 day', now(), now(), now()
        FROM leads_lead WHERE partnership_id = %s AND email LIKE 'grown%%'
        """,
        [partnership.pk, others, partnership.pk],
    )


def _queries_of(read) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        read()
    return [query["sql"] for query in captured.captured_queries]


def test_the_report_reads_the_periods_inquiries_by_index(grown, partnership):
    today = timezone.localdate()
    (sql,) = _queries_of(
        lambda: response_compliance(
            partnership=partnership, start=today - datetime.timedelta(days=30), end=today
        )
    )
    assert_no_sequential_scan(sql, [Inquiry._meta.db_table])


def test_a_page_of_the_report_and_its_totals_read_the_periods_inquiries_by_index(
    grown, partnership
):
    today = timezone.localdate()
    report = ComplianceReport(
        partnership=partnership, start=today - datetime.timedelta(days=30), end=today
    )
    totals, page = _queries_of(lambda: (report.totals, report[25:50]))
    assert report.totals.rows > 25  # a second page: members, and leadership's online-form row
    for sql in (totals, page):
        assert indexes_read(sql, Inquiry._meta.db_table) == {"inquiry_period_idx"}


@pytest.mark.parametrize("as_leader", [False, True])
def test_the_dashboards_open_inquiries_are_read_from_the_members_own_entries(
    grown, partnership, as_leader
):
    """The panel reads the open inquiries of the member (300) and a leader's to leadership (300)
    through the index that starts with them: not the 3,000 open inquiries of another member,
    nor the 10,000 answered ones to leadership."""
    factory = LeadershipFactory if as_leader else MemberFactory
    reader = factory(partnership=partnership)
    grow(
        Inquiry._meta.db_table,
        """
        INSERT INTO leads_inquiry (partnership_id, lead_id, member_id, message, created_at,
                                   due_at, remind_at)
        SELECT %s, id,
               CASE WHEN id %% 100 = 0 THEN %s WHEN id %% 100 = 1 THEN NULL ELSE %s END,
               'Still open', now(), now(), now()
        FROM leads_lead
        WHERE partnership_id = %s AND email LIKE 'grown%%' AND (id %% 100 < 2 OR id %% 10 = 5)
        """,
        [partnership.pk, reader.pk, MemberFactory(partnership=partnership).pk, partnership.pk],
    )
    table = Inquiry._meta.db_table
    for sql in _queries_of(lambda: first_open_inquiries(reader, 5)):  # the first five, the count
        assert_no_sequential_scan(sql, [table, Lead._meta.db_table])
        read_through = indexes_read(sql, table)
        assert read_through, sql
        assert read_through <= {"inquiry_open_by_member_idx", "inquiry_open_to_leaders_idx"}, sql
