"""Transactions and their team committees (policy: "Cross-Selling & Creation of a
Transactional Team Committee"): opening one, its team, its leader, its stage and details. Notes,
documents and the customer's written authorizations are in `transaction_records`. Every write
locks the transaction row first (`committee.locked`), so two members acting at once are applied
one after the other.

A team of one is "forming" and stays at its first stage, unless it works alone: leadership
confirmed its lone member is the whole team, or that member is the referral partner member
(`works_alone`). It then moves and closes like a committee, with the same post-close duties.

Leader rules: the referral partner member leads whenever on the team; otherwise the team
self-appoints its leader by a majority of its active members, never while it is forming (fewer
than two). A member no longer active never counts as the leader or as the referral member who
leads: the team appoints another, and any of its members takes them off the team.

Who may write: only members with a seat on the team. Leadership (which sees every transaction
for its post-close duties) and a member named in a customer's written authorization read the
transaction; every service below refuses them, whoever calls it (views, admin, shell).
"""

from __future__ import annotations

import datetime
import decimal

from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.utils import timezone
from django.utils.formats import date_format

from leads.models import (
    COMMITTEE_MINIMUM,
    Lead,
    LeaderAgreement,
    LeaderProposal,
    TeamMember,
    Transaction,
    TransactionEvent,
    TransactionKind,
    TransactionStage,
)
from leads.selectors.transactions import team_transactions
from leads.services import LeadRefused
from leads.services.committee import (
    acting_leader_id,
    active_team_ids,
    audit,
    locked,
    referral_member_leads,
    require_active_member,
    require_leadership,
    require_seat,
    team_ids,
)
from leads.services.events import record_event
from leads.services.postclose import schedule_post_close
from leads.signals import transaction_stage_changed
from members.models import Member
from pinnacle.mail.services import queue_email
from pinnacle.tenancy import record_audit

Stage = TransactionStage
Kind = TransactionEvent.Kind

MAX_VALUE = decimal.Decimal("9999999999.99")
# A transaction is open until it closes or falls through.
OPEN_STAGES = (Stage.OPENED, Stage.UNDER_CONTRACT)

# Where a transaction may go from each stage; closed is final.
STAGE_MOVES: dict[str, tuple[str, ...]] = {
    Stage.OPENED: (Stage.UNDER_CONTRACT, Stage.CLOSED, Stage.FELL_THROUGH),
    Stage.UNDER_CONTRACT: (Stage.OPENED, Stage.CLOSED, Stage.FELL_THROUGH),
    Stage.FELL_THROUGH: (Stage.OPENED,),
    Stage.CLOSED: (),
}

LEADERSHIP_NOT_ON_COMMITTEES = (
    "Administrative leadership is not on transaction committees: it sees every transaction "
    "for its post-close duties, but a team is made of partner members."
)


# --- Checks -----------------------------------------------------------------------------------


def is_forming(team_size: int) -> bool:
    """A committee is two or more members; until then the transaction is "forming"."""
    return team_size < COMMITTEE_MINIMUM


def works_alone(transaction: Transaction, team: set[int]) -> bool:
    """Whether a team of one (`team`: member ids) may work the transaction alone: leadership
    confirmed its lone member is the whole team, or that member is the referral partner member.
    Reads `solo_member_id` and `referral_member_id` of the row."""
    if len(team) != 1:
        return False
    (only,) = team
    return only in (transaction.solo_member_id, transaction.referral_member_id)


def stays_forming(transaction: Transaction, team: set[int]) -> bool:
    """policy: a committee is "two or more partner members"; until then the transaction is
    forming and cannot leave its first stage, unless its lone member works alone."""
    return is_forming(len(team)) and not works_alone(transaction, team)


def opened_on(transaction: Transaction) -> datetime.date:
    """The partnership's date on the day the transaction was opened."""
    return transaction.partnership.localtime(transaction.created_at).date()


