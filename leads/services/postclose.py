"""Post-close follow-up (policy: "Communication with post-sale/close ... customer"): after a
close, three duties each get a row with a deadline in the partnership's days; beat's sweep
reminds the leader before a deadline and escalates to leadership after it (`postclose_sweep`).

1. The handoff meeting: the leader proposes times, leadership confirms one (booked = done);
   each part's lateness is its own person's (`PostCloseStep.late_party`). Once it was held,
   leadership records its evaluation of the transaction's success, efficiency, effectiveness.
2. The thank-you letter: drafted by the portal, edited by the leader, emailed and/or printed and
   mailed (its use cases are in `thank_you`).
3. Leadership's first client interaction, in which the leader takes part.

Every use case locks the transaction row first, so two people acting at once are applied one
after the other; a refusal is a `LeadRefused` written for the person who asked.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.urls import reverse
from django.utils import timezone

from leads.models import (
    ClientInteraction,
    HandoffEvaluation,
    InteractionParticipant,
    MeetingProposal,
    PostCloseState,
    PostCloseStep,
    Transaction,
    TransactionEvent,
)
from leads.selectors.postclose import committee_of, involved_members
from leads.services import LeadRefused
from leads.services.committee import audit, locked, require_leadership, within
from leads.services.events import record_event
from members.governance import leaders
from members.models import Member
from pinnacle.formats import when
from pinnacle.mail.services import MailRefused, queue_email

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
        raise LeadRefused("The post-close steps start once the transaction is marked closed.")
    return transaction


def require_leader(transaction: Transaction, actor: Member, doing: str) -> None:
    if transaction.leader_id is None:
        raise LeadRefused(f"The team has no leader yet; once it appoints one, the leader {doing}.")
    if actor.pk != transaction.leader_id:
        raise LeadRefused(f"Only the transaction's leader, {transaction.leader}, {doing}.")


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


# 1. The handoff meeting


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
        raise LeadRefused(
            f"The handoff meeting is already booked for {when(booked.starts_at, partnership)}."
        )
    location = within(location, 200, "the meeting place")
    times = sorted(set(times))
    if not 1 <= len(times) <= MAX_MEETING_TIMES:
        raise LeadRefused(f"Propose between 1 and {MAX_MEETING_TIMES} different times.")
    now = timezone.now()
    if any(moment <= now for moment in times):
        raise LeadRefused("Propose times that are still ahead.")
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
    for leader in leaders(partnership):
        queue_email(
            partnership=partnership,
            key=f"post-close:meeting-times:{created[0].pk}:{leader.pk}",
            template="leads/post_close_meeting_proposed",
            to=leader.email,
            context={
                **member_context(transaction, leader),
                "times": [when(moment, partnership) for moment in times],
                "location": location.strip(),
            },
            about=transaction,
        )
    return created


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
        raise LeadRefused(
            f"The handoff meeting is already booked for {when(booked.starts_at, partnership)}."
        )
    proposal = proposals.filter(pk=proposal.pk).first()
    if proposal is None:
        raise LeadRefused("Those times were replaced by new ones; choose one of the current times.")
    now = timezone.now()
    if proposal.starts_at <= now:
        leader = transaction.leader or "the leader"
        raise LeadRefused(f"That time has passed; ask {leader} to propose new times.")
    proposal.confirmed_at = now
    proposal.confirmed_by = actor
    try:
        with db_transaction.atomic():
            proposal.save(update_fields=["confirmed_at", "confirmed_by"])
    except IntegrityError as exc:
        raise LeadRefused("The handoff meeting is already booked.") from exc
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
    if transaction.leader_id:
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


def _rated(value, what: str) -> int:
    """A rating from 1 (poor) to 5 (excellent), or a refusal naming `what` it rates."""
    if isinstance(value, bool) or value not in HandoffEvaluation.Rating.values:
        raise LeadRefused(f"Rate the transaction's {what} from 1 (poor) to 5 (excellent).")
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
    booked = (
        MeetingProposal.objects.for_partnership(partnership)
        .filter(transaction=transaction, confirmed_at__isnull=False)
        .first()
    )
    if booked is None:
        raise LeadRefused("The handoff meeting is not booked yet: confirm one of the times first.")
    if booked.starts_at > timezone.now():
        raise LeadRefused(
            f"The handoff meeting is booked for {when(booked.starts_at, partnership)}: record it "
            "once it has been held."
        )
    if (
        HandoffEvaluation.objects.for_partnership(partnership)
        .filter(transaction=transaction)
        .exists()
    ):
        raise LeadRefused("The handoff meeting and its evaluation are already recorded.")
    ratings = {
        "success": _rated(success, "success"),
        "efficiency": _rated(efficiency, "efficiency"),
        "effectiveness": _rated(effectiveness, "effectiveness"),
    }
    notes = within(notes, 5_000, "the notes")
    if not notes:
        raise LeadRefused("Write the evaluation notes: what went well and what to improve.")
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
        raise LeadRefused("The handoff meeting and its evaluation are already recorded.") from exc
    summary = (
        f"Handoff meeting of {when(booked.starts_at, partnership)} held; evaluation: success "
        f"{ratings['success']}/5, efficiency {ratings['efficiency']}/5, effectiveness "
        f"{ratings['effectiveness']}/5"
    )
    record_event(transaction, POST_CLOSE, summary, actor=actor, body=notes)
    audit(transaction, actor, "transaction.handoff_held", summary, meeting=booked.pk, **ratings)
    return evaluation


# 3. Leadership's first client interaction


def _names(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def draft_interaction_text(
    transaction: Transaction, involved: Sequence[Member] | None = None
) -> str:
    """Leadership's first written note to the new client, naming every member who was involved
    in the transaction (policy: a written one "will include the names of all ... partner members
    that were involved in the customer's transaction"). `involved`: when already in hand."""
    partnership = transaction.partnership
    involved = involved_members(transaction) if involved is None else involved
    named = _names([m.display_name for m in involved]) or "our partner members"
    led = (
        f" {transaction.leader.display_name} led your team and joins us in this note."
        if transaction.leader_id
        else ""
    )
    return "\n\n".join(
        [
            f"Dear {transaction.lead.name},",
            f"Congratulations on your closing, and thank you for choosing {partnership.name}. "
            f"Your transaction was completed by {partnership.name} partner members {named}.{led}",
            "We would like to hear how it went: what worked well and what we could do better. "
            "Your answer helps us keep every transaction best in class. And whenever you have "
            "another real-estate need or question, the same team is here for you.",
            f"With our thanks,\n{partnership.name} leadership",
        ]
    )


def names_in_text(name: str, text: str) -> bool:
    """Whether `text` names `name`: the whole name, on word boundaries, in any case and with any
    spacing between its words ("Al" is not named by "also", nor "Ann Lee" by "Joann Leeds")."""
    words = name.split()
    if not words:
        return True
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


@db_transaction.atomic
def record_client_interaction(
    *,
    transaction: Transaction,
    actor: Member,
    mode: str,
    occurred_at: datetime.datetime | None,
    participants: Sequence[Member],
    body: str = "",
    email_customer: bool = False,
) -> ClientInteraction:
    """Leadership records its first interaction with the new client: how, when, and who took
    part. The leader must be among them; a written one names every member who held a seat on
    the team, and may be emailed to the customer from here (the leader gets a copy). Completes
    the interaction step."""
    transaction = locked_closed(transaction)
    partnership = transaction.partnership
    lead = transaction.lead
    require_leadership(transaction, actor, "records its first client interaction")
    if (
        ClientInteraction.objects.for_partnership(partnership)
        .filter(transaction=transaction)
        .exists()
    ):
        raise LeadRefused(f"Leadership's first interaction with {lead.name} is already recorded.")
    if mode not in ClientInteraction.Mode.values:
        raise LeadRefused("Choose how the interaction took place.")
    written = mode == ClientInteraction.Mode.WRITTEN
    now = timezone.now()
    if email_customer:
        if not written:
            raise LeadRefused("Only a written interaction can be emailed to the customer.")
        occurred_at = now
    if occurred_at is None:
        raise LeadRefused("Say when the interaction took place.")
    if occurred_at > now:
        raise LeadRefused("Record the interaction once it has taken place.")
    if occurred_at < partnership.start_of_day(transaction.closed_on):
        raise LeadRefused(
            f"The interaction after the close took place on or after the closing day, "
            f"{transaction.closed_on:%B} {transaction.closed_on.day}, {transaction.closed_on.year}."
        )

    committee = committee_of(transaction)
    allowed = {m.pk for m in committee}
    participants = list({m.pk: m for m in participants}.values())
    for person in participants:
        if person.partnership_id != partnership.pk or not (
            person.pk in allowed or (person.is_leadership and person.is_active)
        ):
            raise LeadRefused(
                f"{person.display_name} is neither on the transaction committee nor leadership."
            )
    # policy: the main transaction team leader "must participate in the first client interaction".
    if transaction.leader_id is None:
        raise LeadRefused(
            "The team has no leader yet; the leader must take part in this interaction."
        )
    if all(person.pk != transaction.leader_id for person in participants):
        raise LeadRefused(
            f"The transaction's leader, {transaction.leader}, must take part in leadership's "
            "first client interaction."
        )
    # Only a written interaction has a text: a meeting or a call keeps none (a draft left in
    # the form is not what was said).
    body = within(body, 10_000, "the written text") if written else ""
    if written:
        if not body:
            raise LeadRefused("Write the text of the written interaction.")
        # policy: "All written format will include the names of all ... partner members that
        # were involved in the customer's transaction": everyone who held a seat on the team.
        missing = [
            m.display_name
            for m in involved_members(transaction, committee)
            if not names_in_text(m.display_name, body)
        ]
        if missing:
            raise LeadRefused(
                "A written interaction names every member who was involved in the transaction; "
                f"add {_names(missing)}."
            )

    interaction = ClientInteraction.objects.create(
        partnership=partnership,
        transaction=transaction,
        mode=mode,
        occurred_at=occurred_at,
        body=body,
        recorded_by=actor,
        emailed_at=now if email_customer else None,
    )
    InteractionParticipant.objects.bulk_create(
        InteractionParticipant(partnership=partnership, interaction=interaction, member=person)
        for person in participants
    )
    if email_customer:
        try:
            queue_email(
                partnership=partnership,
                key=f"client-interaction:transaction:{transaction.pk}",
                template="leads/client_interaction",
                to=lead.email,
                context={"interaction": interaction, "lead": lead, "member": actor},
                sender_name=f"{actor.display_name}, {partnership.name} leadership",
                reply_to=actor.email,
                about=transaction,
            )
        except MailRefused as refusal:
            raise LeadRefused(
                f"{refusal.message} Record the interaction without emailing it."
            ) from refusal
        # The leader takes part in it: they get what the customer got, as it was sent.
        leader = transaction.leader
        queue_email(
            partnership=partnership,
            key=f"client-interaction:transaction:{transaction.pk}:leader-copy",
            template="leads/client_interaction_copy",
            to=leader.email,
            context={
                **member_context(transaction, leader),
                "interaction": interaction,
                "member": actor,
            },
            reply_to=actor.email,
            about=transaction,
        )
    complete_step(transaction, Kind.FIRST_INTERACTION, actor, occurred_at)
    record_event(
        transaction,
        POST_CLOSE,
        f"Leadership's first client interaction ({interaction.get_mode_display().lower()}) "
        f"with {_names([p.display_name for p in participants])}"
        + (", emailed to the customer" if email_customer else ""),
        actor=actor,
        body=body,
    )
    return interaction
