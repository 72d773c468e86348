"""The dashboard's transactions panel reads the member's own seats, not the partnership's
transactions: its plan stays the same however many transactions the partnership has."""

import pytest

from tests.leads.factories import grow_leads
from tests.members.factories import MemberFactory
from tests.plans import assert_no_sequential_scan, grow, indexes_read
from transactions.models import TeamMember, Transaction
from transactions.panels import newest_team_transactions

pytestmark = pytest.mark.django_db


def test_the_panel_reaches_transactions_by_key_through_the_members_seats(partnership, member):
    # 20,000 transactions of the partnership, each with the seat of one of 100 members, the
    # member one of them: the planner expects the member's few among many.
    others = [member.pk, *(m.pk for m in MemberFactory.create_batch(99, partnership=partnership))]
    grow_leads(partnership, 20_000)
    grow(
        Transaction._meta.db_table,
        """
        INSERT INTO leads_transaction (partnership_id, lead_id, opened_by_id, kind,
                                       property_address, stage, created_at, customer_link_version)
        SELECT %s, id, (%s::bigint[])[1 + id %% 100], 'buy', '', 'opened',
               now() - (id %% 900) * interval '1 day', 1
        FROM leads_lead WHERE partnership_id = %s AND email LIKE 'grown%%'
        """,
        [partnership.pk, others, partnership.pk],
    )
    grow(
        TeamMember._meta.db_table,
        """
        INSERT INTO leads_teammember (partnership_id, transaction_id, member_id, role, added_at)
        SELECT %s, id, opened_by_id, 'agent', now() FROM leads_transaction
        WHERE opened_by_id = ANY(%s::bigint[])
        """,
        [partnership.pk, others],
    )

    newest = newest_team_transactions(member)[:6]
    assert len(list(newest)) == 6
    assert_no_sequential_scan(newest, [Transaction._meta.db_table, TeamMember._meta.db_table])
    # Not the partnership's transactions walked newest first, looking for the member's seats.
    assert indexes_read(newest, Transaction._meta.db_table) == {"leads_transaction_pkey"}
