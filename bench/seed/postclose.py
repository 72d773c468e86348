"""After every close, what the policy requires: the three post-close steps with their deadlines
(done, mostly on time, except for the last fortnight's closes), the thank-you letter, the handoff
meeting with leadership's evaluation, and leadership's first client interaction."""

from __future__ import annotations

from bench.seed.sql import Tenant, execute, pick, u
from transactions.models import (
    ClientInteraction,
    HandoffEvaluation,
    InteractionParticipant,
    MeetingProposal,
    PostCloseStep,
    ThankYouLetter,
    Transaction,
)

# Days after the close whose end is each step's deadline (the partnership's defaults: the
# meeting within 2 days, the letter and the first interaction within 7).
STEP_DAYS = {"handoff": 2, "letter": 7, "interaction": 7}


def seed_post_close(tenant: Tenant) -> int:
    params = tenant.params()
    rows = _steps(params)
    rows += execute(
        f"""
        INSERT INTO {ThankYouLetter._meta.db_table} (partnership_id, transaction_id, body,
            mailing_address, edited_by_id, updated_at, sent_at, sent_by_id, mailed_at,
            mailed_by_id)
        SELECT %(p)s, x.id,
               'Thank you for trusting our team with your home. It was a pleasure working with '
               || 'you, and we are here whenever you need us.',
               x.property_address, x.leader_id, coalesce(s.completed_at, x.stage_changed_at),
               s.completed_at, CASE WHEN s.completed_at IS NOT NULL THEN x.leader_id END, NULL,
               NULL
        FROM {Transaction._meta.db_table} x
        JOIN {PostCloseStep._meta.db_table} s ON s.transaction_id = x.id AND s.kind = 'letter'
        WHERE x.partnership_id = %(p)s
        """,
        params,
    )
    rows += _handoffs(params)
    rows += _interactions(params)
    return rows


def _steps(params: dict) -> int:
    values = ", ".join(f"('{kind}', {days})" for kind, days in STEP_DAYS.items())
    done = (
        f"CASE WHEN {u('x.id * 3 + k.o', 81)} < 0.9 "
        f"THEN due - interval '1 day' * 2 * {u('x.id * 3 + k.o', 82)} "
        f"ELSE due + interval '1 day' * 3 * {u('x.id * 3 + k.o', 82)} END"
    )
    return execute(
        f"""
        INSERT INTO {PostCloseStep._meta.db_table} (partnership_id, transaction_id, kind, due_at,
            remind_at, reminded_at, escalated_at, completed_at, completed_by_id,
            times_proposed_at, times_proposed_by_id)
        SELECT %(p)s, x.id, k.kind, due, due - interval '24 hours',
               CASE WHEN coalesce(done, %(now)s) > due - interval '24 hours'
                    THEN due - interval '24 hours' + interval '1 minute' END,
               CASE WHEN coalesce(done, %(now)s) > due THEN due + interval '1 minute' END,
               done,
               CASE WHEN done IS NOT NULL THEN CASE WHEN k.kind = 'handoff'
                    THEN {pick("ids_leaders", "x.id", 83)} ELSE x.leader_id END END,
               CASE WHEN k.kind = 'handoff' AND done IS NOT NULL
                    THEN done - interval '6 hours' END,
               CASE WHEN k.kind = 'handoff' AND done IS NOT NULL THEN x.leader_id END
        FROM {Transaction._meta.db_table} x,
        (SELECT kind, days, row_number() OVER () AS o FROM (VALUES {values}) v(kind, days)) k,
        LATERAL (SELECT ((x.closed_on + k.days + 1)::timestamp AT TIME ZONE %(tz)s) AS due) d,
        LATERAL (SELECT CASE WHEN {done} < %(now)s AND (due < %(now)s - interval '14 days'
                             OR {u("x.id * 3 + k.o", 84)} < 0.5) THEN {done} END AS done) c
        WHERE x.partnership_id = %(p)s AND x.stage = 'closed'
        """,
        params,
    )


def _handoffs(params: dict) -> int:
    """The booked meeting for every booked handoff, evaluated once it was held."""
    rows = execute(
        f"""
        INSERT INTO {MeetingProposal._meta.db_table} (partnership_id, transaction_id, starts_at,
            location, proposed_by_id, created_at, confirmed_at, confirmed_by_id)
        SELECT %(p)s, s.transaction_id, s.completed_at + interval '2 days',
               'The partnership office', s.times_proposed_by_id, s.times_proposed_at,
               s.completed_at, s.completed_by_id
        FROM {PostCloseStep._meta.db_table} s
        WHERE s.partnership_id = %(p)s AND s.kind = 'handoff' AND s.completed_at IS NOT NULL
        """,
        params,
    )
    rows += execute(
        f"""
        INSERT INTO {HandoffEvaluation._meta.db_table} (partnership_id, transaction_id,
            meeting_id, success, efficiency, effectiveness, notes, recorded_by_id, recorded_at)
        SELECT %(p)s, mp.transaction_id, mp.id, 3 + floor(3 * {u("mp.id", 85)})::int,
               3 + floor(3 * {u("mp.id", 86)})::int, 2 + floor(4 * {u("mp.id", 87)})::int,
               'Smooth close; the appraisal came in on time and the customer was kept informed.',
               mp.confirmed_by_id, mp.starts_at + interval '2 hours'
        FROM {MeetingProposal._meta.db_table} mp
        WHERE mp.partnership_id = %(p)s AND mp.starts_at + interval '2 hours' < %(now)s
        """,
        params,
    )
    return rows


def _interactions(params: dict) -> int:
    rows = execute(
        f"""
        INSERT INTO {ClientInteraction._meta.db_table} (partnership_id, transaction_id, mode,
            occurred_at, body, recorded_by_id, emailed_at, created_at)
        SELECT %(p)s, s.transaction_id,
               (ARRAY['in_person', 'call', 'call'])[1 + floor(3 * {u("s.id", 88)})::int],
               s.completed_at, '', {pick("ids_leaders", "s.id", 89)}, NULL, s.completed_at
        FROM {PostCloseStep._meta.db_table} s
        WHERE s.partnership_id = %(p)s AND s.kind = 'interaction' AND s.completed_at IS NOT NULL
        """,
        params,
    )
    rows += execute(
        f"""
        INSERT INTO {InteractionParticipant._meta.db_table} (partnership_id, interaction_id,
            member_id)
        SELECT %(p)s, ci.id, who.member_id
        FROM {ClientInteraction._meta.db_table} ci
        JOIN {Transaction._meta.db_table} x ON x.id = ci.transaction_id,
        LATERAL (VALUES (ci.recorded_by_id), (x.leader_id)) who(member_id)
        WHERE ci.partnership_id = %(p)s AND who.member_id IS NOT NULL
        ON CONFLICT DO NOTHING
        """,
        params,
    )
    return rows
