"""Grow one partnership's transactions and inner circles by SQL, for measuring their pages.

    DATABASE_URL=... .venv/bin/python bench/grow_lists.py --slug pinnacle \
        --member agent@pinnacle.localhost --transactions 2000 --member-transactions 1000 \
        --contacts 3000 --member-contacts 300 --outbox 100000

Additive: each run appends rows (numbered after the ones a previous run made), so a page can be
timed at a small partnership, then again after a second run that adds only other members' rows
(`--member-transactions 0 --member-contacts 0`): the member's share stays the same while the
partnership grows. Transactions get a two-seat team, three timeline entries and, once closed,
their three post-close steps; contacts get a yearly touch plan (a third of them), interactions,
and for allied resources referrals and client ratings; the outbox gets rows about leads,
transactions and contacts. Run against a throwaway database (the demo seed plus this), never a
real one.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pinnacle.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from advocates.models import Contact, PlanTemplate  # noqa: E402
from leads.models import Lead  # noqa: E402
from members.models import Member  # noqa: E402
from pinnacle.models import Partnership  # noqa: E402
from transactions.models import Transaction  # noqa: E402


def run(sql: str, params: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def next_number(table: str, column: str, prefix: str) -> int:
    """The first number after those a previous run gave (`prefix` + n in `column`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(max(substring({column} from %s)::int), 0) FROM {table} "
            f"WHERE {column} LIKE %s",
            [f"^{prefix}([0-9]+)", prefix + "%"],
        )
        return cursor.fetchone()[0] + 1


def grow_transactions(p: dict, count: int, member_share: int) -> None:
    """`count` transactions (the member on the team of every count/member_share-th one)."""
    if not count:
        return
    start = next_number("leads_lead", "email", "bench-lead-")
    p = {
        **p,
        "s": start,
        "e": start + count - 1,
        "every": count // member_share if member_share else 0,
    }
    run(
        """
        INSERT INTO leads_lead (partnership_id, name, email, phone, need, timeframe, channel, utm,
            consented_at, created_at, last_submitted_at, referring_member_id)
        SELECT %(p)s, 'Bench Customer ' || n, 'bench-lead-' || n || '@example.com', '', 'buy',
            'now', 'online_form', '{}', now(), now() - interval '3 years' * random(), now(),
            (%(others)s)[1 + n %% array_length(%(others)s, 1)]
        FROM generate_series(%(s)s, %(e)s) AS n
        """,
        p,
    )
    run(
        """
        INSERT INTO leads_transaction (partnership_id, lead_id, kind, property_address,
            expected_close_on, value, stage, created_at, stage_changed_at, closed_on,
            customer_link_version, leader_id, opened_by_id, referral_member_id)
        SELECT %(p)s, l.id, (ARRAY['buy','sell','refinance','other'])[1 + n %% 4],
            n || ' Bench Street', (l.created_at + interval '60 days')::date, 350000 + n,
            CASE WHEN n %% 10 < 4 THEN 'closed' WHEN n %% 10 = 4 THEN 'fell_through'
                 WHEN n %% 10 < 8 THEN 'under_contract' ELSE 'opened' END,
            l.created_at, l.created_at + interval '30 days',
            CASE WHEN n %% 10 < 4 THEN (l.created_at + interval '45 days')::date END,
            1, l.referring_member_id, l.referring_member_id, l.referring_member_id
        FROM leads_lead l, LATERAL (SELECT substring(l.email from '[0-9]+')::int AS n) AS x
        WHERE l.partnership_id = %(p)s AND l.email LIKE 'bench-lead-%%'
          AND n BETWEEN %(s)s AND %(e)s
        """,
        p,
    )
    bench = """
        FROM leads_transaction t JOIN leads_lead l ON l.id = t.lead_id,
             LATERAL (SELECT substring(l.email from '[0-9]+')::int AS n) AS x
        WHERE t.partnership_id = %(p)s AND l.email LIKE 'bench-lead-%%'
          AND n BETWEEN %(s)s AND %(e)s
    """
    # Seat one: the leader (the lead's referring member); seat two: the member, or another.
    run(
        "INSERT INTO leads_teammember (partnership_id, transaction_id, member_id, role, added_at) "
        "SELECT %(p)s, t.id, t.leader_id, 'Agent', t.created_at" + bench,
        p,
    )
    second = (
        "CASE WHEN %(every)s > 0 AND n %% %(every)s = 0 THEN %(m)s "
        "ELSE (%(others)s)[1 + (n / 7) %% array_length(%(others)s, 1)] END"
    )
    run(
        "INSERT INTO leads_teammember (partnership_id, transaction_id, member_id, role, added_at) "
        f"SELECT %(p)s, t.id, {second}, 'Lender', t.created_at + interval '1 hour'"
        + bench
        + f" AND t.leader_id <> {second}",
        p,
    )
    run(
        "INSERT INTO leads_transactionevent (partnership_id, transaction_id, kind, actor_id,"
        " summary, body, shared_with_customer, created_at) "
        "SELECT %(p)s, t.id, k.kind, t.leader_id, k.summary, '', false, t.created_at + k.after"
        + bench.replace(
            "WHERE",
            ", (VALUES ('opened', 'Transaction opened', interval '0'), "
            "('team', 'A member joined the team', interval '1 hour'), "
            "('stage', 'Stage changed', interval '30 days')) AS k(kind, summary, after) WHERE",
        ),
        p,
    )
    run(
        "INSERT INTO leads_postclosestep (partnership_id, transaction_id, kind, due_at, remind_at,"
        " completed_at, completed_by_id) "
        "SELECT %(p)s, t.id, k.kind, t.closed_on + k.due, t.closed_on + k.due - interval '1 day', "
        "CASE WHEN t.closed_on < now() - interval '60 days' "
        "THEN t.closed_on + k.due - interval '1 hour' END, "
        "CASE WHEN t.closed_on < now() - interval '60 days' THEN t.leader_id END"
        + bench.replace(
            "WHERE",
            ", (VALUES ('handoff', interval '2 days'), ('letter', interval '7 days'), "
            "('interaction', interval '30 days')) AS k(kind, due) WHERE",
        )
        + " AND t.stage = 'closed'",
        p,
    )


