"""anymail tracking webhooks → outbox statuses. Fast: a few indexed writes, no network calls.

Statuses only move forward (ESPs deliver webhooks out of order); each ESP event is stored once
(deduplicated on its event id); bounces, rejections and complaints also suppress the address.
"""

import logging

from anymail.signals import EventType, tracking
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from pinnacle.mail.models import DeliveryEvent, OutboxMessage, Suppression
from pinnacle.mail.services import advance_status, suppress

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
SUPPRESS_ON = {
    EventType.BOUNCED: Suppression.Reason.BOUNCED,
    EventType.COMPLAINED: Suppression.Reason.COMPLAINED,
    EventType.UNSUBSCRIBED: Suppression.Reason.UNSUBSCRIBED,
}


def find_message(event) -> OutboxMessage | None:
    outbox_id = (event.metadata or {}).get("outbox_id")
    if outbox_id and str(outbox_id).isdigit():
        found = OutboxMessage.objects.select_related("partnership").filter(pk=int(outbox_id))
        if message := found.first():
            return message
    if event.message_id:
        found = OutboxMessage.objects.select_related("partnership")
        return found.filter(esp_message_id=str(event.message_id)).first()
    return None


def event_key(event, esp_name: str, message: OutboxMessage) -> str:
    """The ESP's event id; ESPs without one (Postmark deliveries and opens) get a stable key
    from what identifies the event, so a webhook retried by the ESP is still stored once."""
    if event.event_id:
        return f"{esp_name}:{event.event_id}"[:200]
    when = event.timestamp.isoformat() if event.timestamp else ""
    return f"{esp_name}:{message.pk}:{event.event_type}:{event.recipient or ''}:{when}"[:200]


@receiver(tracking, dispatch_uid="pinnacle.mail.tracking")
def on_tracking_event(sender, event, esp_name, **kwargs):
    message = find_message(event)
    if message is None:
        log.info("%s %s event for an unknown message ignored", esp_name, event.event_type)
        return
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

    if new_status := EVENT_STATUS.get(event.event_type):
        reason = event.reject_reason or event.description or event.mta_response or ""
        advance_status(message, new_status, reason=reason)
    if suppress_reason := SUPPRESS_ON.get(event.event_type):
        suppress(
            partnership=message.partnership,
            email=event.recipient or message.to_email,
            reason=suppress_reason,
            source_message=message,
        )
