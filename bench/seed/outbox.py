"""The outbox: every email the rows above would have sent, with the keys, templates, recipients
and `content_type`/`object_id` the services give them, delivered long ago for the most part.

Each kind is a SELECT of (key, template, to, from, reply-to, subject, body, content type, object,
created_at); `insert_emails` adds what delivery and the ESP's webhooks would have recorded. The
touch emails (and, past them, a member's own emails to contacts) fill the partnership's outbox up
to its count; the newest few are left queued, some due now (what the sweep picks), some backing
off. Then the rows that point at their message (attempts, connections, touches, log entries) get
its id.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from advocates.models import Contact, Interaction, Touch
from bench.seed import outbox_kinds as kinds
from bench.seed.sql import Tenant, execute, u
from comarketing.models import Connection
from leads.models import Lead
from outreach.models import Attempt
from pinnacle.mail.models import OutboxMessage
from transactions.models import Transaction

TABLE = OutboxMessage._meta.db_table
STATUS = """CASE WHEN x.r < 0.25 THEN 'sent' WHEN x.r < 0.75 THEN 'delivered'
    WHEN x.r < 0.95 THEN 'opened' WHEN x.r < 0.985 THEN 'clicked' WHEN x.r < 0.995 THEN 'bounced'
    ELSE 'failed' END"""


def seed_outbox(tenant: Tenant) -> int:
    tenant.content_types = {
        name: ContentType.objects.get_for_model(model).pk
        for name, model in [
            ("lead", Lead),
            ("transaction", Transaction),
            ("contact", Contact),
            ("connection", Connection),
        ]
    }
    host = tenant.partnership.host
    params = tenant.params(host=host)
    rows = sum(insert_emails(select, params) for select in kinds.fixed())
    remaining = max(0, tenant.counts["outbox"] - rows)
    rows += insert_emails(kinds.touch_emails(), {**params, "remaining": remaining})
    remaining = max(0, tenant.counts["outbox"] - rows)
    if remaining:
        with_email = Contact.objects.filter(partnership_id=tenant.pk).exclude(email="").count()
        rows += insert_emails(
            kinds.contact_emails(), {**params, "remaining": remaining, "with_email": with_email}
        )
        _log_contact_emails(params)
    _link(params)
    _leave_queued(params, max(6, tenant.counts["outbox"] // 5000))
    return rows


def insert_emails(select: str, params: dict) -> int:
    """Store the messages `select` names, as delivered (or bounced, or failed) after creation."""
    r = u("hashtext(m.key)", 141)
    return execute(
        f"""
        INSERT INTO {TABLE} (partnership_id, idempotency_key, template, category, to_email,
            from_email, reply_to, subject, body_text, body_html, headers, content_type_id,
            object_id, status, status_reason, attempts, last_error, next_attempt_at, claimed_at,
            claim_token, sent_at, status_changed_at, link_confirmed_at, esp_message_id,
            created_at)
        SELECT %(p)s, m.key, m.template, m.category, m.to_email, m.from_email, m.reply_to,
               m.subject, m.body || CASE WHEN m.category = 'outreach' THEN
                   E'\\n\\nTo stop these emails: ' || unsubscribe ELSE '' END,
               '<p>' || replace(m.body, E'\\n\\n', '</p><p>') || '</p>',
               CASE WHEN m.category = 'outreach' THEN jsonb_build_object(
                   'List-Unsubscribe', '<' || unsubscribe || '>',
                   'List-Unsubscribe-Post', 'List-Unsubscribe=One-Click') ELSE '{{}}' END,
               m.ct, m.object_id, s.status,
               CASE s.status WHEN 'bounced' THEN 'smtp; 550 5.1.1 mailbox does not exist'
                    ELSE '' END,
               CASE s.status WHEN 'failed' THEN 5 ELSE 1 END,
               CASE s.status WHEN 'failed' THEN 'ESP refused the connection' ELSE '' END,
               NULL, NULL, NULL,
               CASE WHEN s.status <> 'failed' THEN m.created_at + interval '3 seconds' END,
               m.created_at + interval '1 minute' * (1 + 600 * s.r),
               CASE WHEN s.status = 'clicked' THEN m.created_at + interval '2 hours' END,
               CASE WHEN s.status <> 'failed' THEN 'bench-' || md5(%(p)s || m.key) ELSE '' END,
               m.created_at
        FROM ({select}) m,
        LATERAL (SELECT {r} AS r) x,
        LATERAL (SELECT x.r, {STATUS} AS status,
                        'https://' || %(host)s || '/unsubscribe/bench-' || md5(m.key) || '/'
                        AS unsubscribe) s
        """,
        params,
    )


def _log_contact_emails(params: dict) -> None:
    """A member's email to a contact through the portal is logged in the contact's history."""
    execute(
        f"""
        INSERT INTO {Interaction._meta.db_table} (partnership_id, contact_id, owner_id, kind,
            occurred_at, summary, message_id, touch_id, logged_by_id, created_at)
        SELECT %(p)s, c.id, c.owner_id, 'email', m.created_at, m.subject, m.id, NULL,
               c.created_by_id, m.created_at
        FROM {TABLE} m JOIN {Contact._meta.db_table} c ON c.id = m.object_id
        WHERE m.partnership_id = %(p)s AND m.template = 'advocates/message'
          AND m.content_type_id = %(ct_contact)s
        """,
        params,
    )


def _link(params: dict) -> None:
    """Point each row that records its email at the message (through the unique key)."""
    by_key = "m.partnership_id = %(p)s AND m.idempotency_key"
    execute(
        f"""UPDATE {Attempt._meta.db_table} a SET message_id = m.id FROM {TABLE} m
        WHERE a.partnership_id = %(p)s AND a.channel = 'portal_email' AND {by_key}
              = 'outreach:message:' || a.lead_id || ':' || a.member_id || ':' || md5(a.id::text)""",
        params,
    )
    execute(
        f"""UPDATE {Connection._meta.db_table} c SET message_id = m.id FROM {TABLE} m
        WHERE c.partnership_id = %(p)s AND {by_key} = 'comarketing:' || c.id || ':invitation'""",
        params,
    )
    # The invitation's delivery is what the connection's pending status says.
    execute(
        f"""UPDATE {TABLE} m SET status = CASE c.status WHEN 'not_delivered' THEN 'sent'
                WHEN 'delivered' THEN 'delivered' WHEN 'opened' THEN 'opened' ELSE 'clicked' END,
            sent_at = m.created_at + interval '3 seconds', attempts = 1, last_error = '',
            status_reason = '', esp_message_id = 'bench-' || md5(%(p)s || m.idempotency_key)
        FROM {Connection._meta.db_table} c
        WHERE c.partnership_id = %(p)s AND m.id = c.message_id""",
        params,
    )
    execute(
        f"""UPDATE {Touch._meta.db_table} t SET message_id = m.id FROM {TABLE} m
        WHERE t.partnership_id = %(p)s AND t.done_at IS NOT NULL AND t.is_email
          AND {by_key} = 'advocates-touch:' || t.id""",
        params,
    )
    execute(
        f"""UPDATE {Interaction._meta.db_table} i SET message_id = t.message_id
        FROM {Touch._meta.db_table} t
        WHERE i.partnership_id = %(p)s AND i.touch_id = t.id AND t.message_id IS NOT NULL""",
        params,
    )


def _leave_queued(params: dict, count: int) -> None:
    """The newest messages are still in the pipeline: half due now (a lost broker's, which the
    sweep re-sends), half backing off after a transient error."""
    execute(
        f"""
        UPDATE {TABLE} m
        SET status = 'queued', sent_at = NULL, status_changed_at = NULL, esp_message_id = '',
            link_confirmed_at = NULL, status_reason = '',
            attempts = CASE WHEN mod(q.rn, 2) = 0 THEN 0 ELSE 1 END,
            last_error = CASE WHEN mod(q.rn, 2) = 0 THEN '' ELSE 'Temporary ESP error (451)' END,
            next_attempt_at = CASE WHEN mod(q.rn, 2) = 0
                THEN %(now)s - interval '1 minute' * q.rn
                ELSE %(now)s + interval '1 minute' * q.rn END
        FROM (SELECT id, row_number() OVER (ORDER BY created_at DESC, id DESC) AS rn
              FROM {TABLE} WHERE partnership_id = %(p)s
                AND id NOT IN (SELECT message_id FROM {Connection._meta.db_table}
                               WHERE partnership_id = %(p)s AND message_id IS NOT NULL)
              ORDER BY created_at DESC, id DESC LIMIT %(count)s) q
        WHERE m.id = q.id
        """,
        {**params, "count": count},
    )
