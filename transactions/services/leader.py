"""A transaction's leader (policy: "Cross-Selling & Creation of a Transactional Team Committee"):
making a member leader, a member's proposal and the team's agreement by majority, and the open
proposal counted again when the team changes. Every write locks the transaction row first
(`committee.locked`).

The referral partner member leads whenever on the team; otherwise the team self-appoints its
leader by a majority of its active members, never while it is forming (fewer than two).
"""

from __future__ import annotations

from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.utils import timezone

from members.models import Member
from pinnacle.tenancy import record_audit
from transactions.models import LeaderAgreement, LeaderProposal, Transaction, TransactionEvent
from transactions.services import TransactionRefused
from transactions.services.committee import (
    acting_leader_id,
    active_team_ids,
    audit,
    is_forming,
    locked,
    referral_member_leads,
    require_seat,
)
from transactions.services.events import record_event

Kind = TransactionEvent.Kind


def make_leader(transaction: Transaction, member: Member, *, actor: Member, why: str) -> None:
    """Set the leader and end every open proposal (they are moot now)."""
    now = timezone.now()
    transaction.leader = member
    transaction.save(update_fields=["leader"])
    LeaderProposal.objects.for_partnership(transaction.partnership).filter(
        transaction=transaction, closed_at__isnull=True
    ).update(closed_at=now)
    summary = f"{member.display_name} leads the team ({why})"
    record_event(transaction, Kind.LEADER, summary, actor=actor)
    audit(transaction, actor, "transaction.leader_set", summary, leader=member.pk)


def team_changed(transaction: Transaction) -> None:
    """After a member joined or left: the open proposal is counted again against the new team
    (it may now have its majority; a team of one never settles)."""
    proposal = (
        LeaderProposal.objects.for_partnership(transaction.partnership)
        .filter(
            transaction=transaction,
            closed_at__isnull=True,
        )
        .select_related("candidate", "proposed_by")
        .first()
    )
    if proposal is not None:
        _settle_if_agreed(transaction, proposal, active_team_ids(transaction))


# --- The leader -------------------------------------------------------------------------------


def _majority(agreed: int, team_size: int) -> bool:
    # policy: the team self-appoints its leader: more than half of the team (two of two).
    return agreed * 2 > team_size


def _settle_if_agreed(transaction: Transaction, proposal: LeaderProposal, voters: set[int]) -> bool:
    """Settle the proposal if more than half of `voters` (the team's active members) agreed;
    never on a forming team (one member cannot appoint themselves), never for a candidate who
    left the team or is no longer active, never while the referral partner member leads."""
    if (
        is_forming(len(voters))
        or proposal.candidate_id not in voters
        or referral_member_leads(transaction, voters)
    ):
        return False
    agreed = (
        LeaderAgreement.objects.for_partnership(transaction.partnership)
        .filter(proposal=proposal, member_id__in=voters)
        .count()
    )
    if not _majority(agreed, len(voters)):
        return False
    now = timezone.now()
    candidate = proposal.candidate
    transaction.leader = candidate
    transaction.save(update_fields=["leader"])
    proposal.settled_at = proposal.closed_at = now
    proposal.save(update_fields=["settled_at", "closed_at"])
    summary = f"{candidate.display_name} leads the team ({agreed} of {len(voters)} agreed)"
    record_event(transaction, Kind.LEADER, summary, actor=proposal.proposed_by)
    record_audit(
        partnership=transaction.partnership,
        actor=None,
        action="transaction.leader_settled",
        target=transaction,
        summary=summary,
        data={"leader": candidate.pk, "proposal": proposal.pk, "agreed": agreed},
    )
    return True


def _require_voters(team: set[int], voters: set[int]) -> None:
    """A leader is appointed by a committee: two or more active members."""
    if not is_forming(len(voters)):
        return
    if is_forming(len(team)):
        raise TransactionRefused(
            "A committee is two or more members: once a second member joins the team, it "
            "appoints its leader by majority."
        )
    raise TransactionRefused(
        "Only one member of the team is still an active member: add another member before "
        "appointing a leader."
    )


@db_transaction.atomic
def propose_leader(*, transaction: Transaction, actor: Member, candidate: Member) -> LeaderProposal:
    """A team member proposes a leader (themselves or another active member of the team). The
    newest proposal is the one open; the proposer agrees by proposing. A forming team (fewer
    than two active members) proposes nobody."""
    transaction = locked(transaction, "leader", "referral_member")
    team = require_seat(transaction, actor)
    if candidate.pk not in team:
        raise TransactionRefused(f"{candidate.display_name} is not on the team.")
    if not candidate.is_active:
        raise TransactionRefused(
            f"{candidate.display_name} is no longer an active member: propose an active member "
            "of the team."
        )
    voters = active_team_ids(transaction)
    _require_voters(team, voters)
    if referral_member_leads(transaction, team) and (referral := transaction.referral_member):
        raise TransactionRefused(
            f"{referral.display_name} is the referral partner member: they lead this team."
        )
    if acting_leader_id(transaction) == candidate.pk:
        raise TransactionRefused(f"{candidate.display_name} already leads the team.")
    now = timezone.now()
    LeaderProposal.objects.for_partnership(transaction.partnership).filter(
        transaction=transaction, closed_at__isnull=True
    ).update(closed_at=now)
    proposal = LeaderProposal.objects.create(
        partnership_id=transaction.partnership_id,
        transaction=transaction,
        candidate=candidate,
        proposed_by=actor,
    )
    LeaderAgreement.objects.create(
        partnership_id=transaction.partnership_id, proposal=proposal, member=actor
    )
    summary = f"{actor.display_name} proposed {candidate.display_name} as team leader"
    record_event(transaction, Kind.LEADER, summary, actor=actor)
    audit(transaction, actor, "transaction.leader_proposed", summary, candidate=candidate.pk)
    _settle_if_agreed(transaction, proposal, voters)
    return proposal


@db_transaction.atomic
def agree_to_leader(*, proposal: LeaderProposal, actor: Member) -> bool:
    """A team member agrees to the open proposal; it is settled, once, when more than half of
    the team's active members have agreed (never on a team of one). Returns whether this
    agreement settled it."""
    transaction = locked(proposal.transaction, "leader", "referral_member")
    # Read after the lock: another member's agreement may have settled it meanwhile.
    proposal = (
        LeaderProposal.objects.for_partnership(transaction.partnership)
        .select_related("candidate", "proposed_by")
        .get(pk=proposal.pk)
    )
    team = require_seat(transaction, actor)
    if proposal.settled_at is not None:
        raise TransactionRefused(
            f"Already settled: {proposal.candidate.display_name} leads the team."
        )
    if proposal.closed_at is not None:
        raise TransactionRefused("This proposal was replaced or withdrawn; see the team page.")
    voters = active_team_ids(transaction)
    _require_voters(team, voters)
    try:
        with db_transaction.atomic():
            LeaderAgreement.objects.create(
                partnership_id=transaction.partnership_id, proposal=proposal, member=actor
            )
    except IntegrityError as exc:
        raise TransactionRefused("You already agreed to this proposal.") from exc
    summary = f"{actor.display_name} agreed to {proposal.candidate.display_name} as team leader"
    record_event(transaction, Kind.LEADER, summary, actor=actor)
    audit(transaction, actor, "transaction.leader_agreed", summary, proposal=proposal.pk)
    return _settle_if_agreed(transaction, proposal, voters)
