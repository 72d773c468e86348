"""Beat's sweep: reminders for pending invitations and incomplete profiles."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone

from comarketing.models import Connection
from comarketing.services.invitations import invitation_context, join_url
from members.selectors import profile_progress
from pinnacle.mail.services import queue_email

SWEEP_BATCH = 200


def reminder_days(partnership) -> list[int]:
    return sorted(
        {
            partnership.comarketing_first_reminder_days,
            partnership.comarketing_second_reminder_days,
        }
    )


def _due(started: str, sent: str, now: datetime.datetime) -> Q:
    """Rows with a reminder due now, in SQL (so the sweep reads only what it will send, never
    the same rows again and again): the first once the partnership's first reminder day has
    passed, the second once the second has."""
    days = (
        F("partnership__comarketing_first_reminder_days"),
        F("partnership__comarketing_second_reminder_days"),
    )

    def passed(number_of_days) -> ExpressionWrapper:
        interval = ExpressionWrapper(
            number_of_days * datetime.timedelta(days=1), output_field=DurationField()
        )
        return ExpressionWrapper(Value(now) - interval, output_field=DateTimeField())

    return Q(**{sent: 0, f"{started}__lte": passed(Least(*days))}) | Q(
        **{f"{sent}__lte": 1, f"{started}__lte": passed(Greatest(*days))}
    )


def _sent_after(due: int, days: list[int]) -> int:
    # With both reminder days equal there is one reminder: count it as both, so the row is done.
    return 2 if due == len(days) else due


@transaction.atomic
def sweep_reminders() -> tuple[int, int]:
    """Beat's sweep. policy: a pending invitation gets a reminder after 3 days and again after
    7; an accepted partner whose profile is incomplete gets one 3 and 7 days after accepting.
    Each goes once (keyed); none once registered or deleted, nor on a day the profile is
    complete. Returns (pending, profile) reminders queued."""
    now = timezone.now()
    return _remind_pending(now), _remind_incomplete_profiles(now)


def _remind_pending(now: datetime.datetime) -> int:
    """The invitee of a pending invitation hears again (from the lender) 3 and 7 days on."""
    sent = 0
    pending = (
        Connection.objects.select_for_update(skip_locked=True, of=("self",))
        # The partial index's condition, spelled as it is: the planner then reads that index.
        .filter(deleted_at__isnull=True, accepted_at__isnull=True, pending_reminders_sent__lt=2)
        .filter(_due("invited_at", "pending_reminders_sent", now))
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
            Connection.objects.filter(pk=connection.pk).update(
                pending_reminders_sent=_sent_after(due, days)
            )
            sent += 1
    return sent


def _remind_incomplete_profiles(now: datetime.datetime) -> int:
    """An accepted partner with an incomplete profile hears 3 and 7 days after accepting.

    A profile complete on a reminder day needs no reminder that day: the day is counted as dealt
    with all the same, so a connection is read on its reminder days only and, both days past,
    leaves the sweep's index (rather than being read again on every run for ever)."""
    sent = 0
    accepted = (
        Connection.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(deleted_at__isnull=True, accepted_at__isnull=False, profile_reminders_sent__lt=2)
        .filter(_due("accepted_at", "profile_reminders_sent", now))
        .select_related("partnership", "lender__user", "partner__user")
        .order_by("accepted_at")[:SWEEP_BATCH]
    )
    for connection in accepted:
        partner, accepted_at = connection.partner, connection.accepted_at
        # Accepting a connection sets both (the query asks for accepted ones).
        assert partner is not None and accepted_at is not None  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction
        days = reminder_days(connection.partnership)
        due = sum(1 for d in days if accepted_at + datetime.timedelta(days=d) <= now)
        if due <= connection.profile_reminders_sent:
            continue
        progress = profile_progress(partner)
        if not progress.is_complete:
            queue_email(
                partnership=connection.partnership,
                key=f"comarketing:{connection.pk}:profile-reminder:{due}",
                template="comarketing/profile_reminder",
                to=partner.email,
                context={
                    "partner": partner,
                    "lender": connection.lender,
                    "progress": progress,
                    "profile_url": connection.partnership.absolute_url(reverse("profile_edit")),
                },
                about=connection,
            )
            sent += 1
        Connection.objects.filter(pk=connection.pk).update(
            profile_reminders_sent=_sent_after(due, days)
        )
    return sent
