"""Beat's post-close sweep: whoever has to act next is reminded before a post-close step's
deadline, and every active leader is told once it has passed (the steps and their deadlines:
`postclose`).

Who acts next: for the handoff meeting, the leader while no times are proposed, leadership (who
alone can book) while proposed times wait for a confirmation; for the letter, the leader; for
leadership's first client interaction, leadership and the leader, who must take part."""

from __future__ import annotations

import datetime

from django.db import transaction as db_transaction
from django.utils import timezone

from members.models import Member
from members.selectors import leaders as active_leaders
from pinnacle.mail.services import queue_email
from transactions.models import MeetingProposal, PostCloseStep, TeamMember, Transaction
from transactions.services.postclose import member_context

SWEEP_BATCH = 200
Kind = PostCloseStep.Kind


def sweep_post_close(now: datetime.datetime | None = None) -> tuple[int, int]:
    """Beat's sweep: remind the leader before a step's deadline, escalate to every active
    leader after it. Due rows are picked with SKIP LOCKED, and every email has a key, so
    overlapping sweeps never send twice. Returns (reminded, escalated)."""
    now = now or timezone.now()
    return _remind_due(now), _escalate_overdue(now)


_STEP_RELATED = ("transaction__lead", "transaction__leader__user", "partnership")


@db_transaction.atomic
def _remind_due(now: datetime.datetime) -> int:
    due = list(
        PostCloseStep.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related(*_STEP_RELATED)
        .filter(completed_at__isnull=True, reminded_at__isnull=True, remind_at__lte=now)
        .order_by("remind_at")[:SWEEP_BATCH]
    )
    # Handoff steps whose proposed times wait for leadership (one query for the batch).
    awaiting = set(
        MeetingProposal.objects.filter(
            transaction_id__in=[s.transaction_id for s in due if s.kind == Kind.HANDOFF_MEETING],
            confirmed_at__isnull=True,
        ).values_list("transaction_id", flat=True)
    )
    leaders: dict[int, list[Member]] = {}
    for step in due:
        if step.due_at <= now:  # past the deadline the escalation says it all
            continue
        transaction = step.transaction
        transaction.partnership = step.partnership
        if step.partnership_id not in leaders:
            leaders[step.partnership_id] = active_leaders(step.partnership)
        to_confirm = step.kind == Kind.HANDOFF_MEETING and transaction.pk in awaiting
        for recipient in _reminded(step, to_confirm, leaders[step.partnership_id]):
            queue_email(
                partnership=step.partnership,
                key=f"post-close:{step.pk}:reminder:{recipient.pk}",
                template="leads/post_close_reminder",
                to=recipient.email,
                context={
                    **member_context(transaction, recipient),
                    "step": step,
                    "to_confirm": to_confirm,
                },
                # About the transaction, never its lead: every member reads a lead's timeline.
                about=transaction,
            )
    PostCloseStep.objects.filter(pk__in=[s.pk for s in due]).update(reminded_at=now)
    return len(due)


@db_transaction.atomic
def _escalate_overdue(now: datetime.datetime) -> int:
    overdue = list(
        PostCloseStep.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related(*_STEP_RELATED, "times_proposed_by")
        .filter(completed_at__isnull=True, escalated_at__isnull=True, due_at__lte=now)
        .order_by("due_at")[:SWEEP_BATCH]
    )
    leaders: dict[int, list[Member]] = {}
    for step in overdue:
        transaction = step.transaction
        transaction.partnership = step.partnership
        if step.partnership_id not in leaders:
            leaders[step.partnership_id] = active_leaders(step.partnership)
        for leader in leaders[step.partnership_id]:
            queue_email(
                partnership=step.partnership,
                key=f"post-close:{step.pk}:escalation:{leader.pk}",
                template="leads/post_close_escalation",
                to=leader.email,
                context={
                    **member_context(transaction, leader),
                    "step": step,
                    # The handoff's lateness is counted against whoever was late: say whose.
                    "late_party": step.late_party(now) if step.kind == Kind.HANDOFF_MEETING else "",
                },
                about=transaction,
            )
    PostCloseStep.objects.filter(pk__in=[s.pk for s in overdue]).update(escalated_at=now)
    return len(overdue)


def _reminded(step: PostCloseStep, to_confirm: bool, leadership: list[Member]) -> list[Member]:
    """Who is reminded of a step: leadership to confirm proposed meeting times; the leader and
    leadership for the first client interaction (leadership's duty, the leader takes part);
    otherwise the leader."""
    if to_confirm:
        return leadership
    team = _team_side(step.transaction)
    if step.kind == Kind.FIRST_INTERACTION:
        return team + leadership
    return team


def _team_side(transaction: Transaction) -> list[Member]:
    """The leader; a team with no (active) leader, all of it."""
    if transaction.leader is not None and transaction.leader.is_active:
        return [transaction.leader]
    return [
        seat.member
        for seat in TeamMember.objects.for_partnership(transaction.partnership)
        .filter(transaction=transaction, member__is_active=True)
        .select_related("member__user")
    ]
