"""Inner circles: each member's contacts (the bench member's own `bench_contacts`), each with the
first row of its segment history; three in ten on the 33-touch yearly plan (six in ten of the
bench member's), recent ones on the 8-in-8 too, with their dated touches, done (and logged) up to
a few days ago; a communication log and, for allied resources, service records."""

from __future__ import annotations

from advocates.models import (
    CircleSettings,
    Contact,
    Enrollment,
    Interaction,
    PlanStep,
    PlanTemplate,
    SegmentChange,
    ServiceRecord,
    Touch,
)
from bench.seed.sql import Tenant, execute, pick, reserve, u, word
from bench.seed.words import AREA_CODES, FIRST_NAMES, SURNAMES
from members.models import Member

HOBBIES = ["golf", "gardening", "fishing", "pickleball", "cooking", "hiking", "live music"]
SERVICES = ["Home inspection", "Title & escrow", "Insurance", "Roofing", "Moving", "Staging"]
# The log entry a done touch leaves, by the touch's kind.
LOGGED_AS = """CASE t.kind WHEN 'phone_call' THEN 'call' WHEN 'handwritten_note' THEN 'note'
    WHEN 'gift' THEN 'gift' WHEN 'client_event' THEN 'event_invitation'
    ELSE CASE WHEN t.is_email THEN 'email' ELSE 'other' END END"""


def seed_circle(tenant: Tenant) -> int:
    tenant.base["contacts"] = reserve(Contact, tenant.counts["contacts"])
    templates = dict(
        PlanTemplate.objects.filter(partnership_id=tenant.pk).values_list("kind", "pk")
    )
    params = tenant.params(yearly=templates["yearly"], eight=templates["eight_by_eight"])
    rows = _contacts(params)
    rows += execute(
        f"""
        INSERT INTO {SegmentChange._meta.db_table} (partnership_id, contact_id, from_segment,
            to_segment, reason, changed_by_id, changed_at)
        SELECT %(p)s, c.id, '', c.segment, 'Added to the inner circle', c.created_by_id,
               c.created_at
        FROM {Contact._meta.db_table} c WHERE c.partnership_id = %(p)s
        """,
        params,
    )
    rows += _plans(params)
    rows += _logs(params)
    return rows


def _contacts(params: dict) -> int:
    owner = (
        "(CASE WHEN k < %(n_bench_contacts)s THEN %(b_members)s "
        f"ELSE {pick('ids_owners', 'k', 101)} END)"
    )
    segment = f"""(CASE WHEN {u("k", 104)} < 0.2 THEN 'allied_resources'
        WHEN {u("k", 104)} < 0.8 THEN 'advocates' ELSE 'core_advocates' END)"""
    points = [f"round((100 * {u('k', salt)})::numeric, 2)" for salt in (105, 106, 107)]
    return execute(
        f"""
        INSERT INTO {Contact._meta.db_table} (id, partnership_id, owner_id, linked_member_id,
            segment, name, email, phone, company, service, mailing_address, family, hobbies,
            interests, birthday, home_anniversary, notes, service_rating, frequency_points,
            reciprocal_points, appreciation_points, strength, score_due_on, created_by_id,
            created_at, updated_at)
        SELECT %(b_contacts)s + k, %(p)s, m.id, NULL, segment, first || ' ' || last,
               CASE WHEN {u("k", 108)} < 0.85 THEN lower(first || '.' || last || '.'
                   || (%(pnum)s * 10000000 + k) || '@example.net') ELSE '' END,
               '(' || {word(AREA_CODES, "k", 109)} || ') 555-'
                   || lpad(mod(k * 31, 10000)::text, 4, '0'),
               CASE WHEN segment = 'allied_resources' THEN last || ' Services' ELSE '' END,
               CASE WHEN segment = 'allied_resources' THEN {word(SERVICES, "k", 110)} ELSE '' END,
               (200 + mod(k, 800)) || ' Willow Bend, Austin, TX 787'
                   || lpad(mod(k, 100)::text, 2, '0'),
               '', {word(HOBBIES, "k", 111)}, 'Local schools and the farmers market',
               CASE WHEN {u("k", 112)} < 0.7
                    THEN date '1950-01-01' + floor(14600 * {u("k", 113)})::int END,
               CASE WHEN {u("k", 114)} < 0.5
                    THEN date '2000-01-01' + floor(8000 * {u("k", 115)})::int END,
               '',
               CASE WHEN segment = 'allied_resources' THEN 6 + floor(5 * {u("k", 116)})::int END,
               f, r, a, round(0.4 * f + 0.4 * r + 0.2 * a, 2),
               %(today)s::date + floor(365 * {u("k", 117)})::int, m.user_id, created, created
        FROM generate_series(0, %(n_contacts)s - 1) AS k
        JOIN {Member._meta.db_table} m ON m.id = {owner},
        LATERAL (SELECT {word(FIRST_NAMES, "k", 102)} AS first, {word(SURNAMES, "k", 103)} AS last,
                        {segment} AS segment, {points[0]} AS f, {points[1]} AS r, {points[2]} AS a,
                        %(now)s::timestamptz - interval '1 day' * 1095 * {u("k", 118)} AS created) x
        """,
        params,
    )


