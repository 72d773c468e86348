"""Leadership's first client interaction, the third post-close step, in which the leader takes
part: the portal drafts its text naming who took part, leadership records it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from django.db import transaction as db_transaction
from django.utils import timezone

from members.models import Member
from pinnacle.mail.services import MailRefused, queue_email
from transactions.models import ClientInteraction, InteractionParticipant, Transaction
from transactions.selectors.postclose import committee_of, involved_members
from transactions.services import TransactionRefused
from transactions.services.committee import require_leadership, within
from transactions.services.events import record_event
from transactions.services.postclose.steps import (
    POST_CLOSE,
    Kind,
    complete_step,
    locked_closed,
    member_context,
)


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
        if transaction.leader is not None
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
    require_leadership(transaction, actor, "records its first client interaction")
    _refuse_a_second_interaction(transaction)
    if mode not in ClientInteraction.Mode.values:
        raise TransactionRefused("Choose how the interaction took place.")
    written = mode == ClientInteraction.Mode.WRITTEN
    now = timezone.now()
    occurred_at = _moment_of_interaction(
        transaction=transaction,
        occurred_at=occurred_at,
        written=written,
        email_customer=email_customer,
        now=now,
    )
    committee = committee_of(transaction)
    participants = _checked_participants(
        transaction=transaction, committee=committee, participants=participants
    )
    body = _kept_text(transaction=transaction, committee=committee, written=written, body=body)
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
        _email_interaction(transaction=transaction, interaction=interaction, actor=actor)
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


def _refuse_a_second_interaction(transaction: Transaction) -> None:
    if (
        ClientInteraction.objects.for_partnership(transaction.partnership)
        .filter(transaction=transaction)
        .exists()
    ):
        raise TransactionRefused(
            f"Leadership's first interaction with {transaction.lead.name} is already recorded."
        )


def _moment_of_interaction(
    *,
    transaction: Transaction,
    occurred_at: datetime.datetime | None,
    written: bool,
    email_customer: bool,
    now: datetime.datetime,
) -> datetime.datetime:
    """When the interaction took place: now when it is emailed from here, otherwise the moment
    given, which lies between the start of the closing day and now."""
    if email_customer:
        if not written:
            raise TransactionRefused("Only a written interaction can be emailed to the customer.")
        occurred_at = now
    if occurred_at is None:
        raise TransactionRefused("Say when the interaction took place.")
    if occurred_at > now:
        raise TransactionRefused("Record the interaction once it has taken place.")
    closed_on = transaction.closed_on
    assert closed_on is not None, "locked_closed refused an open transaction"  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction
    if occurred_at < transaction.partnership.start_of_day(closed_on):
        raise TransactionRefused(
            f"The interaction after the close took place on or after the closing day, "
            f"{closed_on:%B} {closed_on.day}, {closed_on.year}."
        )
    return occurred_at


def _checked_participants(
    *, transaction: Transaction, committee: list[Member], participants: Sequence[Member]
) -> list[Member]:
    """The participants once each (committee members or active leadership), the leader among
    them."""
    allowed = {m.pk for m in committee}
    participants = list({m.pk: m for m in participants}.values())
    for person in participants:
        if person.partnership_id != transaction.partnership_id or not (
            person.pk in allowed or (person.is_leadership and person.is_active)
        ):
            raise TransactionRefused(
                f"{person.display_name} is neither on the transaction committee nor leadership."
            )
    # policy: the main transaction team leader "must participate in the first client interaction".
    if transaction.leader_id is None:
        raise TransactionRefused(
            "The team has no leader yet; the leader must take part in this interaction."
        )
    if all(person.pk != transaction.leader_id for person in participants):
        raise TransactionRefused(
            f"The transaction's leader, {transaction.leader}, must take part in leadership's "
            "first client interaction."
        )
    return participants


def _kept_text(
    *, transaction: Transaction, committee: list[Member], written: bool, body: str
) -> str:
    """The text kept: a written interaction's, which names everyone involved in the
    transaction."""
    # Only a written interaction has a text: a meeting or a call keeps none (a draft left in
    # the form is not what was said).
    if not written:
        return ""
    body = within(body, 10_000, "the written text")
    if not body:
        raise TransactionRefused("Write the text of the written interaction.")
    # policy: "All written format will include the names of all ... partner members that
    # were involved in the customer's transaction": everyone who held a seat on the team.
    missing = [
        m.display_name
        for m in involved_members(transaction, committee)
        if not names_in_text(m.display_name, body)
    ]
    if missing:
        raise TransactionRefused(
            "A written interaction names every member who was involved in the transaction; "
            f"add {_names(missing)}."
        )
    return body


def _email_interaction(
    *, transaction: Transaction, interaction: ClientInteraction, actor: Member
) -> None:
    """Queue the written interaction to the customer, and a copy to the leader."""
    partnership = transaction.partnership
    lead = transaction.lead
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
        raise TransactionRefused(
            f"{refusal.message} Record the interaction without emailing it."
        ) from refusal
    # The leader takes part in it: they get what the customer got, as it was sent.
    leader = transaction.leader
    assert leader is not None, "a transaction closes with its leader"  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction
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
