"""Transactions with their team committees and timelines.

Transaction t has id `b_transactions + t`. The first `bench_transactions` are on the bench
member's own leads (they refer, so they lead the team); the rest on leads drawn from everyone's.
A transaction's age decides its stage: old ones closed (or fell through), recent ones opened
or under contract.
"""

from __future__ import annotations

from bench.seed.sql import Tenant, execute, pick, reserve, u
from leads.models import Lead
from members.models import Member
from transactions.models import TeamMember, Transaction, TransactionEvent

STAGE = f"""(CASE
    WHEN c.age > interval '120 days' THEN CASE WHEN {u("t", 73)} < 0.75 THEN 'closed'
                                            ELSE 'fell_through' END
    WHEN c.age > interval '30 days' THEN CASE WHEN {u("t", 73)} < 0.3 THEN 'closed'
                                           WHEN {u("t", 73)} < 0.8 THEN 'under_contract'
                                           ELSE 'opened' END
    ELSE CASE WHEN {u("t", 73)} < 0.6 THEN 'opened' ELSE 'under_contract' END END)"""
STREETS = "ARRAY['Oak Hollow Dr', 'Bluebonnet Ln', 'Ranch Road 12', 'Cypress Creek Rd', 'Elm St']"


def seed_transactions(tenant: Tenant) -> int:
    tenant.base["transactions"] = reserve(Transaction, tenant.counts["transactions"])
    params = tenant.params()
    lead = (
        "(CASE WHEN t < %(n_bench_transactions)s "
        "THEN %(b_leads)s + t * %(n_bench_leads)s / %(n_bench_transactions)s "
        f"ELSE %(b_leads)s + %(n_bench_leads)s + floor({u('t', 71)} "
        "* (%(n_leads)s - %(n_bench_leads)s))::bigint END)"
    )
    created = f"(l.created_at + (%(now)s::timestamptz - l.created_at) * (0.1 + 0.5 * {u('t', 72)}))"
    close = (
        f"(c.created + least(interval '30 days' + interval '60 days' * {u('t', 74)}, c.age * 0.9))"
    )
    rows = execute(
        f"""
        INSERT INTO {Transaction._meta.db_table} (id, partnership_id, lead_id, kind,
            property_address, expected_close_on, value, stage, referral_member_id, leader_id,
            opened_by_id, created_at, stage_changed_at, closed_on, customer_link_version)
        SELECT %(b_transactions)s + t, %(p)s, l.id,
               CASE WHEN l.need IN ('buy', 'sell', 'refinance') THEN l.need ELSE 'other' END,
               (100 + mod(t * 17, 9000)) || ' ' || ({STREETS})[1 + mod(t, 5)] || ', Austin, TX',
               (c.created + interval '45 days')::date,
               round((150000 + 850000 * {u("t", 75)})::numeric, -3),
               s.stage, l.referring_member_id, coalesce(l.referring_member_id, c.other),
               coalesce(l.referring_member_id, c.other), c.created,
               CASE s.stage WHEN 'opened' THEN NULL WHEN 'under_contract'
                    THEN c.created + c.age * 0.5 ELSE {close} END,
               CASE WHEN s.stage = 'closed' THEN ({close} AT TIME ZONE %(tz)s)::date END, 1
        FROM generate_series(0, %(n_transactions)s - 1) AS t
        JOIN {Lead._meta.db_table} l ON l.id = {lead},
        LATERAL (SELECT {created} AS created, %(now)s::timestamptz - {created} AS age,
                        {pick("ids_active", "t", 76)} AS other) c,
        LATERAL (SELECT {STAGE} AS stage) s
        """,
        params,
    )
    rows += _teams(params)
    rows += _events(params)
    return rows


def _teams(params: dict) -> int:
    """The referring member (the leader), the member who opened it when nobody referred the
    lead, and one or two colleagues; a colleague drawn twice sits once."""
    role = """CASE WHEN m.id = x.referral_member_id AND x.kind = 'sell' THEN 'Listing agent'
                   WHEN m.id = x.referral_member_id THEN 'Buyer''s agent'
                   WHEN m.kind = 'agent' THEN 'Co-agent'
                   WHEN m.kind = 'lender' THEN 'Lender'
                   ELSE initcap(replace(m.service_category, '_', ' ')) END"""
    return execute(
        f"""
        INSERT INTO {TeamMember._meta.db_table} (partnership_id, transaction_id, member_id, role,
            added_by_id, added_at)
        SELECT %(p)s, x.id, m.id, {role}, x.opened_by_id,
               x.created_at + interval '1 hour' * seat.j
        FROM {Transaction._meta.db_table} x,
        LATERAL (SELECT 0 AS j, x.opened_by_id AS member_id
                 UNION ALL
                 SELECT j, {pick("ids_active", "x.id * 4 + j", 77)}
                 FROM generate_series(1, 1 + floor(2 * {u("x.id", 78)})::int) AS j) seat
        JOIN {Member._meta.db_table} m ON m.id = seat.member_id
        WHERE x.partnership_id = %(p)s
        ON CONFLICT DO NOTHING
        """,
        params,
    )


def _events(params: dict) -> int:
    """Each transaction's own timeline: opened, each colleague added, each stage, a note."""
    table = TransactionEvent._meta.db_table
    columns = f"""INSERT INTO {table} (partnership_id, transaction_id, kind, actor_id, summary,
        body, shared_with_customer, created_at)"""
    rows = execute(
        f"""
        {columns}
        SELECT %(p)s, x.id, 'opened', x.opened_by_id, 'Opened the transaction', '', true,
               x.created_at
        FROM {Transaction._meta.db_table} x WHERE x.partnership_id = %(p)s
        UNION ALL
        SELECT %(p)s, tm.transaction_id, 'team', tm.added_by_id,
               'Added ' || m.display_name || ' (' || tm.role || ')', '', true, tm.added_at
        FROM {TeamMember._meta.db_table} tm JOIN {Member._meta.db_table} m ON m.id = tm.member_id
        WHERE tm.partnership_id = %(p)s AND tm.member_id <> tm.added_by_id
        UNION ALL
        SELECT %(p)s, x.id, 'stage', x.leader_id,
               'Stage changed to ' || CASE x.stage WHEN 'under_contract' THEN 'Under contract'
                   WHEN 'closed' THEN 'Closed' ELSE 'Fell through' END, '', true,
               x.stage_changed_at
        FROM {Transaction._meta.db_table} x
        WHERE x.partnership_id = %(p)s AND x.stage <> 'opened'
        UNION ALL
        SELECT %(p)s, x.id, 'note', x.leader_id, 'Note',
               'Inspection scheduled; the buyers asked about the roof and the HVAC age.', false,
               x.created_at + interval '3 days'
        FROM {Transaction._meta.db_table} x
        WHERE x.partnership_id = %(p)s AND {u("x.id", 79)} < 0.3
          AND x.created_at + interval '3 days' < %(now)s
        """,
        params,
    )
    return rows
