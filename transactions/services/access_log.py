"""The access log: who looked at a transaction from outside its team, and where.

policy: every access from outside the team is logged. The selectors decide who may see a
transaction and how (`transactions.selectors.sight`); the pages, the exports, the lead page's
panel and the admin record each look here after reading it."""

from __future__ import annotations

from collections.abc import Iterable

from members.models import Member, User
from transactions.models import Transaction, TransactionAccess
from transactions.selectors.sight import Access, Sight

# The part of the address kept with a look.
PATH_LENGTH = 300


def record_transaction_access(
    *,
    viewer: Member,
    user: User,
    path: str,
    looks: Iterable[tuple[int, Sight]],
    seen_on: str,
) -> None:
    """One INSERT for every transaction (id, sight) the request shows to the viewer from outside
    its team (leadership, or a live disclosure, named in the sight); none for the team. Not
    atomic on purpose: a single INSERT needs no savepoint, and the pages' query budgets count
    exactly that one."""
    rows = [
        TransactionAccess(
            partnership_id=viewer.partnership_id,
            transaction_id=transaction_id,
            member=viewer,
            user=user,
            via=(
                TransactionAccess.Via.LEADERSHIP
                if sight.access is Access.LEADERSHIP
                else TransactionAccess.Via.DISCLOSURE
            ),
            disclosure_id=sight.disclosure_id,
            path=path[:PATH_LENGTH],
            seen_on=seen_on,
        )
        for transaction_id, sight in looks
        if sight.is_outside
    ]
    if rows:
        TransactionAccess.objects.bulk_create(rows)


def record_admin_access(
    *, transaction: Transaction, member: Member | None, user: User, path: str
) -> TransactionAccess:
    """A look at the transaction's admin page (leadership's, or a superuser's without a seat in
    the partnership: `member` is then None)."""
    return TransactionAccess.objects.create(
        partnership_id=transaction.partnership_id,
        transaction=transaction,
        member=member,
        user=user,
        via=TransactionAccess.Via.ADMIN,
        path=path[:PATH_LENGTH],
    )
