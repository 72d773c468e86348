"""Leads as the intake makes them: the lead, its submission (a second one for one lead in ten),
and for the online form an inquiry with its reply deadline, answered or (recently) still open.

Lead n has id `b_leads + n`; leads 0 … bench_leads-1 are the bench member's (member 0 referred
them). Three quarters of the others name a listed member; the rest came in unassigned.
"""

from __future__ import annotations

from bench.seed.sql import Tenant, execute, pick, reserve, u, word
from bench.seed.words import AREA_CODES, CONTACT_MESSAGES, FIRST_NAMES, SURNAMES
from leads.models import Inquiry, InquiryResponse, Lead, Submission

# Weighted by repetition: most prospects arrive on the website.
CHANNELS = (
    ["website"] * 10
    + ["facebook"] * 3
    + ["instagram"] * 2
    + ["search"] * 2
    + [
        "email",
        "linkedin",
        "youtube",
        "tiktok",
        "x",
        "other",
    ]
)
# The utm_source each channel was read from (leads.services.intake.channel_for maps it back).
SOURCES = {
    "facebook": "facebook",
    "instagram": "instagram",
    "search": "google",
    "email": "newsletter",
    "linkedin": "linkedin",
    "youtube": "youtube",
    "tiktok": "tiktok",
    "x": "twitter",
    "other": "partner-blog",
}
NEEDS = ["buy"] * 4 + ["sell"] * 2 + ["refinance", "invest", "other"]
TIMEFRAMES = ["now", "3m", "3m", "6m", "6m", "12m", "later", "browsing"]


def second_submissions(tenant: Tenant) -> int:
    """Leads n with n mod 10 = 3 submitted twice."""
    return (tenant.counts["leads"] + 6) // 10


def seed_leads(tenant: Tenant) -> int:
    tenant.base["leads"] = reserve(Lead, tenant.counts["leads"])
    tenant.base["subs"] = reserve(Submission, tenant.counts["leads"])
    tenant.base["subs2"] = reserve(Submission, second_submissions(tenant))
    params = tenant.params()
    _leads(params)
    rows = _submissions(params)
    rows += _inquiries(params)
    return rows + tenant.counts["leads"]


def _leads(params: dict) -> None:
    referrer = (
        f"(CASE WHEN n < %(n_bench_leads)s THEN %(b_members)s "
        f"WHEN {u('n', 31)} < 0.75 THEN {pick('ids_referrers', 'n', 32)} END)"
    )
    created = (
        f"(%(now)s::timestamptz - interval '2 hours' - interval '1 day' * 1095 * {u('n', 33)})"
    )
    source = (
        "(CASE channel " + " ".join(f"WHEN '{c}' THEN '{s}'" for c, s in SOURCES.items()) + " END)"
    )
    phone = (
        f"(CASE WHEN {u('n', 37)} < 0.85 THEN '(' || {word(AREA_CODES, 'n', 38)} || ') ' "
        f"|| (200 + mod(n * 7, 800)) || '-' || lpad(mod(n * 7919, 10000)::text, 4, '0') "
        f"ELSE '' END)"
    )
    execute(
        f"""
        INSERT INTO {Lead._meta.db_table} (id, partnership_id, name, email, phone, need, timeframe,
            referring_member_id, channel, utm, consented_at, created_at, last_submitted_at)
        SELECT %(b_leads)s + n, %(p)s, first || ' ' || last,
               lower(first || '.' || last || '.' || (%(pnum)s * 10000000 + n) || '@example.com'),
               {phone}, {word(NEEDS, "n", 39)}, {word(TIMEFRAMES, "n", 40)}, {referrer}, channel,
               CASE WHEN channel = 'website' THEN '{{}}'::jsonb ELSE jsonb_build_object(
                   'utm_source', {source}, 'utm_medium', 'social',
                   'utm_campaign', 'spring-open-house') END,
               CASE WHEN {u("n", 41)} < 0.7 THEN created END, created,
               CASE WHEN mod(n, 10) = 3
                    THEN created
                         + (%(now)s::timestamptz - interval '1 hour' - created) * {u("n", 42)}
                    ELSE created END
        FROM generate_series(0, %(n_leads)s - 1) AS n,
        LATERAL (SELECT {word(FIRST_NAMES, "n", 35)} AS first, {word(SURNAMES, "n", 36)} AS last,
                        {word(CHANNELS, "n", 43)} AS channel, {created} AS created) AS x
        """,
        params,
    )


