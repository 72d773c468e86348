"""anymail tracking webhooks → outbox statuses. Fast: a few indexed writes, no network calls.

An event maps to a row only when its ESP message id is the one recorded for the row. Statuses
only move forward (ESPs deliver webhooks out of order); each ESP event is stored once
(deduplicated on its event id) in the same transaction as the status change; hard bounces and
complaints suppress the row's recipient for all mail, an ESP unsubscribe for outreach.

Webhooks arrive on no partnership's host: the row's partnership is read on the owner's connection
(`message_partnership`, one indexed read), and the event is handled within that partnership's
scope (row-level security, pinnacle/rls.py).
"""

import logging
import re

from anymail.signals import EventType, tracking
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from pinnacle.mail.models import DeliveryEvent, OutboxMessage, Suppression
from pinnacle.mail.services import advance_status, suppress
from pinnacle.rls import owner_alias
from pinnacle.tenancy import tenant_scope

log = logging.getLogger(__name__)

Status = OutboxMessage.Status

# ESP event → outbox status. ESP "clicked" is deliberately only "opened": mail scanners follow
# every link, so a real click is recorded by our own landing page (services.confirm_link_visit).
EVENT_STATUS = {
    EventType.SENT: Status.SENT,
    EventType.DELIVERED: Status.DELIVERED,
    EventType.AUTORESPONDED: Status.DELIVERED,
    EventType.OPENED: Status.OPENED,
    EventType.CLICKED: Status.OPENED,
    EventType.BOUNCED: Status.BOUNCED,
    EventType.REJECTED: Status.REJECTED,
    EventType.FAILED: Status.REJECTED,
    EventType.COMPLAINED: Status.COMPLAINED,
}
# ESP bounce types that say nothing about the address itself (Postmark's names).
SOFT_BOUNCE_TYPES = {"SoftBounce", "Transient", "DnsError", "VirusNotification"}
SUPPRESS_ON = {
    EventType.BOUNCED: Suppression.Reason.BOUNCED,
    EventType.COMPLAINED: Suppression.Reason.COMPLAINED,
    EventType.UNSUBSCRIBED: Suppression.Reason.UNSUBSCRIBED,
}


# RFC 3464's diagnostic type in front of an SMTP reply ("smtp;550 5.1.1 ...").
SMTP_DIAGNOSTIC_TYPE = re.compile(r"^\s*smtp\s*;\s*", re.IGNORECASE)


class EventTooEarly(Exception):
    """The event names a row whose sender has not yet recorded the ESP's message id; the ESP is
    told to try again (503), and by then the id is there to check."""


def event_outbox_id(event) -> int | None:
    outbox_id = str((event.metadata or {}).get("outbox_id", ""))
    # Our own ids are plain ASCII digits ("²" is a digit to str.isdigit, not to int()).
    return int(outbox_id) if outbox_id.isascii() and outbox_id.isdigit() else None


def message_partnership(event) -> int | None:
    """The partnership of the row the event names, read on the owner's connection (the wall
    holds the app's connection to no partnership here); `find_message` then checks the event
    against the row within that partnership's scope."""
    if not event.message_id:
        return None
    rows = OutboxMessage.objects.using(owner_alias())
    outbox_id = event_outbox_id(event)
    if outbox_id is not None:
        rows = rows.filter(pk=outbox_id)
    else:
        rows = rows.filter(esp_message_id=str(event.message_id))
    return rows.values_list("partnership_id", flat=True).first()


def find_message(event) -> OutboxMessage | None:
    """The row this event is about: the ESP's message id must be the one recorded for the row,
    so an event can never be pointed at a row by its outbox id alone."""
    if not event.message_id:
        return None
    rows = OutboxMessage.objects.select_related("partnership")
    outbox_id = event_outbox_id(event)
    is_outbox_id = outbox_id is not None
    if is_outbox_id:
        rows = rows.filter(pk=outbox_id)
    if message := rows.filter(esp_message_id=str(event.message_id)).first():
        return message
    if is_outbox_id and rows.filter(status=Status.QUEUED, claimed_at__isnull=False).exists():
        raise EventTooEarly(outbox_id)
    return None


def is_soft_bounce(event) -> bool:
    """A temporary failure (mailbox full, greylisting): anymail reports Postmark's SoftBounce as
    bounced, so look at the ESP's own type, and at an SMTP 4xx reply wherever it is given."""
    esp_type = (event.esp_event or {}).get("Type") if isinstance(event.esp_event, dict) else None
    if esp_type in SOFT_BOUNCE_TYPES:
        return True
    return smtp_reply(event)[:1] == "4"


def smtp_reply(event) -> str:
    """The receiving server's own reply, as the ESP relayed it ("550 5.1.1 ..."), if any."""
    return SMTP_DIAGNOSTIC_TYPE.sub("", event.mta_response or "").strip()


def event_reason(event) -> str:
    """Why a message bounced or was refused, as a person reads it: the receiving server's reply
    ("550 5.1.1 mailbox does not exist") or the ESP's description; anymail's reject_reason is
    only a fixed code ("bounced") and is the last resort."""
    description = (event.description or "").strip()
    return smtp_reply(event) or description or event.reject_reason or ""


def event_key(event, esp_name: str, message: OutboxMessage) -> str:
    """The ESP's event id; ESPs without one (Postmark deliveries and opens) get a stable key
    from what identifies the event, so a webhook retried by the ESP is still stored once."""
    if event.event_id:
        return f"{esp_name}:{event.event_id}"[:200]
    when = event.timestamp.isoformat() if event.timestamp else ""
    return f"{esp_name}:{message.pk}:{event.event_type}:{event.recipient or ''}:{when}"[:200]


@receiver(tracking, dispatch_uid="pinnacle.mail.tracking")
def on_tracking_event(sender, event, esp_name, **kwargs):
    partnership_id = message_partnership(event)
    if partnership_id is None:
        log.info("%s %s event for an unknown message ignored", esp_name, event.event_type)
        return
    with tenant_scope(partnership_id):
        record_event(event, esp_name)


def record_event(event, esp_name: str) -> None:
    message = find_message(event)
    if message is None:
        log.info("%s %s event for an unknown message ignored", esp_name, event.event_type)
        return
    soft = event.event_type == EventType.BOUNCED and is_soft_bounce(event)
    # The event and what it changes are one transaction: if the status update fails, the event
    # is not stored either, and the ESP's retry is processed rather than deduplicated away.
    with transaction.atomic():
        try:
            with transaction.atomic():
                DeliveryEvent.objects.create(
                    partnership=message.partnership,
                    message=message,
                    event_type=event.event_type,
                    esp_event_id=event_key(event, esp_name, message),
                    occurred_at=event.timestamp or timezone.now(),
                    reject_reason=event.reject_reason or "",
                    description=event.description or "",
                    mta_response=event.mta_response or "",
                    recipient=event.recipient or "",
                )
        except IntegrityError:
            return  # the ESP re-sent an event we already have
        if soft:
            # A transient failure, not a verdict on the address: recorded, nothing suppressed.
            return
        if new_status := EVENT_STATUS.get(event.event_type):
            advance_status(message, new_status, reason=event_reason(event))
        if suppress_reason := SUPPRESS_ON.get(event.event_type):
            # The row's own recipient: the payload's address is not trusted to name anyone.
            suppress(
                partnership=message.partnership,
                email=message.to_email,
                reason=suppress_reason,
                source=Suppression.Source.ESP,
                source_message=message,
            )
