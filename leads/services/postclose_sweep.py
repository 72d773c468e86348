"""Beat's post-close sweep: the leader is reminded before a post-close step's deadline, and
every active leader is told once it has passed (the steps and their deadlines: `postclose`)."""

from __future__ import annotations

import datetime

from django.db import transaction as db_transaction
from django.utils import timezone

from leads.models import PostCloseStep, TeamMember, Transaction
from leads.services.inquiries import leaders_of
from leads.services.postclose import member_context
from members.models import Member
from pinnacle.mail.services import queue_email

SWEEP_BATCH = 200


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
    for step in due:
        if step.due_at <= now:  # past the deadline the escalation says it all
            continue
        transaction = step.transaction
        transaction.partnership = step.partnership
        for recipient in _reminded(transaction):
            queue_email(
                partnership=step.partnership,
                key=f"post-close:{step.pk}:reminder:{recipient.pk}",
                template="leads/post_close_reminder",
                to=recipient.email,
                context={**member_context(transaction, recipient), "step": step},
                about=transaction.lead,
            )
    PostCloseStep.objects.filter(pk__in=[s.pk for s in due]).update(reminded_at=now)
    return len(due)


@db_transaction.atomic
def _escalate_overdue(now: datetime.datetime) -> int:
    overdue = list(
        PostCloseStep.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related(*_STEP_RELATED)
        .filter(completed_at__isnull=True, escalated_at__isnull=True, due_at__lte=now)
        .order_by("due_at")[:SWEEP_BATCH]
    )
    leaders: dict[int, list[Member]] = {}
    for step in overdue:
        transaction = step.transaction
        transaction.partnership = step.partnership
        if step.partnership_id not in leaders:
            leaders[step.partnership_id] = leaders_of(step.partnership)
        for leader in leaders[step.partnership_id]:
            queue_email(
                partnership=step.partnership,
                key=f"post-close:{step.pk}:escalation:{leader.pk}",
                template="leads/post_close_escalation",
                to=leader.email,
                context={**member_context(transaction, leader), "step": step},
                about=transaction.lead,
            )
    PostCloseStep.objects.filter(pk__in=[s.pk for s in overdue]).update(escalated_at=now)
    return len(overdue)


def _reminded(transaction: Transaction) -> list[Member]:
    """Who is reminded of a step: the leader; a team with no (active) leader, all of it."""
    if transaction.leader_id and transaction.leader.is_active:
        return [transaction.leader]
    return [
        seat.member
        for seat in TeamMember.objects.for_partnership(transaction.partnership)
        .filter(transaction=transaction, member__is_active=True)
        .select_related("member__user")
    ]
