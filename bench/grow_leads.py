"""Grow one partnership of a seeded database to a real partnership's size for the leads pages.

    DATABASE_URL=... SECRET_KEY=x .venv/bin/python bench/grow_leads.py [--leads 150000]

Run after `seed_demo`, in a database of your own (the rows stay: they are what
`bench/leads_pages.py` measures). Adds, with SQL only (under a minute), to the demo's first
partnership: LEADS leads spread over the last two years, each with a submission and two outbox
emails (the welcome and the referrer's notice, filed against the lead); MINE of them referred by
the demo agent, who made two attempts on three quarters of those and has an inquiry on a quarter;
about 20,000 attempts by the other members. Names repeat as in life ("Alex Smith"), emails and
phones do not.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pinnacle.settings")

import django

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from leads.models import Lead  # noqa: E402
from members.models import Member  # noqa: E402

FIRST = (
    "Alex Sam Jordan Taylor Morgan Casey Riley Jamie Avery Quinn Drew Blake Cameron Reese Parker "
    "Rowan Emerson Hayden Kendall Logan"
)
LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Moore Jackson Martin Lee Perez Thompson White Harris Clark"
)


def grow(partnership_id: int, agent_id: int, lead_count: int, mine: int) -> None:
    """Long because it is one script of SQL statements, each one table's growth."""
    lead_type = ContentType.objects.get_for_model(Lead).pk
    members = list(
        Member.objects.filter(partnership_id=partnership_id)
        .exclude(pk=agent_id)
        .values_list("pk", flat=True)
    )
    first = "ARRAY[" + ",".join(f"'{w}'" for w in FIRST.split()) + "]"
    last = "ARRAY[" + ",".join(f"'{w}'" for w in LAST.split()) + "]"
    others = "ARRAY[" + ",".join(str(m) for m in members) + "]"
    p = partnership_id
    steps = [
        f"""
        INSERT INTO leads_lead (partnership_id, name, email, phone, need, timeframe, channel, utm,
            consented_at, created_at, last_submitted_at, referring_member_id)
        SELECT {p}, ({first})[1 + n % 20] || ' ' || ({last})[1 + (n / 20) % 25],
            'bench' || n || '@leads.example.com',
            CASE WHEN n % 4 = 0 THEN '' ELSE '(' || (200 + n % 800) || ') 555-'
                || lpad(((n / 800) % 10000)::text, 4, '0') END,
            (ARRAY['buy','sell','refinance','invest','other'])[1 + n % 5],
            (ARRAY['now','3m','6m','12m','later','browsing'])[1 + n % 6],
            (ARRAY['website','facebook','instagram','search','email'])[1 + n % 5], '{{}}',
            now() - n * interval '7 minutes', now() - n * interval '7 minutes',
            now() - n * interval '6 minutes',
            CASE WHEN n % {lead_count // mine} = 0 THEN {agent_id}
                 WHEN n % 10 = 1 THEN NULL
                 ELSE ({others})[1 + n % {len(members)}] END
        FROM generate_series(1, {lead_count}) AS n
        """,
        f"""
        INSERT INTO leads_submission (partnership_id, lead_id, form, name, phone, need, timeframe,
            message, channel, utm, consent, created_at, named_referrer_id)
        SELECT partnership_id, id, 'join', name, phone, need, timeframe, '', channel, '{{}}',
            true, created_at, referring_member_id
        FROM leads_lead WHERE partnership_id = {p} AND email LIKE 'bench%%'
        """,
        f"""
        INSERT INTO mail_outboxmessage (partnership_id, idempotency_key, template, category,
            to_email, from_email, reply_to, subject, body_text, body_html, headers, status,
            status_reason, attempts, last_error, esp_message_id, created_at, content_type_id,
            object_id, sent_at)
        SELECT l.partnership_id, kind || ':lead:' || l.id, 'leads/' || kind, 'transactional',
            l.email, 'Pinnacle <hello@example.com>', '', 'Welcome to Pinnacle', 'Hello',
            '<p>Hello</p>', '{{}}', 'sent', '', 1, '', '', l.created_at, {lead_type}, l.id,
            l.created_at
        FROM leads_lead l, unnest(ARRAY['welcome', 'referrer_notice']) AS kind
        WHERE l.partnership_id = {p} AND l.email LIKE 'bench%%'
        """,
        f"""
        INSERT INTO outreach_outreachpair (partnership_id, member_id, lead_id, created_at)
        SELECT partnership_id, {agent_id}, id, created_at FROM (
            SELECT *, row_number() OVER (ORDER BY id) AS k FROM leads_lead
            WHERE partnership_id = {p} AND referring_member_id = {agent_id}
              AND email LIKE 'bench%%') AS mine
        WHERE k % 4 <> 0
        UNION ALL
        SELECT partnership_id, ({others})[1 + id % {len(members)}], id, created_at
        FROM leads_lead WHERE partnership_id = {p} AND email LIKE 'bench%%'
            AND id % 15 = 0 AND referring_member_id IS DISTINCT FROM {agent_id}
        ON CONFLICT DO NOTHING
        """,
        f"""
        INSERT INTO outreach_attempt (partnership_id, pair_id, member_id, lead_id, channel, outcome,
            note, was_cold, made_at)
        SELECT pair.partnership_id, pair.id, pair.member_id, pair.lead_id,
            CASE WHEN k = 1 THEN 'portal_email' ELSE 'call' END,
            CASE WHEN k = 1 THEN '' ELSE 'voicemail' END, '', true,
            now() - ((pair.id % 60) * interval '1 day') - k * interval '3 hours'
        FROM outreach_outreachpair pair, generate_series(1, 2) AS k
        WHERE pair.partnership_id = {p}
          AND NOT EXISTS (SELECT 1 FROM outreach_attempt a WHERE a.pair_id = pair.id)
        """,
        f"""
        INSERT INTO leads_inquiry (partnership_id, lead_id, member_id, message, created_at, due_at,
            remind_at, responded_at)
        SELECT partnership_id, id, {agent_id}, 'Can we talk?', created_at,
            created_at + interval '24 hours', created_at + interval '20 hours',
            created_at + interval '2 hours'
        FROM leads_lead WHERE partnership_id = {p} AND referring_member_id = {agent_id}
            AND email LIKE 'bench%%' AND id % 4 = 1
        """,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in steps:
            started = time.monotonic()
            cursor.execute(sql)
            spent = time.monotonic() - started
            print(f"{cursor.rowcount:>8} rows  {spent:5.1f}s  {sql.split()[2]}")
    with connection.cursor() as cursor:
        for table in [
            "leads_lead",
            "leads_submission",
            "mail_outboxmessage",
            "outreach_attempt",
            "outreach_outreachpair",
            "leads_inquiry",
        ]:
            cursor.execute(f"VACUUM ANALYZE {table}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--partnership", default="pinnacle")
    parser.add_argument("--agent", default="agent@pinnacle.localhost")
    parser.add_argument("--leads", type=int, default=150_000)
    parser.add_argument("--mine", type=int, default=2_000)
    args = parser.parse_args()
    agent = Member.objects.select_related("partnership").get(
        user__email=args.agent, partnership__slug=args.partnership
    )
    grow(agent.partnership_id, agent.pk, args.leads, args.mine)


if __name__ == "__main__":
    main()
