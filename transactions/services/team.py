"""A transaction's team (policy: "Cross-Selling & Creation of a Transactional Team Committee"):
adding and taking off members, and leadership confirming that a lone member is the whole team.
Every write locks the transaction row first (`committee.locked`); a change of team counts the
open leader proposal again (`leader`).
"""

from __future__ import annotations

from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.utils import timezone

from members.models import Member
from pinnacle.mail.services import queue_email
from transactions.models import (
    COMMITTEE_MINIMUM,
    LeaderAgreement,
    LeaderProposal,
    TeamMember,
    Transaction,
    TransactionEvent,
    TransactionStage,
)
from transactions.services import TransactionRefused
from transactions.services.committee import (
    LEADERSHIP_NOT_ON_COMMITTEES,
    OPEN_STAGES,
    acting_leader_id,
    audit,
    locked,
    require_active_member,
    require_leadership,
    require_seat,
    team_ids,
)
from transactions.services.events import record_event
from transactions.services.leader import make_leader, team_changed

Stage = TransactionStage
Kind = TransactionEvent.Kind


def _check_candidate_member(transaction: Transaction, member: Member) -> None:
    require_active_member(transaction, member)
    if member.is_leadership:
        raise TransactionRefused(LEADERSHIP_NOT_ON_COMMITTEES)


@db_transaction.atomic
def add_team_member(
    *, transaction: Transaction, actor: Member, member: Member, role: str = ""
) -> TeamMember:
    """A team member adds another partner member to the committee, who is emailed a link to the
    team page. The referral partner member joining becomes the leader."""
    transaction = locked(transaction, "leader", "referral_member", "solo_member")
    team = require_seat(transaction, actor)
    _check_candidate_member(transaction, member)
    if member.pk in team:
        raise TransactionRefused(f"{member.display_name} is already on the team.")
    try:
        with db_transaction.atomic():
            seat = TeamMember.objects.create(
                partnership_id=transaction.partnership_id,
                transaction=transaction,
                member=member,
                role=role.strip()[:80],
                added_by=actor,
            )
    except IntegrityError as exc:
        raise TransactionRefused(f"{member.display_name} is already on the team.") from exc
    summary = f"{actor.display_name} added {member.display_name} to the team"
    if seat.role:
        summary += f" as {seat.role}"
    record_event(transaction, Kind.TEAM, summary, actor=actor)
    audit(transaction, actor, "transaction.member_added", summary, added=member.pk)
    if transaction.solo_member_id is not None:
        _end_solo_confirmation(transaction, actor)
    if transaction.referral_member_id == member.pk and transaction.leader_id != member.pk:
        make_leader(transaction, member, actor=actor, why="the referral partner member")
    else:
        team_changed(transaction)
    member.partnership = transaction.partnership
    queue_email(
        partnership=transaction.partnership,
        key=f"transaction:{transaction.pk}:team-added:{seat.pk}",
        template="leads/team_added",
        to=member.email,
        context={
            "recipient": member,
            "added_by": actor,
            "seat": seat,
            "transaction": transaction,
            "team_url": transaction.partnership.absolute_url(transaction.get_absolute_url()),
        },
        about=transaction,
    )
    return seat


