"""What the customer's read-only page shows, and nothing more: their own transaction (named by
a valid link of its current version on its partnership's host), its team, and the timeline
entries the team shares with them."""

from __future__ import annotations

from django.core import signing
from django.db.models import QuerySet

from pinnacle.models import Partnership
from transactions.models import TeamMember, Transaction, TransactionEvent
from transactions.selectors import team_of
from transactions.tokens import read_customer_token


def transaction_for_customer(partnership: Partnership, token: str) -> Transaction | None:
    """The transaction a customer's link opens here, or None: forged, expired, revoked (an
    older version), or made for another partnership's customer."""
    try:
        found = read_customer_token(token)
    except signing.BadSignature:
        return None
    if found.partnership_id != partnership.pk:
        return None
    transaction = (
        Transaction.objects.for_partnership(partnership)
        .select_related("lead")
        .filter(pk=found.transaction_id, customer_link_version=found.version)
        .first()
    )
    if transaction is not None:
        transaction.partnership = partnership  # fetched within it: in hand at no query
    return transaction


def customer_team(transaction: Transaction) -> list[TeamMember]:
    """The team as the customer meets it: the leader first, then in the order they joined."""
    return sorted(team_of(transaction), key=lambda seat: seat.member_id != transaction.leader_id)


def shared_events(transaction: Transaction) -> QuerySet[TransactionEvent]:
    """Only the entries the team marked as shared with the customer, newest first."""
    return (
        TransactionEvent.objects.for_partnership(transaction.partnership)
        .filter(
            transaction=transaction,
            shared_with_customer=True,
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
