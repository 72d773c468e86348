"""The invitation email's delivery events move the connection's status (forward only)."""

from django.dispatch import receiver

from comarketing.services import INVITATION_TEMPLATE, follow_invitation_email
from pinnacle.mail.signals import message_status_changed


@receiver(message_status_changed, dispatch_uid="comarketing.invitation_status")
def on_message_status_changed(sender, message, status, **kwargs):
    if message.template == INVITATION_TEMPLATE:
        follow_invitation_email(message)