@db_transaction.atomic
def remove_team_member(*, transaction: Transaction, actor: Member, member: Member) -> None:
    """The leader takes a member off the team (never themselves); any member of the team takes
    off one who is no longer an active member (a leader among them: the team then appoints
    another). Once past its first stage a transaction keeps its committee of two or more."""
    transaction = locked(transaction, "leader", "referral_member")
    team = require_seat(transaction, actor)
    leader_id = acting_leader_id(transaction)
    if member.is_active and leader_id != actor.pk:
        raise TransactionRefused(
            "Only the team leader can take a member off the team (any member can take off "
            "one who is no longer an active member)."
        )
    if member.pk == leader_id:
        raise TransactionRefused("The team leader stays on the team.")
    if member.pk not in team:
        raise TransactionRefused(f"{member.display_name} is not on the team.")
    if transaction.stage != Stage.OPENED and len(team) <= COMMITTEE_MINIMUM:
        raise TransactionRefused(
            "A committee is two or more members: add someone else before taking "
            f"{member.display_name} off the team."
        )
    TeamMember.objects.for_partnership(transaction.partnership).filter(
        transaction=transaction, member=member
    ).delete()
    open_proposals = LeaderProposal.objects.for_partnership(transaction.partnership).filter(
        transaction=transaction, closed_at__isnull=True
    )
    # Off the team, their agreement no longer counts; a proposal to make them leader ends.
    LeaderAgreement.objects.filter(proposal__in=open_proposals, member=member).delete()
    open_proposals.filter(candidate=member).update(closed_at=timezone.now())
    summary = f"{actor.display_name} took {member.display_name} off the team"
    if not member.is_active:
        summary += " (no longer an active member)"
    record_event(transaction, Kind.TEAM, summary, actor=actor)
    audit(
        transaction,
        actor,
        "transaction.member_removed",
        summary,
        removed=member.pk,
        inactive=not member.is_active,
    )
    if transaction.leader_id == member.pk:
        # An inactive leader taken off: the team appoints another.
        transaction.leader = None
        transaction.save(update_fields=["leader"])
        summary = f"{member.display_name} no longer leads the team: the team appoints a leader"
        record_event(transaction, Kind.LEADER, summary, actor=actor)
        audit(transaction, actor, "transaction.leader_cleared", summary, leader=member.pk)
    team_changed(transaction)


# --- A team of one ----------------------------------------------------------------------------


@db_transaction.atomic
def confirm_whole_team(*, transaction: Transaction, actor: Member) -> Transaction:
    """Leadership confirms that the lone member of a transaction's team is the whole team: the
    transaction may then leave its first stage, that member leads it, and closing it starts the
    three post-close duties as for any committee. Recorded on the transaction's timeline and
    audited (who, when); a second member joining later ends it (`add_team_member`)."""
    # policy: the post-close process is owed "for every customer", one served by a single
    # member included; a committee is otherwise "two or more partner members".
    transaction = locked(transaction, "leader", "referral_member")
    require_leadership(transaction, actor, "confirms that one member is the whole team")
    if transaction.stage not in OPEN_STAGES:
        raise TransactionRefused(
            f"The transaction is {transaction.get_stage_display().lower()}: only an open "
            "transaction's team is confirmed."
        )
    team = team_ids(transaction)
    if len(team) != 1:
        raise TransactionRefused(
            f"The team has {len(team)} members: it is a committee and needs no confirmation."
        )
    (member_id,) = team
    member = Member.objects.for_partnership(transaction.partnership).get(pk=member_id)
    if not member.is_active:
        raise TransactionRefused(
            f"{member.display_name} is no longer an active member: they cannot work it alone."
        )
    if transaction.solo_member_id == member.pk:
        raise TransactionRefused(f"Already confirmed: {member.display_name} is the whole team.")
    if transaction.referral_member_id == member.pk:
        raise TransactionRefused(
            f"{member.display_name} is the referral partner member: they may work it alone "
            "without a confirmation."
        )
    transaction.solo_member = member
    transaction.solo_confirmed_by = actor
    transaction.solo_confirmed_at = timezone.now()
    transaction.save(update_fields=["solo_member", "solo_confirmed_by", "solo_confirmed_at"])
    summary = (
        f"{actor.display_name} (leadership) confirmed that {member.display_name} is the whole team"
    )
    record_event(transaction, Kind.TEAM, summary, actor=actor)
    audit(transaction, actor, "transaction.whole_team_confirmed", summary, solo_member=member.pk)
    if transaction.leader_id != member.pk:
        make_leader(transaction, member, actor=actor, why="the whole team, as leadership confirmed")
    return transaction


def _end_solo_confirmation(transaction: Transaction, actor: Member) -> None:
    """A second member joined: the team is a committee, and leadership's confirmation that its
    lone member was the whole team no longer holds (they stay leader until the team decides)."""
    solo = transaction.solo_member
    transaction.solo_member = transaction.solo_confirmed_by = transaction.solo_confirmed_at = None
    transaction.save(update_fields=["solo_member", "solo_confirmed_by", "solo_confirmed_at"])
    summary = (
        f"The team is now a committee: leadership's confirmation that "
        f"{solo.display_name if solo else 'its lone member'} was the whole team no longer applies"
    )
    record_event(transaction, Kind.TEAM, summary, actor=actor)
    audit(transaction, actor, "transaction.whole_team_ended", summary)
