"""Post-close follow-up (policy: "Communication with post-sale/close ... customer"): after a
close, three duties each get a row with a deadline in the partnership's days; beat's sweep
reminds the leader before a deadline and escalates to leadership after it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from leads.models import PostCloseStep, Transaction

# The leader is reminded this long before a step's deadline.
REMINDER_LEAD_TIME = datetime.timedelta(hours=24)


def step_deadlines(transaction: Transaction) -> dict[str, datetime.datetime]:
    """When each post-close step is due: the end of the partnership's Nth calendar day after
    the close (midnight starting the day after), so "within 2 days" of a Monday close ends
    when Wednesday ends, wherever the server runs."""
    partnership = transaction.partnership
    closed_on = transaction.closed_on

    def end_of(days: int) -> datetime.datetime:
        return partnership.start_of_day(closed_on + datetime.timedelta(days=days + 1))

    return {
        # policy: schedule the handoff meeting with leadership within 2 days of the close.
        PostCloseStep.Kind.HANDOFF_MEETING: end_of(partnership.post_close_meeting_days),
        # policy: the thank-you letter, within the partnership's letter window (default 7 days).
        PostCloseStep.Kind.THANK_YOU_LETTER: end_of(partnership.thank_you_letter_days),
        # The first client interaction follows the handoff: due with the letter.
        PostCloseStep.Kind.FIRST_INTERACTION: end_of(partnership.thank_you_letter_days),
    }


def schedule_post_close(transaction: Transaction) -> list[PostCloseStep]:
    """Create the three post-close rows for a transaction just closed (idempotent: a row that
    exists is kept as it is). Call inside the transaction that marks it closed."""
    now = timezone.now()
    steps = []
    for kind, due_at in step_deadlines(transaction).items():
        remind_at = max(due_at - REMINDER_LEAD_TIME, now)
        step, _ = PostCloseStep.objects.get_or_create(
            partnership_id=transaction.partnership_id,
            transaction=transaction,
            kind=kind,
            defaults={"due_at": due_at, "remind_at": remind_at},
        )
        steps.append(step)
    return steps
