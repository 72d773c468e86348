"""Transactions and their team committees (policy: "Cross-Selling & Creation of a
Transactional Team Committee"). Every write locks the transaction row first, so two members
acting at once are applied one after the other."""

from __future__ import annotations

from leads.models import Transaction, TransactionEvent
from members.models import Member


def record_event(
    transaction: Transaction,
    kind: str,
    summary: str,
    *,
    actor: Member | None = None,
    body: str = "",
    shared_with_customer: bool = False,
) -> TransactionEvent:
    """One entry on the transaction's own timeline."""
    return TransactionEvent.objects.create(
        partnership_id=transaction.partnership_id,
        transaction=transaction,
        kind=kind,
        actor=actor,
        summary=summary[:300],
        body=body,
        shared_with_customer=shared_with_customer,
    )
