"""/outreach/ at a partnership's size: the member's outreach is grouped from their attempts'
index, and only the page's leads are read (not every lead of the partnership)."""

import pytest

from leads.models import Lead
from outreach.models import Attempt
from outreach.selectors.lead_outreach import my_outreach
from tests.leads.factories import grow_leads
from tests.members.factories import MemberFactory
from tests.outreach.factories import grow_attempts
from tests.plans import assert_no_sequential_scan

pytestmark = pytest.mark.django_db


def test_my_outreach_reads_the_members_attempts_and_the_pages_leads_only(partnership, member):
    grow_leads(partnership, 20_000)
    grow_attempts(partnership, member, every=5)
    grow_attempts(partnership, MemberFactory(partnership=partnership), every=2)
    tables = [Lead._meta.db_table, Attempt._meta.db_table]
    outreach = my_outreach(member)
    assert_no_sequential_scan(outreach[:25], tables)
    # The paginator's count of the member's leads.
    assert_no_sequential_scan(outreach.values("lead_id"), tables)
