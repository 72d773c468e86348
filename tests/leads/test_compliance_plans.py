"""Leadership's compliance report reads the period's inquiries through an index: its cost
follows the period's rows, not every inquiry the partnership ever received."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leads.models import Inquiry, Lead
from leads.selectors.compliance import response_compliance
from tests.members.factories import MemberFactory
from tests.plans import assert_no_sequential_scan, grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def grown(partnership):
    """30,000 inquiries over three years, all answered: to 100 members, and a third of them
    through the online form to leadership (no member)."""
    others = [m.pk for m in MemberFactory.create_batch(100, partnership=partnership)]
    grow(
        Lead._meta.db_table,
        """
        INSERT INTO leads_lead (partnership_id, name, email, phone, need, timeframe, channel,
                                utm, created_at, last_submitted_at)
        SELECT %s, 'Lead ' || n, 'grown' || n || '@example.com', '', '', '', 'website', '{}',
               now(), now()
        FROM generate_series(1, 30000) AS n
        """,
        [partnership.pk],
    )
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
