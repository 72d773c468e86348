"""Delivering outbox rows: claim, check suppression, send through Django's email API, record.

A row is claimed by one conditional UPDATE (queued, due, and unclaimed or its lease expired) that
stamps a claim token, so two workers never send it at once; a worker records its result only
while the row still carries its token. Once it is SENT nothing sends it again. The database is
the only retry clock: a transient failure (network, ESP 5xx/429, SMTP 4xx) releases the claim and
sets `next_attempt_at` with exponential backoff and full jitter; a permanent one (invalid or
refused recipient) fails the row at once. `sweep` enqueues whatever is due, which covers retries,
a lost broker and a dead worker.

Delivery is at-least-once: a worker killed between the ESP's acceptance and the record resends
after the lease. Every row carries the same Message-ID on each attempt, so the copy collapses.
"""

from __future__ import annotations

import logging
import random
import smtplib
import uuid
from datetime import timedelta

from anymail.exceptions import (
    AnymailAPIError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from anymail.message import AnymailMessage
from django.core.mail import EmailMultiAlternatives
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.signals import message_status_changed
from pinnacle.models import Partnership

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
CLAIM_LEASE = timedelta(minutes=10)
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 60 * 60
SWEEP_BATCH = 200


def backoff(attempts: int) -> timedelta:
    """Full-jitter exponential backoff: anywhere up to 30 s, 60 s, 120 s ... capped at 6 hours
    (full jitter spreads the retries of many failed rows instead of bunching them)."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=random.uniform(0, ceiling))  # nosec B311: retry jitter, not a secret


def is_permanent(exc: Exception) -> bool:
    """Only errors that retrying cannot fix: refused or invalid recipients, 4xx API answers."""
    if isinstance(exc, AnymailRecipientsRefused | AnymailInvalidAddress):
        return True
    if isinstance(exc, AnymailAPIError):
        status = getattr(exc, "status_code", None)
        return status is not None and 400 <= status < 500 and status not in (408, 429)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = AnymailMessage(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=[message.to_email],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={**(message.headers or {}), "Message-ID": message.message_id_header},
        # anymail: the outbox id travels with the message and comes back in tracking webhooks.
        metadata={"outbox_id": str(message.pk), "partnership": message.partnership.slug},
        tags=[message.template.replace("/", "-")[:50]],
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def _claim(message_id: int) -> uuid.UUID | None:
    """Take a queued, due row that nobody holds; returns the claim token (None: not ours)."""
    now = timezone.now()
    token = uuid.uuid4()
    claimed = (
        OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .update(claimed_at=now, claim_token=token)
    )
    return token if claimed else None


def _release(message: OutboxMessage, token: uuid.UUID, **fields) -> bool:
    """Record a result and give the claim up, only if this worker still holds the row."""
    held = OutboxMessage.objects.filter(pk=message.pk, claim_token=token)
    return bool(held.update(claimed_at=None, claim_token=None, **fields))


def _finish(message: OutboxMessage, token: uuid.UUID, status: str, **fields) -> bool:
    """Record the attempt's result and tell listeners, only while this worker holds the row
    (False: another worker took it over after the lease; nothing is recorded, nobody told)."""
    # A tracking webhook may already have moved the row past "sent": never step back.
    queued = Q(status=OutboxMessage.Status.QUEUED)
    recorded = _release(
        message,
        token,
        next_attempt_at=None,
        status=Case(When(queued, then=Value(status)), default=F("status")),
        status_changed_at=Case(
            When(queued, then=Value(timezone.now())), default=F("status_changed_at")
        ),
        **fields,
    )
    if not recorded:
        log.warning("Outbox message %s: claim lost before recording %s", message.pk, status)
        return False
    message.refresh_from_db()
    message_status_changed.send(sender=OutboxMessage, message=message, status=message.status)
    return True


def deliver(message_id: int) -> str | None:
    """Send one outbox row if it is queued and due; returns the row's new status (None: skipped,
    left queued for a later attempt, or taken over by another worker before it was recorded)."""
    from pinnacle.mail.services import blocking_suppression

    token = _claim(message_id)
    if token is None:
        return None
    message = OutboxMessage.objects.select_related("partnership").get(pk=message_id)

    # policy: an opted-out address gets no further outreach, and an address that hard-bounced
    # or complained gets no mail at all; the pipeline itself refuses, whoever queued it.
    if suppression := blocking_suppression(
        partnership=message.partnership, email=message.to_email, category=message.category
    ):
        reason = f"Recipient suppressed: {suppression.get_reason_display()}"
        recorded = _finish(message, token, OutboxMessage.Status.SUPPRESSED, status_reason=reason)
        return message.status if recorded else None

    email = build_email(message)
    attempts = message.attempts + 1
    try:
        email.send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if is_permanent(exc) or attempts >= MAX_ATTEMPTS:
            log.warning("Outbox message %s failed for good: %s", message_id, error)
            recorded = _finish(
                message,
                token,
                OutboxMessage.Status.FAILED,
                attempts=attempts,
                last_error=error,
                status_reason=error[:500],
            )
            return message.status if recorded else None
        log.info(
            "Outbox message %s: attempt %s failed, retried later: %s", message_id, attempts, error
        )
        _release(
            message,
            token,
            attempts=attempts,
            last_error=error,
            next_attempt_at=timezone.now() + backoff(attempts),
        )
        return None

    # Backends without an ESP (SMTP, file, console) report no id: sent, but never tracked.
    esp_id = getattr(getattr(email, "anymail_status", None), "message_id", None)
    recorded = _finish(
        message,
        token,
        OutboxMessage.Status.SENT,
        attempts=attempts,
        last_error="",
        sent_at=timezone.now(),
        esp_message_id="" if esp_id is None else str(esp_id)[:200],
    )
    return message.status if recorded else None


def due_messages(limit: int = SWEEP_BATCH, partnership: Partnership | None = None):
    """Queued rows whose next attempt is due and that nobody holds (or whose holder died), as
    (id, partnership id) pairs; one partnership's only when it is given."""
    now = timezone.now()
    due = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
    if partnership is not None:
        due = due.filter(partnership=partnership)
    return list(due.order_by("next_attempt_at").values_list("pk", "partnership_id")[:limit])


def due_message_ids(limit: int = SWEEP_BATCH) -> list[int]:
    return [pk for pk, _ in due_messages(limit)]


def sweep(partnership: Partnership | None = None) -> int:
    """Re-enqueue due rows (broker lost, worker died, retry due). Returns how many it handed on.
    The task sweeps one partnership at a time (its scope, pinnacle/rls.py)."""
    from pinnacle.mail.services import enqueue_delivery
    from pinnacle.mail.tasks import deliver_message

    due = due_messages(partnership=partnership)
    for message_id, partnership_id in due:
        enqueue_delivery(deliver_message, message_id, partnership_id)
    return len(due)
