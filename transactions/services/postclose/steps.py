"""The post-close steps themselves: each duty's deadline in the partnership's days, scheduling the
three rows at the close, and what every post-close use case shares (the locked closed row, the
leader check, completing a step, what each email to a member says).
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from members.models import Member
from transactions.models import PostCloseStep, Transaction, TransactionEvent
from transactions.services import TransactionRefused
from transactions.services.committee import locked

# The leader is reminded this long before a step's deadline.
REMINDER_LEAD_TIME = datetime.timedelta(hours=24)


def step_deadlines(transaction: Transaction) -> dict[str, datetime.datetime]:
    """When each post-close step is due: the end of the partnership's Nth calendar day after
    the close (midnight starting the day after), so "within 2 days" of a Monday close ends
    when Wednesday ends, wherever the server runs."""
    partnership = transaction.partnership
    closed_on = transaction.closed_on
    assert closed_on is not None, "the post-close steps start with the close"  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction

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


MAX_MEETING_TIMES = 3
Kind = PostCloseStep.Kind
POST_CLOSE = TransactionEvent.Kind.POST_CLOSE


def post_close_url(transaction: Transaction) -> str:
    """The transaction's post-close page, absolute, for emails."""
    return transaction.partnership.absolute_url(reverse("post_close_detail", args=[transaction.pk]))


def locked_closed(transaction: Transaction) -> Transaction:
    """The transaction row with its leader, locked for the rest of the database transaction;
    refuses a transaction not closed yet (the post-close steps start with the close)."""
    transaction = locked(transaction, "leader__user")
    if not transaction.is_closed or transaction.closed_on is None:
        raise TransactionRefused(
            "The post-close steps start once the transaction is marked closed."
        )
    return transaction


def require_leader(transaction: Transaction, actor: Member, doing: str) -> None:
    if transaction.leader_id is None:
        raise TransactionRefused(
            f"The team has no leader yet; once it appoints one, the leader {doing}."
        )
    if actor.pk != transaction.leader_id:
        raise TransactionRefused(f"Only the transaction's leader, {transaction.leader}, {doing}.")


def complete_step(
    transaction: Transaction, kind: str, actor: Member, at: datetime.datetime
) -> PostCloseStep:
    """Mark the step done (the first completion counts; a later one changes nothing)."""
    schedule_post_close(transaction)
    steps = PostCloseStep.objects.for_partnership(transaction.partnership).filter(
        transaction=transaction, kind=kind
    )
    steps.filter(completed_at__isnull=True).update(completed_at=at, completed_by=actor)
    return steps.get()


def member_context(transaction: Transaction, recipient: Member) -> dict:
    """What every post-close email to a member says about the transaction and where to act."""
    recipient.partnership = transaction.partnership  # in hand: no query for its time zone
    return {
        "transaction": transaction,
        "lead": transaction.lead,
        "leader": transaction.leader,
        "recipient": recipient,
        "post_close_url": post_close_url(transaction),
        "board_url": transaction.partnership.absolute_url(reverse("post_close_board")),
    }