def grow_contacts(p: dict, count: int, member_share: int, yearly: int) -> None:
    """`count` contacts, `member_share` of them the member's; a third on the yearly plan."""
    if not count:
        return
    start = next_number("advocates_contact", "email", "bench-contact-")
    p = {**p, "s": start, "e": start + count - 1, "share": member_share, "yearly": yearly}
    run(
        """
        INSERT INTO advocates_contact (partnership_id, owner_id, segment, name, email, phone,
            company, service, mailing_address, family, hobbies, interests, notes, service_rating,
            frequency_points, reciprocal_points, appreciation_points, strength, created_at,
            updated_at)
        SELECT %(p)s,
            CASE WHEN n - %(s)s < %(share)s THEN %(m)s
                 ELSE (%(others)s)[1 + n %% array_length(%(others)s, 1)] END,
            (ARRAY['allied_resources', 'advocates', 'core_advocates', 'advocates',
                   'advocates'])[1 + n %% 5],
            'Bench Contact ' || n, 'bench-contact-' || n || '@example.com', '',
            'Company ' || (n %% 500), (ARRAY['', 'Inspection', 'Title', 'Insurance'])[1 + n %% 4],
            '', '', '', '', '', CASE WHEN n %% 5 = 0 THEN 1 + n %% 10 END,
            n %% 100, (n * 7) %% 100, (n * 3) %% 100, ((n * 13) %% 10000) / 100.0,
            now() - interval '2 years' * random(), now()
        FROM generate_series(%(s)s, %(e)s) AS n
        """,
        p,
    )
    bench = """
        FROM advocates_contact c, LATERAL (SELECT substring(c.email from '[0-9]+')::int AS n) AS x
        WHERE c.partnership_id = %(p)s AND c.email LIKE 'bench-contact-%%'
          AND n BETWEEN %(s)s AND %(e)s
    """
    run(
        "INSERT INTO advocates_enrollment (partnership_id, contact_id, owner_id, template_id, kind,"
        " starts_on, ends_on, created_at) SELECT %(p)s, c.id, c.owner_id, %(yearly)s, 'yearly', "
        "(now() - interval '100 days')::date, (now() + interval '265 days')::date, now()"
        + bench
        + " AND n %% 3 = 0",
        p,
    )
    run(
        "INSERT INTO advocates_touch (partnership_id, enrollment_id, contact_id, owner_id, kind,"
        " title, is_email, due_on, done_at) "
        "SELECT %(p)s, e.id, e.contact_id, e.owner_id, s.kind, s.title, s.is_email, "
        "e.starts_on + s.day, CASE WHEN e.starts_on + s.day < now() - interval '3 days' THEN "
        "(e.starts_on + s.day)::timestamptz END "
        "FROM advocates_enrollment e JOIN advocates_planstep s ON s.template_id = e.template_id "
        "JOIN advocates_contact c ON c.id = e.contact_id, "
        "LATERAL (SELECT substring(c.email from '[0-9]+')::int AS n) AS x "
        "WHERE e.partnership_id = %(p)s AND c.email LIKE 'bench-contact-%%' "
        "AND n BETWEEN %(s)s AND %(e)s",
        p,
    )
    run(
        "INSERT INTO advocates_interaction (partnership_id, contact_id, owner_id, kind,"
        " occurred_at, summary, created_at) SELECT %(p)s, c.id, c.owner_id, 'call', "
        "now() - interval '300 days' * random(), 'Called', now()"
        + bench.replace("WHERE", ", generate_series(1, 3) AS k WHERE"),
        p,
    )
    run(
        "INSERT INTO advocates_referral (partnership_id, contact_id, owner_id, direction,"
        " person_name, person_email, person_phone, stage, untold_stage, quality, received_on,"
        " note, created_at) SELECT %(p)s, c.id, c.owner_id, "
        "(ARRAY['received','sent'])[1 + (n + k) %% 2], 'Referred ' || n, '', '', 'new', '', '', "
        "(now() - interval '200 days' * random())::date, '', now()"
        + bench.replace("WHERE", ", generate_series(1, 2) AS k WHERE")
        + " AND c.segment = 'allied_resources'",
        p,
    )
    run(
        "INSERT INTO advocates_servicerecord (partnership_id, contact_id, happened_on, service,"
        " feedback, client_rating, created_at) SELECT %(p)s, c.id, "
        "(now() - interval '200 days' * random())::date, 'Inspection', '', 1 + n %% 10, now()"
        + bench
        + " AND c.segment = 'allied_resources'",
        p,
    )