def _submissions(params: dict) -> int:
    """Each lead's first form (four in ten the online form, with a message), and the second
    form of one lead in ten, which names the same member half of the time."""
    columns = """(id, partnership_id, lead_id, form, name, phone, need, timeframe, message,
        named_referrer_id, channel, utm, consent, ip_address, created_at)"""
    message = word(CONTACT_MESSAGES, "n", 45)
    first = execute(
        f"""
        INSERT INTO {Submission._meta.db_table} {columns}
        SELECT %(b_subs)s + n, %(p)s, l.id, form, l.name, l.phone, l.need, l.timeframe,
               CASE WHEN form = 'contact' THEN {message} ELSE '' END, l.referring_member_id,
               l.channel, l.utm, l.consented_at IS NOT NULL,
               ('198.51.100.' || (1 + mod(n, 250)))::inet, l.created_at
        FROM generate_series(0, %(n_leads)s - 1) AS n
        JOIN {Lead._meta.db_table} l ON l.id = %(b_leads)s + n,
        LATERAL (SELECT CASE WHEN {u("n", 44)} < 0.4 THEN 'contact' ELSE 'join' END AS form) f
        """,
        params,
    )
    second = execute(
        f"""
        INSERT INTO {Submission._meta.db_table} {columns}
        SELECT %(b_subs2)s + n / 10, %(p)s, l.id, form, l.name, l.phone, l.need, l.timeframe,
               CASE WHEN form = 'contact' THEN {message} ELSE '' END,
               CASE WHEN {u("n", 46)} < 0.5 THEN l.referring_member_id END,
               l.channel, l.utm, l.consented_at IS NOT NULL,
               ('198.51.100.' || (1 + mod(n, 250)))::inet, l.last_submitted_at
        FROM generate_series(3, %(n_leads)s - 1, 10) AS n
        JOIN {Lead._meta.db_table} l ON l.id = %(b_leads)s + n,
        LATERAL (SELECT CASE WHEN {u("n", 47)} < 0.5 THEN 'contact' ELSE 'join' END AS form) f
        """,
        params,
    )
    return first + second


def _inquiries(params: dict) -> int:
    """The online form's inquiry for each lead's first contact form (one per lead, so never two
    open to one addressee): answered, in time nine times in ten, unless it came in the last
    three days, when half still wait. The sweep has seen every deadline that passed."""
    answer = (
        f"s.created_at + interval '1 hour' * CASE WHEN {u('s.id', 51)} < 0.9 "
        f"THEN 1 + 18 * {u('s.id', 52)} ELSE 26 + 40 * {u('s.id', 52)} END"
    )
    inquiries = execute(
        f"""
        INSERT INTO {Inquiry._meta.db_table} (partnership_id, lead_id, member_id, submission_id,
            message, created_at, due_at, remind_at, reminded_at, escalated_at, responded_at)
        SELECT %(p)s, s.lead_id, s.named_referrer_id, s.id, s.message, s.created_at, due, remind,
               CASE WHEN coalesce(answered, %(now)s) > remind THEN remind + interval '1 minute' END,
               CASE WHEN coalesce(answered, %(now)s) > due THEN due + interval '1 minute' END,
               answered
        FROM {Submission._meta.db_table} s,
        LATERAL (SELECT s.created_at + interval '24 hours' AS due,
                        s.created_at + interval '20 hours' AS remind) d,
        LATERAL (SELECT CASE WHEN {answer} < %(now)s AND (s.created_at < %(now)s - interval '3 days'
                             OR {u("s.id", 53)} < 0.5) THEN {answer} END AS answered) a
        WHERE s.partnership_id = %(p)s AND s.form = 'contact'
          AND s.id BETWEEN %(b_subs)s AND %(b_subs)s + %(n_leads)s - 1
        """,
        params,
    )
    responses = execute(
        f"""
        INSERT INTO {InquiryResponse._meta.db_table} (partnership_id, inquiry_id, member_id, kind,
            body, follow_up_on, created_at)
        SELECT %(p)s, q.id, coalesce(q.member_id, {pick("ids_leaders", "q.id", 54)}), 'reply',
               'Thank you for reaching out! I would be glad to help. When is a good time to talk?',
               NULL, q.responded_at
        FROM {Inquiry._meta.db_table} q
        WHERE q.partnership_id = %(p)s AND q.responded_at IS NOT NULL
        """,
        params,
    )
    return inquiries + responses
