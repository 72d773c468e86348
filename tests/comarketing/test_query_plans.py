"""The co-marketing menu reads a page's keys through the index that leads with what it filters on:
the member's own connections from either side, leadership's page of all of them in order. Its
cost is the member's share (or one page), not the partnership's 30,000 connections."""

import pytest

from comarketing.models import Connection
from comarketing.views.connections import CONNECTIONS_PER_PAGE, _connections_for
from tests.members.factories import LeadershipFactory, MemberFactory
from tests.plans import assert_no_sequential_scan, grow, indexes_read

pytestmark = pytest.mark.django_db

TABLE = Connection._meta.db_table


@pytest.fixture
def members(partnership):
    """30,000 live connections between 100 lenders and 100 agents (a third still pending)."""
    lenders = [m.pk for m in MemberFactory.create_batch(100, partnership=partnership)]
    agents = [m.pk for m in MemberFactory.create_batch(100, partnership=partnership)]
    grow(
        TABLE,
        """
        INSERT INTO comarketing_connection (partnership_id, lender_id, partner_id, email, status,
            status_reason, token, prefill, invited_at, pending_reminders_sent,
            profile_reminders_sent)
        SELECT %s, (%s::bigint[])[1 + n %% 100],
               CASE WHEN n %% 3 > 0 THEN (%s::bigint[])[1 + (n / 100) %% 100] END,
               'p' || n || '@example.com', 'active', '', 't' || n, '{}',
               now() - n * interval '1 minute', 0, 0
        FROM generate_series(1, 30000) AS n
        """,
        [partnership.pk, lenders, agents],
    )
    return {"lender": lenders[0], "agent": agents[0]}


@pytest.mark.parametrize(
    ("who", "index"),
    [("lender", "comarketing_menu_idx"), ("agent", "comarketing_partner_menu_idx")],
)
def test_a_members_page_of_keys_reads_their_own_connections(members, who, index):
    from members.models import Member

    member = Member.objects.get(pk=members[who])
    keys = _connections_for(member)[:CONNECTIONS_PER_PAGE]
    assert len(list(keys)) == CONNECTIONS_PER_PAGE
    assert_no_sequential_scan(keys, [TABLE])
    assert index in indexes_read(keys, TABLE)
    assert "comarketing_all_menu_idx" not in indexes_read(keys, TABLE)


def test_leaderships_page_of_keys_is_read_in_order_from_the_partnerships_index(
    members, partnership
):
    leader = LeadershipFactory(partnership=partnership)
    for first in (0, 500):  # the first page and one further on
        keys = _connections_for(leader)[first : first + CONNECTIONS_PER_PAGE]
        assert len(list(keys)) == CONNECTIONS_PER_PAGE
        assert_no_sequential_scan(keys, [TABLE])
        assert indexes_read(keys, TABLE) == {"comarketing_all_menu_idx"}
