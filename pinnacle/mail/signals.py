from django.dispatch import Signal

# Sent after an outbox row's status changes (delivery or a tracking event).
# Arguments: message (OutboxMessage), status (its new status). Higher apps listen to this,
# e.g. co-marketing invitations follow their email's delivery.
message_status_changed = Signal()
