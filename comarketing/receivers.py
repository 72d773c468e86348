"""The invitation email's delivery events move the connection's status (forward only); demo
data joins `seed_demo` through the members app's signal."""

from django.dispatch import receiver

from comarketing.demo import seed_demo_comarketing
from comarketing.services import INVITATION_TEMPLATE, follow_invitation_email
from members.signals import demo_seeded
from pinnacle.mail.signals import message_status_changed

receiver(demo_seeded, dispatch_uid="comarketing.demo")(seed_demo_comarketing)


@receiver(message_status_changed, dispatch_uid="comarketing.invitation_status")
def on_message_status_changed(sender, message, status, **kwargs):
    if message.template == INVITATION_TEMPLATE:
        follow_invitation_email(message)
