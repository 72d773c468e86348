"""One row of a transaction the viewer already sees (`transaction_for`), by its id: a seat, a
leader proposal, a timeline entry, a document, a written authorization. Any other id (another
transaction's row included) is the same 404 (`pinnacle.access.get_or_404`)."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model

from pinnacle.access import get_or_404
from transactions.models import (
    Disclosure,
    LeaderProposal,
    TeamMember,
    Transaction,
    TransactionDocument,
    TransactionEvent,
)

M = TypeVar("M", bound=Model)


def _row_of(model: type[M], transaction: Transaction, pk: object, *related: str) -> M:
    rows = model.objects.filter(  # type: ignore[attr-defined]
        partnership=transaction.partnership_id, transaction=transaction
    ).select_related(*related)
    return get_or_404(rows, pk=pk)


def seat_for(transaction: Transaction, pk: object) -> TeamMember:
    return _row_of(TeamMember, transaction, pk, "member")


def proposal_for(transaction: Transaction, pk: object) -> LeaderProposal:
    return _row_of(LeaderProposal, transaction, pk, "candidate")


def event_for(transaction: Transaction, pk: object) -> TransactionEvent:
    return _row_of(TransactionEvent, transaction, pk)


def document_for(transaction: Transaction, pk: object) -> TransactionDocument:
    return _row_of(TransactionDocument, transaction, pk)


def disclosure_for(transaction: Transaction, pk: object) -> Disclosure:
    return _row_of(Disclosure, transaction, pk)