def removable_ids(transaction: Transaction, seats: list[TeamMember], actor: Member) -> set[int]:
    """The member ids among `seats` (the team, with their members) that `actor` may take off
    the team, for the team page (`remove_team_member` decides): the leader takes off any other
    member; anyone on the team takes off a member who is no longer active."""
    if actor.pk not in {seat.member_id for seat in seats} or not actor.is_active:
        return set()
    leader_id = acting_leader_id(transaction)
    return {
        seat.member_id
        for seat in seats
        if not seat.member.is_active or (actor.pk == leader_id and seat.member_id != leader_id)
    }


class AlreadyOpen(LeadRefused):
    """The member already works an open transaction of this kind for this lead: `transaction`."""

    def __init__(self, message: str, transaction: Transaction):
        super().__init__(message)
        self.transaction = transaction


def _check_candidate_member(transaction: Transaction, member: Member) -> None:
    require_active_member(transaction, member)
    if member.is_leadership:
        raise LeadRefused(LEADERSHIP_NOT_ON_COMMITTEES)


def _check_details(*, kind: str, value: decimal.Decimal | None, property_address: str) -> None:
    if kind not in TransactionKind.values:
        raise LeadRefused("Choose the kind of transaction: buy, sell, refinance or other.")
    if value is not None and not (0 <= value <= MAX_VALUE):
        raise LeadRefused("Enter the value as an amount from 0 to 9,999,999,999.99.")
    if len(property_address) > 250:
        raise LeadRefused("Shorten the property address to at most 250 characters.")


# --- Opening and the team ---------------------------------------------------------------------


@db_transaction.atomic
def open_transaction(
    *,
    lead: Lead,
    member: Member,
    kind: str,
    role: str = "",
    property_address: str = "",
    expected_close_on: datetime.date | None = None,
    value: decimal.Decimal | None = None,
) -> Transaction:
    """A member who works the lead opens its transaction; the lead becomes the customer and
    the opener takes the first seat on the team. The lead's referring member at this moment is
    the referral partner member: the team's leader whenever they are on it.

    A member works one open transaction of a kind for a lead at a time: while one of theirs is
    open (not closed, not fallen through), a second of the same kind is refused (`AlreadyOpen`,
    naming it); another kind (a sale beside a purchase) is fine."""
    if member.partnership_id != lead.partnership_id or not member.is_active:
        raise LeadRefused("Only an active partner member of this partnership can open it.")
    if member.is_leadership:
        raise LeadRefused(LEADERSHIP_NOT_ON_COMMITTEES)
    property_address = property_address.strip()
    _check_details(kind=kind, value=value, property_address=property_address)
    lead = _lock_lead(lead.pk, lead.partnership_id)
    _refuse_a_second_open(lead=lead, member=member, kind=kind)
    referral_member = lead.referring_member
    transaction = Transaction.objects.create(
        partnership_id=lead.partnership_id,
        lead=lead,
        kind=kind,
        property_address=property_address,
        expected_close_on=expected_close_on,
        value=value,
        referral_member=referral_member,
        # policy: the referral partner member takes up the helm as team leader.
        leader=member if referral_member is not None and referral_member.pk == member.pk else None,
        opened_by=member,
    )
    TeamMember.objects.create(
        partnership_id=lead.partnership_id,
        transaction=transaction,
        member=member,
        role=role.strip()[:80],
        added_by=member,
    )
    kind_label = transaction.get_kind_display().lower()
    summary = f"{member.display_name} opened the {kind_label} transaction"
    if transaction.leader_id:
        summary += " and leads its team as the referral partner member"
    record_event(transaction, Kind.OPENED, summary, actor=member)
    audit(transaction, member, "transaction.opened", summary, lead=lead.pk)
    transaction_stage_changed.send(sender=Transaction, transaction=transaction)
    return transaction


def _lock_lead(lead_id: int, partnership_id: int) -> Lead:
    """The lead's row, locked: opens of its transactions (and a change of kind) go one after the
    other, so that a double click opens one."""
    return (
        Lead.objects.select_for_update(of=("self",))
        .select_related("referring_member")
        .get(pk=lead_id, partnership_id=partnership_id)
    )


