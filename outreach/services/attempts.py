"""Attempts to reach a lead. Every attempt, whatever its channel and whoever calls (view, admin,
task, shell), goes through `make_attempt`: it locks the member-and-lead pair, asks the policy,
and records the attempt or the refusal in the same transaction, so two concurrent attempts can
never both pass the cap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, overload

from django.db import IntegrityError, transaction
from django.utils import timezone

from leads.models import Lead
from members.models import Member
from outreach.models import (
    Attempt,
    CallOutcome,
    Channel,
    LeadReply,
    OutreachPair,
    Refusal,
)
from outreach.selectors.policy import Decision, PairState, pair_state
from outreach.services import OutreachRefused
from pinnacle.mail.models import OutboxMessage


def may_attempt(*, member: Member, lead: Lead, channel: str) -> Decision:
    """Whether `member` may make an attempt to reach `lead` on `channel` now, and if not, why
    and from when. A read for pages; the services decide again under the pair's lock."""
    return pair_state(member, lead, timezone.now()).decide(channel)


def _lock_pair(member: Member, lead: Lead) -> OutreachPair:
    """The pair's row, locked until the transaction ends (created on first use)."""
    if member.partnership_id != lead.partnership_id:
        raise OutreachRefused("This lead belongs to another partnership.")
    try:
        with transaction.atomic():
            OutreachPair.objects.get_or_create(
                partnership_id=lead.partnership_id, member=member, lead=lead
            )
    except IntegrityError:
        pass  # created by a concurrent attempt a moment ago
    return OutreachPair.objects.select_for_update().get(
        partnership_id=lead.partnership_id, member=member, lead=lead
    )


# An attempt is recorded unless `counts_when_warm=False` and the lead is warm.
@overload
def make_attempt(
    *,
    member: Member,
    lead: Lead,
    channel: str,
    actor,
    outcome: str = ...,
    note: str = ...,
    send: Callable[[PairState], OutboxMessage | None] | None = ...,
    counts_when_warm: Literal[True] = ...,
) -> Attempt: ...
@overload
def make_attempt(
    *,
    member: Member,
    lead: Lead,
    channel: str,
    actor,
    outcome: str = ...,
    note: str = ...,
    send: Callable[[PairState], OutboxMessage | None] | None = ...,
    counts_when_warm: bool,
) -> Attempt | None: ...


def make_attempt(
    *,
    member: Member,
    lead: Lead,
    channel: str,
    actor,
    outcome: str = "",
    note: str = "",
    send: Callable[[PairState], OutboxMessage | None] | None = None,
    counts_when_warm: bool = True,
) -> Attempt | None:
    """Lock the pair, ask the policy, then record the attempt (after `send`, in the same
    transaction) or the refusal. Raises OutreachRefused after the refusal is committed."""
    partnership = lead.partnership
    with transaction.atomic():
        pair = _lock_pair(member, lead)
        now = timezone.now()
        state = pair_state(member, lead, now)
        decision = state.decide(channel)
        if not decision.allowed:
            if decision.reason == Refusal.Reason.CEASED and not state.is_ceased:
                pair.ceased_at = now
                pair.save(update_fields=["ceased_at"])
            Refusal.objects.create(
                partnership=partnership,
                member=member,
                lead=lead,
                channel=channel,
                reason=decision.reason,
                explanation=decision.explanation[:300],
                next_allowed_at=decision.next_allowed_at,
                refused_at=now,
            )
        else:
            message = send(state) if send else None
            if not state.is_cold and not counts_when_warm:
                return None
            attempt = Attempt.objects.create(
                partnership=partnership,
                pair=pair,
                member=member,
                lead=lead,
                channel=channel,
                outcome=outcome,
                note=note.strip(),
                message=message,
                was_cold=state.is_cold,
                logged_by=actor if getattr(actor, "is_authenticated", False) else None,
                made_at=now,
            )
            # policy: cease after 8 attempts with no contact made over the window.
            reached = state.attempts_in_window + 1 >= partnership.cease_after_attempts
            if reached and outcome != CallOutcome.SPOKE:
                pair.ceased_at = now
                pair.save(update_fields=["ceased_at"])
            return attempt
    raise OutreachRefused(decision.explanation, decision)


def log_call(*, member: Member, lead: Lead, outcome: str, note: str = "", actor) -> Attempt:
    """A call the member made: no answer, a voicemail left, or they spoke (contact made)."""
    if outcome not in CallOutcome.values:
        raise OutreachRefused("Choose how the call went.")
    return make_attempt(
        member=member, lead=lead, channel=Channel.CALL, outcome=outcome, note=note, actor=actor
    )


def log_personal_message(
    *, member: Member, lead: Lead, channel: str, note: str = "", actor
) -> Attempt:
    """An email or text the member sent outside the portal: an attempt all the same."""
    if channel not in (Channel.PERSONAL_EMAIL, Channel.TEXT):
        raise OutreachRefused("Choose whether you sent a personal email or a text.")
    return make_attempt(member=member, lead=lead, channel=channel, note=note, actor=actor)


@transaction.atomic
def log_lead_reply(*, member: Member, lead: Lead, note: str = "", actor) -> LeadReply:
    """The lead answered the member outside the portal: contact made (and a cease lifted)."""
    if member.partnership_id != lead.partnership_id:
        raise OutreachRefused("This lead belongs to another partnership.")
    _lock_pair(member, lead)
    return LeadReply.objects.create(
        partnership_id=lead.partnership_id,
        member=member,
        lead=lead,
        note=note.strip(),
        logged_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
