"""Leadership's compliance report counts the pairs that ceased in the period through an index of
ceased pairs: not every outreach pair the partnership's members ever had."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outreach.models import OutreachPair
from outreach.selectors.compliance import outreach_by_member
from tests.leads.factories import grow_leads
from tests.members.factories import MemberFactory
from tests.plans import assert_no_sequential_scan, grow

pytestmark = pytest.mark.django_db


def test_the_ceased_pairs_of_a_period_are_counted_through_an_index(partnership):
    """30,000 pairs of 100 members, one in a hundred ceased over three years."""
    members = [m.pk for m in MemberFactory.create_batch(100, partnership=partnership)]
    grow_leads(partnership, 30_000)
    grow(
        OutreachPair._meta.db_table,
        """
        INSERT INTO outreach_outreachpair (partnership_id, member_id, lead_id, ceased_at,
                                           created_at)
        SELECT %s, (%s::bigint[])[1 + id %% 100], id,
               CASE WHEN id %% 100 = 7 THEN now() - (id %% 1000) * interval '1 day' END, now()
        FROM leads_lead WHERE partnership_id = %s AND email LIKE 'grown%%'
        """,
        [partnership.pk, members, partnership.pk],
    )
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as captured:
        outreach_by_member(partnership, today - datetime.timedelta(days=30), today)
    (ceased,) = [q["sql"] for q in captured.captured_queries if '"ceased_at" >=' in q["sql"]]
    assert_no_sequential_scan(ceased, [OutreachPair._meta.db_table])
