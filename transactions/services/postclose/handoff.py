"""The handoff meeting, the first post-close step: the leader proposes times, leadership confirms
one (booked = done), and once it was held leadership records its evaluation of the
transaction's success, efficiency and effectiveness.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.utils import timezone

from members.models import Member
from members.selectors import leaders
from pinnacle.formats import when
from pinnacle.mail.services import queue_email
from transactions.models import (
    HandoffEvaluation,
    MeetingProposal,
    PostCloseState,
    PostCloseStep,
    Transaction,
)
from transactions.services import TransactionRefused
from transactions.services.committee import audit, require_leadership, within
from transactions.services.events import record_event
from transactions.services.postclose.steps import (
    MAX_MEETING_TIMES,
    POST_CLOSE,
    Kind,
    complete_step,
    locked_closed,
    member_context,
    require_leader,
    schedule_post_close,
)


@db_transaction.atomic
def propose_meeting_times(
    *,
    transaction: Transaction,
    actor: Member,
    times: Sequence[datetime.datetime],
    location: str = "",
) -> list[MeetingProposal]:
    """The leader proposes one to three times for the handoff meeting; every active leader is
    emailed to confirm one. New times replace those proposed before and not yet confirmed."""
    transaction = locked_closed(transaction)
    require_leader(transaction, actor, "proposes the handoff meeting times")
    partnership = transaction.partnership
    proposals = MeetingProposal.objects.for_partnership(partnership).filter(transaction=transaction)
    if booked := proposals.filter(confirmed_at__isnull=False).first():
        raise TransactionRefused(
            f"The handoff meeting is already booked for {when(booked.starts_at, partnership)}."
        )
    location = within(location, 200, "the meeting place")
    times = sorted(set(times))
    if not 1 <= len(times) <= MAX_MEETING_TIMES:
        raise TransactionRefused(f"Propose between 1 and {MAX_MEETING_TIMES} different times.")
    now = timezone.now()
    if any(moment <= now for moment in times):
        raise TransactionRefused("Propose times that are still ahead.")
    proposals.filter(confirmed_at__isnull=True).delete()
    created = MeetingProposal.objects.bulk_create(
        MeetingProposal(
            partnership=partnership,
            transaction=transaction,
            starts_at=moment,
            location=location,
            proposed_by=actor,
        )
        for moment in times
    )
    # The leader's part is done when they first propose (new times later keep that moment).
    schedule_post_close(transaction)
    handoff = PostCloseStep.objects.for_partnership(partnership).filter(
        transaction=transaction, kind=Kind.HANDOFF_MEETING
    )
    handoff.filter(times_proposed_at__isnull=True).update(
        times_proposed_at=now, times_proposed_by=actor
    )
    late = handoff.get().leader_state(now) == PostCloseState.LATE
    offered = "; ".join(when(moment, partnership) for moment in times)
    record_event(
        transaction,
        POST_CLOSE,
        f"Handoff meeting times proposed: {offered}" + (" (after the deadline)" if late else ""),
        actor=actor,
        body=location,
    )
    _ask_leadership_to_confirm(
        transaction=transaction, first=created[0], times=times, location=location
    )
    return created


def _ask_leadership_to_confirm(
    *,
    transaction: Transaction,
    first: MeetingProposal,
    times: Sequence[datetime.datetime],
    location: str,
) -> None:
    """Every active leader is emailed the proposed times (keyed by the first of them)."""
    partnership = transaction.partnership
    for leader in leaders(partnership):
        queue_email(
            partnership=partnership,
            key=f"post-close:meeting-times:{first.pk}:{leader.pk}",
            template="leads/post_close_meeting_proposed",
            to=leader.email,
            context={
                **member_context(transaction, leader),
                "times": [when(moment, partnership) for moment in times],
                "location": location.strip(),
            },
            about=transaction,
        )


@db_transaction.atomic
def confirm_meeting(*, proposal: MeetingProposal, actor: Member) -> MeetingProposal:
    """Leadership confirms one proposed time: the meeting is booked, which completes the handoff
    step (late if after its deadline: a late booking still books), and the leader is emailed.
    One confirmed time per transaction (the lock, and the unique index behind it)."""
    transaction = locked_closed(proposal.transaction)
    partnership = transaction.partnership
    require_leadership(transaction, actor, "confirms the handoff meeting")
    proposals = MeetingProposal.objects.for_partnership(partnership).filter(transaction=transaction)
    if booked := proposals.filter(confirmed_at__isnull=False).first():
        raise TransactionRefused(
            f"The handoff meeting is already booked for {when(booked.starts_at, partnership)}."
        )
    current = proposals.filter(pk=proposal.pk).first()
    if current is None:
        raise TransactionRefused(
            "Those times were replaced by new ones; choose one of the current times."
        )
    proposal = current
    now = timezone.now()
    if proposal.starts_at <= now:
        leader = transaction.leader or "the leader"
        raise TransactionRefused(f"That time has passed; ask {leader} to propose new times.")
    proposal.confirmed_at = now
    proposal.confirmed_by = actor
    try:
        with db_transaction.atomic():
            proposal.save(update_fields=["confirmed_at", "confirmed_by"])
    except IntegrityError as exc:
        raise TransactionRefused("The handoff meeting is already booked.") from exc
    step = complete_step(transaction, Kind.HANDOFF_MEETING, actor, now)
    meeting = when(proposal.starts_at, partnership)
    late = {
        "leader": " (after the deadline: the times were proposed late)",
        "leadership": " (after the deadline: leadership confirmed late)",
    }.get(step.late_party(now), "")
    record_event(
        transaction,
        POST_CLOSE,
        f"Handoff meeting with leadership booked for {meeting}{late}",
        actor=actor,
        body=proposal.location,
    )
    if transaction.leader is not None:
        queue_email(
            partnership=partnership,
            key=f"post-close:meeting-confirmed:{proposal.pk}",
            template="leads/post_close_meeting_confirmed",
            to=transaction.leader.email,
            context={
                **member_context(transaction, transaction.leader),
                "meeting": meeting,
                "proposal": proposal,
                "confirmed_by": actor,
            },
            about=transaction,
        )
    return proposal


def _held_meeting(transaction: Transaction) -> MeetingProposal:
    """The booked handoff meeting, once its time has passed."""
    partnership = transaction.partnership
    booked = (
        MeetingProposal.objects.for_partnership(partnership)
        .filter(transaction=transaction, confirmed_at__isnull=False)
        .first()
    )
    if booked is None:
        raise TransactionRefused(
            "The handoff meeting is not booked yet: confirm one of the times first."
        )
    if booked.starts_at > timezone.now():
        raise TransactionRefused(
            f"The handoff meeting is booked for {when(booked.starts_at, partnership)}: record it "
            "once it has been held."
        )
    return booked


def _rated(value, what: str) -> int:
    """A rating from 1 (poor) to 5 (excellent), or a refusal naming `what` it rates."""
    if isinstance(value, bool) or value not in HandoffEvaluation.Rating.values:
        raise TransactionRefused(f"Rate the transaction's {what} from 1 (poor) to 5 (excellent).")
    return int(value)


@db_transaction.atomic
def record_handoff_held(
    *,
    transaction: Transaction,
    actor: Member,
    success: int,
    efficiency: int,
    effectiveness: int,
    notes: str,
) -> HandoffEvaluation:
    """Leadership records that the booked handoff meeting was held, once its time has passed,
    with its evaluation of the transaction: success, efficiency and effectiveness rated 1 to 5,
    and notes. Once per transaction; on the transaction's timeline and audited."""
    # policy: the handoff meeting is the "post-transaction evaluation of success, efficiency,
    # and effectiveness".
    transaction = locked_closed(transaction)
    partnership = transaction.partnership
    require_leadership(transaction, actor, "records the handoff meeting and its evaluation")
    booked = _held_meeting(transaction)
    if (
        HandoffEvaluation.objects.for_partnership(partnership)
        .filter(transaction=transaction)
        .exists()
    ):
        raise TransactionRefused("The handoff meeting and its evaluation are already recorded.")
    ratings = {
        "success": _rated(success, "success"),
        "efficiency": _rated(efficiency, "efficiency"),
        "effectiveness": _rated(effectiveness, "effectiveness"),
    }
    notes = within(notes, 5_000, "the notes")
    if not notes:
        raise TransactionRefused("Write the evaluation notes: what went well and what to improve.")
    try:
        with db_transaction.atomic():
            evaluation = HandoffEvaluation.objects.create(
                partnership=partnership,
                transaction=transaction,
                meeting=booked,
                notes=notes,
                recorded_by=actor,
                **ratings,
            )
    except IntegrityError as exc:
        raise TransactionRefused(
            "The handoff meeting and its evaluation are already recorded."
        ) from exc
    summary = (
        f"Handoff meeting of {when(booked.starts_at, partnership)} held; evaluation: success "
        f"{ratings['success']}/5, efficiency {ratings['efficiency']}/5, effectiveness "
        f"{ratings['effectiveness']}/5"
    )
    record_event(transaction, POST_CLOSE, summary, actor=actor, body=notes)
    audit(transaction, actor, "transaction.handoff_held", summary, meeting=booked.pk, **ratings)
    return evaluation