def _refuse_a_second_open(
    *,
    lead: Lead,
    member: Member,
    kind: str,
    other_than: Transaction | None = None,
    doing: str = "opening a second one",
) -> None:
    """A member works one open transaction of a kind for a lead at a time: refuses, naming it,
    while one of theirs (a team they are on) is open."""
    existing = team_transactions(member).filter(lead=lead, kind=kind, stage__in=OPEN_STAGES)
    if other_than is not None:
        existing = existing.exclude(pk=other_than.pk)
    existing = existing.select_related("partnership").order_by("created_at", "pk").first()
    if existing is None:
        return
    where = f"opened on {date_format(opened_on(existing))}"
    if existing.stage != Stage.OPENED:
        where += f", {existing.get_stage_display().lower()}"
    raise AlreadyOpen(
        f"You are already on an open {existing.get_kind_display().lower()} transaction for "
        f"{lead.name} ({where}): work on it there rather than {doing}. A transaction of another "
        "kind is fine.",
        existing,
    )


def _make_leader(transaction: Transaction, member: Member, *, actor: Member, why: str) -> None:
    """Set the leader and end every open proposal (they are moot now)."""
    now = timezone.now()
    transaction.leader = member
    transaction.save(update_fields=["leader"])
    LeaderProposal.objects.filter(
        partnership_id=transaction.partnership_id, transaction=transaction, closed_at__isnull=True
    ).update(closed_at=now)
    summary = f"{member.display_name} leads the team ({why})"
    record_event(transaction, Kind.LEADER, summary, actor=actor)
    audit(transaction, actor, "transaction.leader_set", summary, leader=member.pk)


