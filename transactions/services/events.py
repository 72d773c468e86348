"""The transaction's own timeline, written by every transaction service (teams, post-close,
the customer's link)."""

from __future__ import annotations

from members.models import Member
from transactions.models import Transaction, TransactionEvent


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
