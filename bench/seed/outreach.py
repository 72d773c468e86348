"""Outreach under the policy: a member's pair with a lead they referred (half of the bench
member's leads, three in ten of everyone else's), one to three attempts five days apart (never
more than two in a week), and now and then the lead's reply."""

from __future__ import annotations

from bench.seed.sql import Tenant, execute, u, word
from bench.seed.words import NOTES
from leads.models import Lead
from members.models import Member
from outreach.models import Attempt, LeadReply, OutreachPair

ATTEMPT_CHANNELS = ["portal_email", "portal_email", "call", "call", "personal_email", "text"]
CALL_OUTCOMES = ["no_answer", "voicemail", "voicemail", "spoke"]


def seed_outreach(tenant: Tenant) -> int:
    params = tenant.params()
    pairs = execute(
        f"""
        INSERT INTO {OutreachPair._meta.db_table} (partnership_id, member_id, lead_id, ceased_at,
            created_at)
        SELECT %(p)s, l.referring_member_id, l.id, NULL,
               l.created_at + (%(now)s::timestamptz - l.created_at) * 0.02
        FROM {Lead._meta.db_table} l
        WHERE l.partnership_id = %(p)s AND l.referring_member_id IS NOT NULL
          AND {u("l.id", 61)} < CASE WHEN l.referring_member_id = %(b_members)s THEN 0.5
                                     ELSE 0.3 END
        """,
        params,
    )
    attempt = "(pr.id * 3 + k)"
    made = f"(pr.created_at + interval '5 days' * k + interval '1 hour' * 30 * {u(attempt, 62)})"
    attempts = execute(
        f"""
        INSERT INTO {Attempt._meta.db_table} (partnership_id, pair_id, member_id, lead_id, channel,
            outcome, note, message_id, was_cold, logged_by_id, made_at)
        SELECT %(p)s, pr.id, pr.member_id, pr.lead_id, channel,
               CASE WHEN channel = 'call' THEN {word(CALL_OUTCOMES, attempt, 65)} ELSE '' END,
               {word(NOTES, attempt, 66)}, NULL, k = 0 OR {u(attempt, 67)} < 0.5, m.user_id, made
        FROM {OutreachPair._meta.db_table} pr
        JOIN {Member._meta.db_table} m ON m.id = pr.member_id,
        generate_series(0, 2) AS k,
        LATERAL (SELECT {word(ATTEMPT_CHANNELS, attempt, 64)} AS channel, {made} AS made) a
        WHERE pr.partnership_id = %(p)s AND made < %(now)s
          AND k < 1 + floor(3 * {u("pr.id", 63)})
        """,
        params,
    )
    replies = execute(
        f"""
        INSERT INTO {LeadReply._meta.db_table} (partnership_id, member_id, lead_id, note,
            logged_by_id, replied_at)
        SELECT %(p)s, pr.member_id, pr.lead_id, 'Called back; wants to see homes next month.',
               m.user_id, pr.created_at + interval '2 days'
        FROM {OutreachPair._meta.db_table} pr
        JOIN {Member._meta.db_table} m ON m.id = pr.member_id
        WHERE pr.partnership_id = %(p)s AND {u("pr.id", 68)} < 0.1
          AND pr.created_at + interval '2 days' < %(now)s
        """,
        params,
    )
    return pairs + attempts + replies
