"""The transactions pages' main queries reach their rows through indexes at a real size: a
member's list costs their share, not the partnership's 20,000 transactions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leads.models import Lead
from tests.conftest import client_for
from tests.members.factories import MemberFactory
from tests.plans import assert_no_sequential_scan, grow, indexes_read, plan
from tests.transactions.factories import TransactionFactory
from transactions import selectors
from transactions.models import PostCloseStep, TeamMember, Transaction
from transactions.selectors.board import post_close_board
from transactions.selectors.postclose import post_close_counts

pytestmark = pytest.mark.django_db

TRANSACTIONS = Transaction._meta.db_table
SEATS = TeamMember._meta.db_table
STEPS = PostCloseStep._meta.db_table


@pytest.fixture
def other_in_partnership(partnership):
    return MemberFactory(partnership=partnership)


@pytest.fixture
def grown(partnership, member, other_in_partnership):
    """20,000 transactions of other members (their lead and opener: one of the member's
    transactions'), each with a seat; half of them closed, two a day, with their three
    post-close steps (those of the last ten days still to do)."""
    mine = TransactionFactory(lead__partnership=partnership, opened_by=member)
    other = other_in_partnership
    grow(
        TRANSACTIONS,
        f"""
        INSERT INTO {TRANSACTIONS} (partnership_id, lead_id, kind, property_address, stage,
            created_at, closed_on, customer_link_version, opened_by_id)
        SELECT %s, %s, 'buy', n || ' Main St',
            CASE WHEN n %% 2 = 0 THEN 'closed' ELSE 'opened' END,
            now() - n * interval '1 hour', CASE WHEN n %% 2 = 0 THEN current_date - n / 4 END, 1, %s
        FROM generate_series(1, 20000) AS n
        """,
        [partnership.pk, mine.lead_id, other.pk],
    )
    grow(
        SEATS,
        f"""
        INSERT INTO {SEATS} (partnership_id, transaction_id, member_id, role, added_at)
        SELECT partnership_id, id, opened_by_id, '', created_at FROM {TRANSACTIONS}
        WHERE partnership_id = %s AND id <> %s
        """,
        [partnership.pk, mine.pk],
    )
    grow(
        STEPS,
        f"""
        INSERT INTO {STEPS} (partnership_id, transaction_id, kind, due_at, remind_at,
            completed_at)
        SELECT t.partnership_id, t.id, k.kind, t.closed_on + k.due, t.closed_on,
            CASE WHEN t.closed_on < current_date - 10 THEN t.closed_on + k.due END
        FROM {TRANSACTIONS} t, (VALUES ('handoff', interval '2 days'),
            ('letter', interval '7 days'), ('interaction', interval '30 days')) AS k(kind, due)
        WHERE t.partnership_id = %s AND t.stage = 'closed'
        """,
        [partnership.pk],
    )
    return mine


def test_a_members_list_and_its_count_read_their_own_seats_not_every_transaction(member, grown):
    rows = selectors.transactions_for_list(member)
    assert list(rows) == [grown]
    assert_no_sequential_scan(rows, [TRANSACTIONS, SEATS])
    assert_no_sequential_scan(rows.order_by().values("pk"), [TRANSACTIONS, SEATS])


def test_a_members_search_and_stage_filter_read_their_own_seats(member, grown):
    for rows in (
        selectors.transactions_for_list(member, q="main"),
        selectors.transactions_for_list(member, stage="closed"),
        selectors.transactions_for_list(member, stage=selectors.FORMING),
    ):
        assert_no_sequential_scan(rows, [TRANSACTIONS, SEATS])


def test_leaderships_post_close_board_reads_the_pending_steps_and_the_closes_by_index(
    leader, grown
):
    board = post_close_board(leader)
    # The closes of the last ten days (two a day, and today's one) have their steps to do.
    assert board.counts == {"total": 10000, "pending": 21}
    for start in (0, 20, 2000):
        assert_no_sequential_scan(board.rows(start, start + 25), [TRANSACTIONS, SEATS, STEPS])
    first = board[0:25]
    assert [t.pk for t in post_close_board(leader, open_only=True)[0:25]] == [
        t.pk for t in first[:21]
    ]
    due = [t.next_due_at for t in first[:21]]
    assert None not in due and due == sorted(due)
    closes = [t.closed_on for t in first[21:]] + [t.closed_on for t in board[25:30]]
    assert closes == sorted(closes, reverse=True) and max(closes) < min(
        t.closed_on for t in first[:20]
    )


@pytest.fixture
def backlog(partnership, member, other_in_partnership):
    """A real partnership's post-close board: 20,000 transactions, two in three closed (eight
    closes a day), each close with its three steps; those of the last fortnight's closes and of
    one older close in 50 are still to do (about 400 transactions, 3% of the closed ones)."""
    mine = TransactionFactory(lead__partnership=partnership, opened_by=member)
    grow(
        TRANSACTIONS,
        f"""
        INSERT INTO {TRANSACTIONS} (partnership_id, lead_id, kind, property_address, stage,
            created_at, closed_on, customer_link_version, opened_by_id)
        SELECT %s, %s, 'buy', n || ' Main St',
            CASE WHEN n %% 3 <> 0 THEN 'closed' ELSE 'opened' END,
            now() - n * interval '1 hour',
            CASE WHEN n %% 3 <> 0 THEN current_date - n / 12 END, 1, %s
        FROM generate_series(1, 20000) AS n
        """,
        [partnership.pk, mine.lead_id, other_in_partnership.pk],
    )
    grow(
        STEPS,
        f"""
        INSERT INTO {STEPS} (partnership_id, transaction_id, kind, due_at, remind_at,
            completed_at)
        SELECT t.partnership_id, t.id, k.kind, t.closed_on + k.due, t.closed_on,
            CASE WHEN t.closed_on < current_date - 14 AND t.id %% 50 <> 0
                THEN t.closed_on + k.due END
        FROM {TRANSACTIONS} t, (VALUES ('handoff', interval '2 days'),
            ('letter', interval '7 days'), ('interaction', interval '7 days')) AS k(kind, due)
        WHERE t.partnership_id = %s AND t.stage = 'closed'
        """,
        [partnership.pk],
    )
    closed = Transaction.objects.filter(partnership=partnership, stage="closed")
    return closed.filter(post_close_steps__completed_at=None).distinct().count()


def _transactions_read(sql: str) -> int:
    """How many rows of transactions running `sql` reads (those its filters then drop too)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql.replace('%', '%%')}", [])
        analyzed = cursor.fetchone()[0][0]["Plan"]
    return sum(
        (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
        for node in _reads(analyzed, TRANSACTIONS)
    )


def test_the_boards_count_and_pages_read_the_transactions_with_steps_to_do_by_key(leader, backlog):
    """The due work is found in the steps' partial index and each of its transactions read by
    its key: neither the count nor a page hashes the partnership's 13,000 closes to find the
    400 with a step to do."""
    assert 300 < backlog < 500
    board = post_close_board(leader, open_only=True)
    with CaptureQueriesContext(connection) as counted:
        assert board.count() == backlog
    (count_sql,) = [q["sql"] for q in counted]
    assert _transactions_read(count_sql) == backlog
    everything = post_close_board(leader)
    assert everything.count() == 13334
    # The first page, one deep in the due work, the one where the finished ones begin, and the
    # first of them: the due work's transactions and a page of the finished ones at most.
    pages = [(board, 0), (board, backlog - 10), (everything, backlog - 10), (everything, backlog)]
    for shown, start in pages:
        with CaptureQueriesContext(connection) as read:
            assert len(shown[start : start + 25]) == min(25, shown.count() - start)
        sql = read.captured_queries[0]["sql"]  # then their steps
        assert _transactions_read(sql) <= 2 * backlog + 2 * 25
        assert indexes_read(sql.replace("%", "%%"), TRANSACTIONS) <= {
            "leads_transaction_pkey",
            "leads_trans_partner_41bde5_idx",
        }


def test_leaderships_post_close_counts_read_the_transactions_with_steps_to_do_by_key(
    leader, backlog
):
    """The dashboard's post-close panel counts the steps to do the same way: their transactions
    by key, not every close of the partnership hashed."""
    with CaptureQueriesContext(connection) as counted:
        counts = post_close_counts(leader, now=timezone.now())
    assert counts.interactions > 0
    (sql,) = [q["sql"] for q in counted]
    assert _transactions_read(sql) <= 2 * backlog


# --- A member's list page and search at a real size --------------------------------------------

LEADS = Lead._meta.db_table
SHARE = 300


@pytest.fixture
def customers(partnership, member, other_in_partnership):
    """20,000 transactions of another member and SHARE of the member's, each with its own
    customer, all of them named "Customer n"."""
    grow(
        LEADS,
        f"""
        INSERT INTO {LEADS} (partnership_id, name, email, phone, need, timeframe, channel, utm,
            consented_at, created_at, last_submitted_at)
        SELECT %s, 'Customer ' || n, 'customer-' || n || '@example.com', '', 'buy', 'now',
            'online_form', '{{}}', now(), now() - n * interval '1 hour', now()
        FROM generate_series(1, 20000 + %s) AS n
        """,
        [partnership.pk, SHARE],
    )
    grow(
        TRANSACTIONS,
        f"""
        INSERT INTO {TRANSACTIONS} (partnership_id, lead_id, kind, property_address, stage,
            created_at, customer_link_version, opened_by_id)
        SELECT partnership_id, id, 'buy', id || ' Main St', 'opened', created_at, 1,
            CASE WHEN id %% 67 = 0 THEN %s ELSE %s END
        FROM {LEADS} WHERE partnership_id = %s
        """,
        [member.pk, other_in_partnership.pk, partnership.pk],
    )
    grow(
        SEATS,
        f"""
        INSERT INTO {SEATS} (partnership_id, transaction_id, member_id, role, added_at)
        SELECT partnership_id, id, opened_by_id, '', created_at FROM {TRANSACTIONS}
        WHERE partnership_id = %s
        """,
        [partnership.pk],
    )
    return TeamMember.objects.filter(member=member).count()


def _page_query(client, path: str) -> str:
    """The SQL of the query that reads the list page's rows with their customers (its literals'
    `%` escaped, to run without parameters)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    # The only one reading the customer's phone (a column no search nor filter uses).
    (sql,) = [q["sql"] for q in queries if '"leads_lead"."phone"' in q["sql"]]
    return sql.replace("%", "%%")


def _reads(node: dict, table: str) -> list[dict]:
    found = [node] if node.get("Relation Name") == table else []
    for child in node.get("Plans", ()):
        found += _reads(child, table)
    return found


def test_a_members_list_page_reads_the_customers_of_its_own_rows_only(
    partnership, member, customers
):
    assert customers >= SHARE - 10
    client = client_for(partnership, member)
    for path in ("/transactions/", "/transactions/?page=3"):
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {_page_query(client, path)}", [])
            analyzed = cursor.fetchone()[0][0]["Plan"]
        reads = _reads(analyzed, LEADS)
        assert sum(n["Actual Rows"] * n["Actual Loops"] for n in reads) == 25, path


def test_a_members_search_reaches_customers_by_primary_key_from_their_own_transactions(
    partnership, member, customers
):
    """Every customer matches "customer": the search still reads the member's share, and the
    leads only by id, never through a scan of the matching leads of the partnership."""
    rows = selectors.transactions_matching(member, q="customer")
    assert rows.count() == customers
    sql = _page_query(client_for(partnership, member), "/transactions/?q=customer")
    for query in (rows, rows.order_by().values("pk"), sql):
        assert_no_sequential_scan(query, [TRANSACTIONS, SEATS, LEADS])
        assert {node.get("Index Name") for node in _reads(plan(query), LEADS)} <= {
            "leads_lead_pkey"
        }
