"""Beat's sweep: reminders for pending invitations and incomplete profiles."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from comarketing.models import Connection
from comarketing.services.invitations import invitation_context, join_url
from pinnacle.mail.services import queue_email

SWEEP_BATCH = 200


def reminder_days(partnership) -> list[int]:
    return sorted(
        {
            partnership.comarketing_first_reminder_days,
            partnership.comarketing_second_reminder_days,
        }
    )


@transaction.atomic
def sweep_reminders() -> tuple[int, int]:
    """Beat's sweep. policy: a pending invitation gets a reminder after 3 days and again after
    7; an accepted partner whose profile is incomplete gets one 3 and 7 days after accepting.
    Each goes once (keyed); none once registered, completed or deleted. Returns (pending,
    profile) reminders queued."""
    from members.selectors import profile_progress

    now = timezone.now()
    pending_sent = profile_sent = 0
    earliest = now - datetime.timedelta(days=1)
    pending = (
        Connection.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(deleted_at__isnull=True, accepted_at__isnull=True, invited_at__lte=earliest)
        .exclude(pending_reminders_sent__gte=2)
        .select_related("partnership", "lender__user")
        .order_by("invited_at")[:SWEEP_BATCH]
    )
    for connection in pending:
        days = reminder_days(connection.partnership)
        due = sum(1 for d in days if connection.invited_at + datetime.timedelta(days=d) <= now)
        if due > connection.pending_reminders_sent:
            queue_email(
                partnership=connection.partnership,
                key=f"comarketing:{connection.pk}:pending-reminder:{due}",
                template="comarketing/pending_reminder",
                to=connection.email,
                context=invitation_context(lender=connection.lender, url=join_url(connection)),
                sender_name=connection.lender.display_name,
                reply_to=connection.lender.email,
                about=connection,
            )
            Connection.objects.filter(pk=connection.pk).update(pending_reminders_sent=due)
            pending_sent += 1
    accepted = (
        Connection.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(deleted_at__isnull=True, accepted_at__isnull=False, accepted_at__lte=earliest)
        .exclude(profile_reminders_sent__gte=2)
        .select_related("partnership", "lender__user", "partner__user")
        .order_by("accepted_at")[:SWEEP_BATCH]
    )
    for connection in accepted:
        days = reminder_days(connection.partnership)
        due = sum(1 for d in days if connection.accepted_at + datetime.timedelta(days=d) <= now)
        if due <= connection.profile_reminders_sent:
            continue
        progress = profile_progress(connection.partner)
        if not progress.missing:
            continue
        queue_email(
            partnership=connection.partnership,
            key=f"comarketing:{connection.pk}:profile-reminder:{due}",
            template="comarketing/profile_reminder",
            to=connection.partner.email,
            context={
                "partner": connection.partner,
                "lender": connection.lender,
                "progress": progress,
                "profile_url": connection.partnership.absolute_url(reverse("profile_edit")),
            },
            about=connection,
        )
        Connection.objects.filter(pk=connection.pk).update(profile_reminders_sent=due)
        profile_sent += 1
    return pending_sent, profile_sent
