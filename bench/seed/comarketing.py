"""Co-marketing connections: each lender's invitations, in every status the seed names.

Connection c belongs to lender `c mod lenders`; while lender and partner pairs last, an active one
is with agent `(c / lenders) mod agents`, agent 0 being the bench member, so each pair is one
live connection. The others are invitations to outside addresses, a few deleted.
"""

from __future__ import annotations

from bench.seed.sql import Tenant, execute, reserve, u
from comarketing.models import Connection
from members.models import Member, User


def seed_comarketing(tenant: Tenant) -> int:
    tenant.base["connections"] = reserve(Connection, tenant.counts["connections"])
    partners = [tenant.base["members"], *tenant.members["agents"]]
    params = tenant.params(
        ids_partners=partners, n_pairs=len(partners) * len(tenant.members["lenders"])
    )
    n_lenders = "cardinality(%(ids_lenders)s::bigint[])"
    drawn = f"""(CASE WHEN {u("c", 91)} < 0.5 THEN 'active'
        WHEN {u("c", 91)} < 0.6 THEN 'link_clicked'
        WHEN {u("c", 91)} < 0.75 THEN 'opened' WHEN {u("c", 91)} < 0.95 THEN 'delivered'
        ELSE 'not_delivered' END)"""
    status = (
        f"(CASE WHEN {drawn} = 'active' AND c >= %(n_pairs)s THEN 'delivered' ELSE {drawn} END)"
    )
    partner = (
        f"(%(ids_partners)s::bigint[])"
        f"[1 + mod(c / {n_lenders}, cardinality(%(ids_partners)s::bigint[]))]"
    )
    return execute(
        f"""
        INSERT INTO {Connection._meta.db_table} (id, partnership_id, lender_id, partner_id, email,
            status, status_reason, token, message_id, prefill, invited_by_id, invited_at,
            link_clicked_at, accepted_at, deleted_at, pending_reminders_sent,
            profile_reminders_sent)
        SELECT %(b_connections)s + c, %(p)s, lender.id, partner.id,
               coalesce(pu.email, 'invitee' || c || '.' || %(pnum)s || '@example.org'), x.status,
               '', md5('bench:' || %(p)s || ':' || c) || md5(c || ':' || %(p)s), NULL, '{{}}',
               lender.user_id, x.invited,
               CASE WHEN x.status IN ('link_clicked', 'active')
                    THEN x.invited + interval '1 day' END,
               CASE WHEN x.status = 'active' THEN x.invited + interval '2 days' END,
               CASE WHEN {u("c", 92)} < 0.03 AND x.invited + interval '10 days' < %(now)s
                    THEN x.invited + interval '10 days' END,
               CASE WHEN x.status = 'active' THEN 0
                    WHEN x.invited < %(now)s - interval '7 days' THEN 2
                    WHEN x.invited < %(now)s - interval '3 days' THEN 1 ELSE 0 END,
               CASE WHEN x.status = 'active' THEN floor(3 * {u("c", 94)})::int ELSE 0 END
        FROM generate_series(0, %(n_connections)s - 1) AS c
        CROSS JOIN LATERAL (SELECT {status} AS status,
                        %(now)s::timestamptz - interval '1 day' * 1095 * {u("c", 93)} AS invited) x
        JOIN {Member._meta.db_table} lender
          ON lender.id = (%(ids_lenders)s::bigint[])[1 + mod(c, {n_lenders})]
        LEFT JOIN {Member._meta.db_table} partner
          ON x.status = 'active' AND partner.id = {partner}
        LEFT JOIN {User._meta.db_table} pu ON pu.id = partner.user_id
        """,
        params,
    )
