"""Delivering outbox rows: claim, check suppression, send through Django's email API, record.

A row is claimed by one conditional UPDATE (queued, and unclaimed or its lease expired), so two
workers never send it at once; once it is SENT nothing sends it again. A transient failure
(network, ESP 5xx/429, SMTP 4xx) releases the claim and schedules the next attempt with
exponential backoff and jitter; a permanent one (invalid or refused recipient) fails the row
at once. `sweep` re-enqueues whatever is due, which covers a lost broker or a dead worker.
"""

from __future__ import annotations

import logging
import random
import smtplib
from datetime import timedelta

from anymail.exceptions import (
    AnymailAPIError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.utils import timezone

from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.signals import message_status_changed

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
CLAIM_LEASE = timedelta(minutes=10)
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 60 * 60
SWEEP_BATCH = 200


class TransientDeliveryError(Exception):
    """The send may succeed later; the row stays queued with a later `next_attempt_at`."""


def backoff(attempts: int) -> timedelta:
    """Full-jitter exponential backoff: up to 30 s, 60 s, 120 s ... capped at 6 hours."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


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
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=[message.to_email],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers=dict(message.headers or {}),
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    # anymail: the outbox id travels with the message and comes back in tracking webhooks.
    email.metadata = {"outbox_id": str(message.pk), "partnership": message.partnership.slug}
    email.tags = [message.template.replace("/", "-")[:50]]
    return email


def _claim(message_id: int) -> bool:
    now = timezone.now()
    return bool(
        OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.QUEUED)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .update(claimed_at=now)
    )


def _finish(message: OutboxMessage, status: str, **fields) -> None:
    now = timezone.now()
    rows = OutboxMessage.objects.filter(pk=message.pk)
    rows.update(claimed_at=None, next_attempt_at=None, **fields)
    # A tracking webhook may already have moved the row past "sent": never step back.
    rows.filter(status=OutboxMessage.Status.QUEUED).update(status=status, status_changed_at=now)
    message.refresh_from_db()
    message_status_changed.send(sender=OutboxMessage, message=message, status=message.status)


def deliver(message_id: int) -> str | None:
    """Send one outbox row if it is still queued; returns the row's new status (None: skipped)."""
    from pinnacle.mail.services import is_suppressed

    if not _claim(message_id):
        return None
    message = OutboxMessage.objects.select_related("partnership").get(pk=message_id)

    if message.category == OutboxMessage.Category.OUTREACH and is_suppressed(
        partnership=message.partnership, email=message.to_email
    ):
        # policy: an opted-out address gets no further outreach; the pipeline itself refuses.
        _finish(message, OutboxMessage.Status.SUPPRESSED, status_reason="Recipient opted out")
        return message.status

    email = build_email(message)
    attempts = message.attempts + 1
    try:
        email.send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if is_permanent(exc) or attempts >= MAX_ATTEMPTS:
            log.warning("Outbox message %s failed for good: %s", message_id, error)
            _finish(
                message,
                OutboxMessage.Status.FAILED,
                attempts=attempts,
                last_error=error,
                status_reason=error[:500],
            )
            return message.status
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=attempts,
            last_error=error,
            claimed_at=None,
            next_attempt_at=timezone.now() + backoff(attempts),
        )
        raise TransientDeliveryError(error) from exc

    # Backends without an ESP (SMTP, file, console) report no id: sent, but never tracked.
    esp_id = getattr(getattr(email, "anymail_status", None), "message_id", None)
    _finish(
        message,
        OutboxMessage.Status.SENT,
        attempts=attempts,
        last_error="",
        sent_at=timezone.now(),
        esp_message_id="" if esp_id is None else str(esp_id)[:200],
    )
    return message.status


def due_message_ids(limit: int = SWEEP_BATCH) -> list[int]:
    """Queued rows whose next attempt is due and that nobody holds (or whose holder died)."""
    now = timezone.now()
    return list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def sweep() -> int:
    """Re-enqueue due rows (broker lost, worker died, retry due). Returns how many it handed on."""
    from pinnacle.mail.services import enqueue_delivery
    from pinnacle.mail.tasks import deliver_message

    ids = due_message_ids()
    for message_id in ids:
        enqueue_delivery(deliver_message, message_id)
    return len(ids)
