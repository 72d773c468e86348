"""Moving a referral's stage: by hand (`advance_referral`), or following the lead's transaction
(`follow_transaction`, and `catch_up_with_transaction` when a referral joins a lead that already
moved), but only when the referral's owner may see that transaction. Also the row helpers the
other referral modules share (the lock, the history event, a value's cleaning).
"""

from __future__ import annotations

import decimal

from django.db import transaction
from django.utils import timezone

from advocates.models import Direction, Referral, ReferralEvent, ReferralStage
from advocates.services import AdvocatesRefused
from advocates.services.overview import circles_changed
from members.models import Member
from transactions.models import Transaction, TransactionStage
from transactions.selectors import visible_transactions

OPEN_STAGES = (ReferralStage.RECEIVED, ReferralStage.CONTACTED, ReferralStage.UNDER_CONTRACT)
FINAL_STAGES = (ReferralStage.CLOSED, ReferralStage.LOST)
MAX_VALUE = decimal.Decimal("9999999999.99")


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _clean_value(value) -> decimal.Decimal | None:
    if value in (None, ""):
        return None
    try:
        value = decimal.Decimal(str(value))
    except ArithmeticError as exc:
        raise AdvocatesRefused("A value is an amount in dollars.") from exc
    if not value.is_finite() or value < 0 or value > MAX_VALUE:
        raise AdvocatesRefused("A value is an amount from $0 up.")
    return value.quantize(decimal.Decimal("0.01"))


def _event(referral: Referral, summary: str, actor=None, message=None) -> ReferralEvent:
    return ReferralEvent.objects.create(
        partnership_id=referral.partnership_id,
        referral=referral,
        stage=referral.stage,
        summary=summary[:300],
        message=message,
        actor=_user(actor),
    )


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("contact")
        .get(pk=referral.pk)
    )


def _move(referral: Referral, stage: str, summary: str, actor=None) -> None:
    referral.stage = stage
    referral.stage_changed_at = timezone.now()
    fields = ["stage", "stage_changed_at", "closed_value"]
    if referral.direction == Direction.RECEIVED:
        # The referrer has not been told yet: the pages prompt for a progress note.
        referral.untold_stage = stage
        fields.append("untold_stage")
    referral.save(update_fields=fields)
    circles_changed(referral.partnership_id)
    _event(referral, summary, actor)


@transaction.atomic
def advance_referral(
    *,
    referral: Referral,
    stage: str,
    actor=None,
    reopen: bool = False,
    closed_value=None,
) -> Referral:
    """The member moves a referral by hand. From an open stage it may go to any other stage
    (Lost from any of them); Closed and Lost are final unless reopened explicitly."""
    if stage not in ReferralStage.values:
        raise AdvocatesRefused("Choose a stage: Received, Contacted, Under contract, Closed, Lost.")
    closed_value = _clean_value(closed_value)
    referral = _locked(referral)
    label = ReferralStage(stage).label
    if stage == referral.stage:
        raise AdvocatesRefused(f"This referral is already {label.lower()}.")
    if referral.stage in FINAL_STAGES:
        if not reopen:
            raise AdvocatesRefused(
                f"This referral is {referral.get_stage_display().lower()}: reopen it to move it."
            )
        if stage in FINAL_STAGES:
            raise AdvocatesRefused("Reopen a referral to one of its open stages.")
    if stage == ReferralStage.CLOSED:
        referral.closed_value = closed_value if closed_value is not None else referral.closed_value
    elif referral.stage == ReferralStage.CLOSED:
        referral.closed_value = None
    verb = "Reopened" if referral.stage in FINAL_STAGES else "Moved"
    _move(referral, stage, f"{verb} to {label} by hand", actor)
    return referral


# How a transaction's stage moves the received referrals for its lead (when the owner may see
# the transaction): from which referral stages, to which.
FOLLOW: dict[str, tuple[tuple[str, ...], str]] = {
    TransactionStage.OPENED: ((ReferralStage.RECEIVED,), ReferralStage.CONTACTED),
    TransactionStage.UNDER_CONTRACT: (
        (ReferralStage.RECEIVED, ReferralStage.CONTACTED),
        ReferralStage.UNDER_CONTRACT,
    ),
    TransactionStage.CLOSED: (OPEN_STAGES, ReferralStage.CLOSED),
    TransactionStage.FELL_THROUGH: (
        (ReferralStage.RECEIVED, ReferralStage.UNDER_CONTRACT),
        ReferralStage.CONTACTED,
    ),
}


@transaction.atomic
def follow_transaction(*, transaction_: Transaction) -> list[Referral]:
    """The lead's transaction opened or moved: each member's received referral for that lead
    follows it, if that member may see the transaction (confidentiality: a member off the
    committee, without the customer's written authorization, learns nothing from it)."""
    rule = FOLLOW.get(transaction_.stage)
    if rule is None:
        return []
    from_stages, to_stage = rule
    referrals = list(
        Referral.objects.filter(
            partnership_id=transaction_.partnership_id,
            lead_id=transaction_.lead_id,
            direction=Direction.RECEIVED,
            stage__in=from_stages,
        )
        .select_for_update()
        .order_by("pk")
    )
    moved = []
    owners: dict[int, bool] = {}
    for referral in referrals:
        if referral.owner_id not in owners:
            owner = Member.objects.get(pk=referral.owner_id)
            owners[referral.owner_id] = (
                owner.is_active and visible_transactions(owner).filter(pk=transaction_.pk).exists()
            )
        if not owners[referral.owner_id]:
            continue
        if to_stage == ReferralStage.CLOSED:
            referral.closed_value = transaction_.value
        _move(referral, to_stage, _following(to_stage, transaction_))
        moved.append(referral)
    return moved


def _following(to_stage: str, transaction_: Transaction) -> str:
    return (
        f"{ReferralStage(to_stage).label}: the lead's transaction is "
        f"{transaction_.get_stage_display().lower()}"
    )


def _catch_up_with_transaction(referral: Referral, owner: Member) -> None:
    """A referral joining a lead whose transaction already moved starts where that transaction
    is (the newest one the owner may see), as it would have followed it from the start."""
    if not owner.is_active or referral.lead_id is None:
        return
    latest = (
        visible_transactions(owner)
        .filter(lead_id=referral.lead_id)
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is None:
        return
    rule = FOLLOW.get(latest.stage)
    if rule is None or referral.stage not in rule[0]:
        return
    to_stage = rule[1]
    if to_stage == ReferralStage.CLOSED:
        referral.closed_value = latest.value
    _move(referral, to_stage, _following(to_stage, latest))