def grow_outbox(p: dict, count: int) -> None:
    """`count` sent emails about leads, transactions and contacts of the partnership."""
    if not count:
        return
    start = next_number("mail_outboxmessage", "idempotency_key", "bench-mail-")
    types = [ContentType.objects.get_for_model(m).pk for m in (Lead, Transaction, Contact)]
    run(
        """
        INSERT INTO mail_outboxmessage (partnership_id, idempotency_key, template, category,
            to_email, from_email, reply_to, subject, body_text, body_html, headers, status,
            status_reason, attempts, last_error, esp_message_id, created_at, sent_at,
            content_type_id, object_id)
        SELECT %(p)s, 'bench-mail-' || n, 'leads/welcome', 'transactional',
            'bench-' || n || '@example.com', 'f@example.com', '', 'Welcome', 'Hello', '', '{}',
            'sent', '', 1, '', '', now() - interval '2 years' * random(), now(),
            (%(types)s)[1 + n %% 3], 1000000 + n
        FROM generate_series(%(s)s, %(e)s) AS n
        """,
        {**p, "s": start, "e": start + count - 1, "types": types},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slug", default="pinnacle")
    parser.add_argument("--member", default="agent@pinnacle.localhost")
    parser.add_argument("--transactions", type=int, default=0)
    parser.add_argument("--member-transactions", type=int, default=0)
    parser.add_argument("--contacts", type=int, default=0)
    parser.add_argument("--member-contacts", type=int, default=0)
    parser.add_argument("--outbox", type=int, default=0)
    args = parser.parse_args()
    partnership = Partnership.objects.get(slug=args.slug)
    member = Member.objects.get(partnership=partnership, user__email=args.member)
    others = list(
        Member.objects.filter(partnership=partnership, is_active=True)
        .exclude(pk=member.pk)
        .exclude(role=Member.Role.LEADERSHIP)
        .values_list("pk", flat=True)
    )
    yearly = PlanTemplate.objects.get(partnership=partnership, kind="yearly").pk
    p = {"p": partnership.pk, "m": member.pk, "others": others}
    started = time.monotonic()
    with transaction.atomic():
        grow_transactions(p, args.transactions, args.member_transactions)
        grow_contacts(p, args.contacts, args.member_contacts, yearly)
        grow_outbox(p, args.outbox)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"grown in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
