"""Transactions and their team committees (policy: "Cross-Selling & Creation of a
Transactional Team Committee"): opening one, its stage and its details here; its team in
`team`, its leader in `leader`, the rules they share (forming, working
alone) in `committee`; this module still exposes their use cases for its callers. Notes,
documents and the customer's written authorizations are in `records`. Every write
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

from django.db import transaction as db_transaction
from django.utils import timezone
from django.utils.formats import date_format

from leads.models import Lead
from members.models import Member
from pinnacle.models import Partnership
from transactions.models import (  # noqa: F401 (the team page reads COMMITTEE_MINIMUM here)
    COMMITTEE_MINIMUM,
    TeamMember,
    Transaction,
    TransactionEvent,
    TransactionKind,
    TransactionStage,
)
from transactions.selectors import team_transactions
from transactions.services import TransactionRefused
from transactions.services.committee import (  # noqa: F401 (callers read these here)
    LEADERSHIP_NOT_ON_COMMITTEES,
    OPEN_STAGES,
    acting_leader_id,
    active_team_ids,
    audit,
    is_forming,
    locked,
    referral_member_leads,
    removable_ids,
    require_active_member,
    require_leadership,
    require_seat,
    stays_forming,
    team_ids,
    works_alone,
)
from transactions.services.events import record_event
from transactions.services.leader import agree_to_leader, propose_leader  # noqa: F401
from transactions.services.postclose import schedule_post_close
from transactions.services.team import (  # noqa: F401 (callers read these here)
    add_team_member,
    confirm_whole_team,
    remove_team_member,
)
from transactions.signals import transaction_stage_changed

Stage = TransactionStage
Kind = TransactionEvent.Kind

MAX_VALUE = decimal.Decimal("9999999999.99")

# Where a transaction may go from each stage; closed is final.
STAGE_MOVES: dict[str, tuple[str, ...]] = {
    Stage.OPENED: (Stage.UNDER_CONTRACT, Stage.CLOSED, Stage.FELL_THROUGH),
    Stage.UNDER_CONTRACT: (Stage.OPENED, Stage.CLOSED, Stage.FELL_THROUGH),
    Stage.FELL_THROUGH: (Stage.OPENED,),
    Stage.CLOSED: (),
}


def opened_on(transaction: Transaction) -> datetime.date:
    """The partnership's date on the day the transaction was opened."""
    return transaction.partnership.localtime(transaction.created_at).date()


class AlreadyOpen(TransactionRefused):
    """The member already works an open transaction of this kind for this lead: `transaction`."""

    def __init__(self, message: str, transaction: Transaction):
        super().__init__(message)
        self.transaction = transaction


def _check_details(*, kind: str, value: decimal.Decimal | None, property_address: str) -> None:
    if kind not in TransactionKind.values:
        raise TransactionRefused("Choose the kind of transaction: buy, sell, refinance or other.")
    if value is not None and not (0 <= value <= MAX_VALUE):
        raise TransactionRefused("Enter the value as an amount from 0 to 9,999,999,999.99.")
    if len(property_address) > 250:
        raise TransactionRefused("Shorten the property address to at most 250 characters.")


# --- Opening --------------------------------------------------------------------------------------


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
        raise TransactionRefused("Only an active partner member of this partnership can open it.")
    if member.is_leadership:
        raise TransactionRefused(LEADERSHIP_NOT_ON_COMMITTEES)
    property_address = property_address.strip()
    _check_details(kind=kind, value=value, property_address=property_address)
    lead = _lock_lead(lead.pk, lead.partnership)
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


def _lock_lead(lead_id: int, partnership: Partnership) -> Lead:
    """The lead's row, locked: opens of its transactions (and a change of kind) go one after the
    other, so that a double click opens one."""
    return (
        Lead.objects.for_partnership(partnership)
        .select_for_update(of=("self",))
        .select_related("referring_member")
        .get(pk=lead_id)
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
    found = existing.select_related("partnership").order_by("created_at", "pk").first()
    if found is None:
        return
    where = f"opened on {date_format(opened_on(found))}"
    if found.stage != Stage.OPENED:
        where += f", {found.get_stage_display().lower()}"
    raise AlreadyOpen(
        f"You are already on an open {found.get_kind_display().lower()} transaction for "
        f"{lead.name} ({where}): work on it there rather than {doing}. A transaction of another "
        "kind is fine.",
        found,
    )


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
        raise TransactionRefused("Choose a stage: opened, under contract, closed or fell through.")
    if transaction.stage == Stage.CLOSED:
        raise TransactionRefused("This transaction is closed; a close is final.")
    if stage == transaction.stage:
        raise TransactionRefused(
            f"The transaction is already {transaction.get_stage_display().lower()}."
        )
    if stays_forming(transaction, team):
        raise TransactionRefused(
            "A committee is two or more members: until a second member joins (or leadership "
            "confirms you are the whole team), this transaction is forming and cannot move past "
            "its first stage."
        )
    if stage not in STAGE_MOVES[transaction.stage]:
        raise TransactionRefused(
            f"A transaction that {transaction.get_stage_display().lower()} can only be reopened."
            if transaction.stage == Stage.FELL_THROUGH
            else "That move is not allowed from this stage."
        )
    if stage in OPEN_STAGES and transaction.stage not in OPEN_STAGES:
        _refuse_a_second_open(
            lead=_lock_lead(transaction.lead_id, transaction.partnership),
            member=actor,
            kind=transaction.kind,
            other_than=transaction,
            doing="reopening this one",
        )
    previous = transaction.get_stage_display()
    fields = ["stage", "stage_changed_at"]
    if stage == Stage.CLOSED:
        transaction.closed_on = _close_date(transaction, closed_on)
        fields.append("closed_on")
    transaction.stage = stage
    transaction.stage_changed_at = timezone.now()
    transaction.save(update_fields=fields)
    summary = f"{actor.display_name} moved the transaction from {previous} to "
    summary += transaction.get_stage_display()
    if stage == Stage.CLOSED:
        assert transaction.closed_on is not None, "set above"  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction
        summary += f" (closed on {date_format(transaction.closed_on)})"
        schedule_post_close(transaction)
    record_event(transaction, Kind.STAGE, summary, actor=actor)
    audit(transaction, actor, "transaction.stage_changed", summary, stage=stage)
    transaction_stage_changed.send(sender=Transaction, transaction=transaction)
    return transaction


def _close_date(transaction: Transaction, closed_on: datetime.date | None) -> datetime.date:
    """The day the transaction closes (today when none is given), once it has an acting leader:
    from the day it was opened to the partnership's today."""
    # policy: the leader directs leadership in their post-sale/close duties.
    if transaction.leader_id is None:
        raise TransactionRefused(
            "Choose a team leader before closing: the leader directs leadership's "
            "post-close duties."
        )
    if acting_leader_id(transaction) is None and transaction.leader is not None:
        raise TransactionRefused(
            f"{transaction.leader.display_name}, the team leader, is no longer an active "
            "member: the team appoints another leader before closing."
        )
    today = transaction.partnership.today()
    closed_on = closed_on or today
    if closed_on > today:
        raise TransactionRefused("The close date cannot be in the future.")
    opened = opened_on(transaction)
    if closed_on < opened:
        raise TransactionRefused(
            f"The close date cannot be before the transaction was opened, on {date_format(opened)}."
        )
    return closed_on


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
            lead=_lock_lead(transaction.lead_id, transaction.partnership),
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