def _plans(params: dict) -> int:
    """Enrolments, then every enrolment's touches from its template's steps (each step on its
    day after the start), done a day or two after their date up to three days ago."""
    rows = execute(
        f"""
        INSERT INTO {Enrollment._meta.db_table} (partnership_id, contact_id, owner_id,
            template_id, kind, starts_on, ends_on, closed_at, created_by_id, created_at)
        SELECT %(p)s, c.id, c.owner_id, %(yearly)s, 'yearly', s.starts_on, s.starts_on + 364,
               NULL::timestamptz, c.created_by_id, greatest(c.created_at, s.starts_on::timestamptz)
        FROM {Contact._meta.db_table} c,
        LATERAL (SELECT greatest(%(today)s::date - floor(364 * {u("c.id", 121)})::int,
                                 (c.created_at AT TIME ZONE %(tz)s)::date) AS starts_on) s
        WHERE c.partnership_id = %(p)s
          AND {u("c.id", 122)} < CASE WHEN c.owner_id = %(b_members)s THEN 0.6 ELSE 0.3 END
        UNION ALL
        SELECT %(p)s, c.id, c.owner_id, %(eight)s, 'eight_by_eight', s.starts_on,
               s.starts_on + 55, NULL, c.created_by_id, c.created_at
        FROM {Contact._meta.db_table} c,
        LATERAL (SELECT (c.created_at AT TIME ZONE %(tz)s)::date AS starts_on) s
        WHERE c.partnership_id = %(p)s AND c.created_at > %(now)s - interval '56 days'
        """,
        params,
    )
    done = (
        f"((t_due + 1 + floor(2 * {u('e.id * 40 + s.day', 124)})::int)::timestamp "
        "+ interval '10 hours') AT TIME ZONE %(tz)s"
    )
    rows += execute(
        f"""
        INSERT INTO {Touch._meta.db_table} (partnership_id, enrollment_id, contact_id, owner_id,
            kind, title, is_email, due_on, done_at, done_by_id, message_id, acknowledged_at)
        SELECT %(p)s, e.id, e.contact_id, e.owner_id, s.kind, s.title, s.is_email, t_due,
               d.done_at, CASE WHEN d.done_at IS NOT NULL THEN e.created_by_id END, NULL,
               CASE WHEN {u("e.id * 40 + s.day", 125)} < 0.2 THEN d.done_at + interval '1 day' END
        FROM {Enrollment._meta.db_table} e
        JOIN {PlanStep._meta.db_table} s ON s.template_id = e.template_id,
        LATERAL (SELECT e.starts_on + s.day AS t_due) due,
        LATERAL (SELECT CASE WHEN t_due < %(today)s::date - 3
                              AND {u("e.id * 40 + s.day", 123)} < 0.85 THEN {done} END AS done_at) d
        WHERE e.partnership_id = %(p)s
        """,
        params,
    )
    execute(
        f"""
        UPDATE {CircleSettings._meta.db_table} cs
        SET next_digest_at =
            ((%(today)s::date + 1)::timestamp + interval '7 hours') AT TIME ZONE %(tz)s
        WHERE cs.partnership_id = %(p)s AND cs.member_id IN (
            SELECT owner_id FROM {Enrollment._meta.db_table} WHERE partnership_id = %(p)s)
        """,
        params,
    )
    return rows


def _logs(params: dict) -> int:
    """The log entry of every done touch, a call or meeting with half of the contacts, and the
    service history of half of the allied resources."""
    rows = execute(
        f"""
        INSERT INTO {Interaction._meta.db_table} (partnership_id, contact_id, owner_id, kind,
            occurred_at, summary, message_id, touch_id, logged_by_id, created_at)
        SELECT %(p)s, t.contact_id, t.owner_id, {LOGGED_AS}, t.done_at, t.title, NULL::bigint, t.id,
               t.done_by_id, t.done_at
        FROM {Touch._meta.db_table} t
        WHERE t.partnership_id = %(p)s AND t.done_at IS NOT NULL
        UNION ALL
        SELECT %(p)s, c.id, c.owner_id,
               (ARRAY['call', 'meeting'])[1 + floor(2 * {u("c.id", 131)})::int],
               greatest(c.created_at, %(now)s - interval '1 day' * 365 * {u("c.id", 132)}),
               'Caught up over coffee; they mentioned a neighbor thinking of selling.', NULL,
               NULL, c.created_by_id, %(now)s - interval '1 day' * 365 * {u("c.id", 132)}
        FROM {Contact._meta.db_table} c
        WHERE c.partnership_id = %(p)s AND {u("c.id", 133)} < 0.5
        """,
        params,
    )
    rows += execute(
        f"""
        INSERT INTO {ServiceRecord._meta.db_table} (partnership_id, contact_id, happened_on,
            service, feedback, client_rating, created_by_id, created_at)
        SELECT %(p)s, c.id, (c.created_at AT TIME ZONE %(tz)s)::date + 30, c.service,
               'The client said they were prompt and thorough.',
               6 + floor(5 * {u("c.id", 134)})::int, c.created_by_id,
               c.created_at + interval '30 days'
        FROM {Contact._meta.db_table} c
        WHERE c.partnership_id = %(p)s AND c.segment = 'allied_resources'
          AND {u("c.id", 135)} < 0.5 AND c.created_at + interval '30 days' < %(now)s
        """,
        params,
    )
    return rows