def _team_changed(transaction: Transaction) -> None:
    """After a member joined or left: the open proposal is counted again against the new team
    (it may now have its majority; a team of one never settles)."""
    proposal = (
        LeaderProposal.objects.filter(
            partnership_id=transaction.partnership_id,
            transaction=transaction,
            closed_at__isnull=True,
        )
        .select_related("candidate", "proposed_by")
        .first()
    )
    if proposal is not None:
        _settle_if_agreed(transaction, proposal, active_team_ids(transaction))


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
        raise LeadRefused(f"{member.display_name} is already on the team.")
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
        raise LeadRefused(f"{member.display_name} is already on the team.") from exc
    summary = f"{actor.display_name} added {member.display_name} to the team"
    if seat.role:
        summary += f" as {seat.role}"
    record_event(transaction, Kind.TEAM, summary, actor=actor)
    audit(transaction, actor, "transaction.member_added", summary, added=member.pk)
    if transaction.solo_member_id is not None:
        _end_solo_confirmation(transaction, actor)
    if transaction.referral_member_id == member.pk and transaction.leader_id != member.pk:
        _make_leader(transaction, member, actor=actor, why="the referral partner member")
    else:
        _team_changed(transaction)
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
        raise LeadRefused(
            "Only the team leader can take a member off the team (any member can take off "
            "one who is no longer an active member)."
        )
    if member.pk == leader_id:
        raise LeadRefused("The team leader stays on the team.")
    if member.pk not in team:
        raise LeadRefused(f"{member.display_name} is not on the team.")
    if transaction.stage != Stage.OPENED and len(team) <= COMMITTEE_MINIMUM:
        raise LeadRefused(
            "A committee is two or more members: add someone else before taking "
            f"{member.display_name} off the team."
        )
    TeamMember.objects.filter(
        partnership_id=transaction.partnership_id, transaction=transaction, member=member
    ).delete()
    open_proposals = LeaderProposal.objects.filter(
        partnership_id=transaction.partnership_id, transaction=transaction, closed_at__isnull=True
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
    _team_changed(transaction)


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
    agreed = LeaderAgreement.objects.filter(
        partnership_id=transaction.partnership_id, proposal=proposal, member_id__in=voters
    ).count()
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
        raise LeadRefused(
            "A committee is two or more members: once a second member joins the team, it "
            "appoints its leader by majority."
        )
    raise LeadRefused(
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
        raise LeadRefused(f"{candidate.display_name} is not on the team.")
    if not candidate.is_active:
        raise LeadRefused(
            f"{candidate.display_name} is no longer an active member: propose an active member "
            "of the team."
        )
    voters = active_team_ids(transaction)
    _require_voters(team, voters)
    if referral_member_leads(transaction, team):
        raise LeadRefused(
            f"{transaction.referral_member.display_name} is the referral partner member: "
            "they lead this team."
        )
    if acting_leader_id(transaction) == candidate.pk:
        raise LeadRefused(f"{candidate.display_name} already leads the team.")
    now = timezone.now()
    LeaderProposal.objects.filter(
        partnership_id=transaction.partnership_id, transaction=transaction, closed_at__isnull=True
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
    proposal = LeaderProposal.objects.select_related("candidate", "proposed_by").get(
        pk=proposal.pk, partnership_id=transaction.partnership_id
    )
    team = require_seat(transaction, actor)
    if proposal.settled_at is not None:
        raise LeadRefused(f"Already settled: {proposal.candidate.display_name} leads the team.")
    if proposal.closed_at is not None:
        raise LeadRefused("This proposal was replaced or withdrawn; see the team page.")
    voters = active_team_ids(transaction)
    _require_voters(team, voters)
    try:
        with db_transaction.atomic():
            LeaderAgreement.objects.create(
                partnership_id=transaction.partnership_id, proposal=proposal, member=actor
            )
    except IntegrityError as exc:
        raise LeadRefused("You already agreed to this proposal.") from exc
    summary = f"{actor.display_name} agreed to {proposal.candidate.display_name} as team leader"
    record_event(transaction, Kind.LEADER, summary, actor=actor)
    audit(transaction, actor, "transaction.leader_agreed", summary, proposal=proposal.pk)
    return _settle_if_agreed(transaction, proposal, voters)


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
        raise LeadRefused(
            f"The transaction is {transaction.get_stage_display().lower()}: only an open "
            "transaction's team is confirmed."
        )
    team = team_ids(transaction)
    if len(team) != 1:
        raise LeadRefused(
            f"The team has {len(team)} members: it is a committee and needs no confirmation."
        )
    (member_id,) = team
    member = Member.objects.for_partnership(transaction.partnership).get(pk=member_id)
    if not member.is_active:
        raise LeadRefused(
            f"{member.display_name} is no longer an active member: they cannot work it alone."
        )
    if transaction.solo_member_id == member.pk:
        raise LeadRefused(f"Already confirmed: {member.display_name} is the whole team.")
    if transaction.referral_member_id == member.pk:
        raise LeadRefused(
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
        _make_leader(
            transaction, member, actor=actor, why="the whole team, as leadership confirmed"
        )
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


# --- Stage and details ------------------------------------------------------------------------


def allowed_moves(transaction: Transaction) -> tuple[str, ...]:
    return STAGE_MOVES[transaction.stage]


@db_transaction.atomic
def change_stage(
    *,
    transaction: Transaction,
    actor: Member,
    stage: str,
    closed_on: datetime.date | None = None,
) -> Transaction:
    """The team moves the transaction along; closing it needs a leader (who directs
    leadership's post-close duties) and a close date from the day it was opened to today (the
    partnership's days), and starts the post-close steps in the same transaction."""
    transaction = locked(transaction, "leader", "referral_member")
    team = require_seat(transaction, actor)
    if stage not in Stage.values:
        raise LeadRefused("Choose a stage: opened, under contract, closed or fell through.")
    if transaction.stage == Stage.CLOSED:
        raise LeadRefused("This transaction is closed; a close is final.")
    if stage == transaction.stage:
        raise LeadRefused(f"The transaction is already {transaction.get_stage_display().lower()}.")
    if stays_forming(transaction, team):
        raise LeadRefused(
            "A committee is two or more members: until a second member joins (or leadership "
            "confirms you are the whole team), this transaction is forming and cannot move past "
            "its first stage."
        )
    if stage not in STAGE_MOVES[transaction.stage]:
        raise LeadRefused(
            f"A transaction that {transaction.get_stage_display().lower()} can only be reopened."
            if transaction.stage == Stage.FELL_THROUGH
            else "That move is not allowed from this stage."
        )
    if stage in OPEN_STAGES and transaction.stage not in OPEN_STAGES:
        _refuse_a_second_open(
            lead=_lock_lead(transaction.lead_id, transaction.partnership_id),
            member=actor,
            kind=transaction.kind,
            other_than=transaction,
            doing="reopening this one",
        )
    previous = transaction.get_stage_display()
    fields = ["stage", "stage_changed_at"]
    if stage == Stage.CLOSED:
        # policy: the leader directs leadership in their post-sale/close duties.
        if transaction.leader_id is None:
            raise LeadRefused(
                "Choose a team leader before closing: the leader directs leadership's "
                "post-close duties."
            )
        if acting_leader_id(transaction) is None:
            raise LeadRefused(
                f"{transaction.leader.display_name}, the team leader, is no longer an active "
                "member: the team appoints another leader before closing."
            )
        today = transaction.partnership.today()
        closed_on = closed_on or today
        if closed_on > today:
            raise LeadRefused("The close date cannot be in the future.")
        opened = opened_on(transaction)
        if closed_on < opened:
            raise LeadRefused(
                f"The close date cannot be before the transaction was opened, on "
                f"{date_format(opened)}."
            )
        transaction.closed_on = closed_on
        fields.append("closed_on")
    transaction.stage = stage
    transaction.stage_changed_at = timezone.now()
    transaction.save(update_fields=fields)
    summary = f"{actor.display_name} moved the transaction from {previous} to "
    summary += transaction.get_stage_display()
    if stage == Stage.CLOSED:
        summary += f" (closed on {date_format(transaction.closed_on)})"
        schedule_post_close(transaction)
    record_event(transaction, Kind.STAGE, summary, actor=actor)
    audit(transaction, actor, "transaction.stage_changed", summary, stage=stage)
    transaction_stage_changed.send(sender=Transaction, transaction=transaction)
    return transaction


@db_transaction.atomic
def update_transaction_details(
    *,
    transaction: Transaction,
    actor: Member,
    kind: str,
    property_address: str = "",
    expected_close_on: datetime.date | None = None,
    value: decimal.Decimal | None = None,
) -> Transaction:
    """The team corrects what the transaction is about; each change is on its timeline."""
    transaction = locked(transaction)
    require_seat(transaction, actor)
    property_address = property_address.strip()
    _check_details(kind=kind, value=value, property_address=property_address)
    new = {
        "kind": kind,
        "property_address": property_address,
        "expected_close_on": expected_close_on,
        "value": value,
    }
    changed = [name for name, v in new.items() if getattr(transaction, name) != v]
    if not changed:
        return transaction
    if "kind" in changed and transaction.stage in OPEN_STAGES:
        _refuse_a_second_open(
            lead=_lock_lead(transaction.lead_id, transaction.partnership_id),
            member=actor,
            kind=kind,
            other_than=transaction,
            doing="making this one a second",
        )
    old = {name: getattr(transaction, name) for name in changed}
    for name in changed:
        setattr(transaction, name, new[name])
    transaction.save(update_fields=changed)
    summary = f"{actor.display_name} updated the " + ", ".join(
        DETAIL_LABELS[n].lower() for n in changed
    )
    # What each change was, old → new, on the transaction's timeline.
    body = "\n".join(
        f"{DETAIL_LABELS[n]}: {_shown(n, old[n])} \u2192 {_shown(n, new[n])}" for n in changed
    )
    record_event(transaction, Kind.DETAILS, summary, actor=actor, body=body)
    audit(
        transaction,
        actor,
        "transaction.details_updated",
        summary,
        changed={name: str(new[name] if new[name] is not None else "") for name in changed},
        was={name: str(old[name] if old[name] is not None else "") for name in changed},
    )
    return transaction


DETAIL_LABELS = {
    "kind": "Kind",
    "property_address": "Property address",
    "expected_close_on": "Expected close date",
    "value": "Value",
}


def _shown(name: str, value) -> str:
    """A detail as the timeline says it: "$425,000.00", "June 1, 2025", "Refinance"."""
    if value is None or value == "":
        return "not set"
    if name == "kind":
        return TransactionKind(value).label
    if name == "value":
        return f"${value:,.2f}"
    if name == "expected_close_on":
        return date_format(value)
    return str(value)
