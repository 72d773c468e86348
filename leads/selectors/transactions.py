"""Who may see a transaction: the one place the confidentiality rule is decided.

policy: "No partner member is to disclose any information involving any customer or customer
transaction to anyone outside of the ... Transaction Team Committee unless explicitly authorized
to do so by the customer in writing", and it holds after the close. So a transaction is seen by:
- its team (the committee);
- leadership of its partnership, which has the post-close duties (every look is logged);
- a member named in a live written authorization (`Disclosure`), while it lasts (logged).
Anyone else gets the same 404 as for an id that does not exist.
"""

from __future__ import annotations

import enum

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest

from leads.models import (
    Disclosure,
    LeaderAgreement,
    LeaderProposal,
    TeamMember,
    Transaction,
    TransactionAccess,
    TransactionDocument,
    TransactionEvent,
    TransactionStage,
)
from members.models import Member


class Access(enum.Enum):
    TEAM = "team"
    LEADERSHIP = "leadership"
    DISCLOSURE = "disclosure"


def live_disclosures(viewer: Member) -> QuerySet[Disclosure]:
    """The viewer's authorizations that still hold today (the partnership's day, inclusive)."""
    return Disclosure.objects.for_partnership(viewer.partnership).filter(
        grantee_member=viewer,
        revoked_at__isnull=True,
        valid_until__gte=viewer.partnership.today(),
    )


def on_team(viewer: Member) -> Exists:
    return Exists(
        TeamMember.objects.filter(
            partnership=viewer.partnership_id, transaction=OuterRef("pk"), member=viewer
        )
    )


def visible_transactions(viewer: Member) -> QuerySet[Transaction]:
    """Every transaction the viewer may see, for lists, search and exports."""
    transactions = Transaction.objects.for_partnership(viewer.partnership)
    if viewer.is_leadership:
        return transactions
    disclosed = Exists(live_disclosures(viewer).filter(transaction=OuterRef("pk")))
    return transactions.filter(Q(on_team(viewer)) | Q(disclosed))


def team_transactions(viewer: Member) -> QuerySet[Transaction]:
    """The transactions the viewer works on (their own committees)."""
    return Transaction.objects.for_partnership(viewer.partnership).filter(on_team(viewer))


def access_to(viewer: Member, transaction: Transaction) -> tuple[Access, Disclosure | None] | None:
    """How the viewer may see this transaction, or None: they may not."""
    if transaction.partnership_id != viewer.partnership_id:
        return None
    if TeamMember.objects.filter(
        partnership=viewer.partnership_id, transaction=transaction, member=viewer
    ).exists():
        return Access.TEAM, None
    if viewer.is_leadership:
        return Access.LEADERSHIP, None
    disclosure = live_disclosures(viewer).filter(transaction=transaction).first()
    if disclosure is not None:
        return Access.DISCLOSURE, disclosure
    return None


def transaction_for(
    request: HttpRequest, viewer: Member, pk, *, queryset: QuerySet | None = None
) -> tuple[Transaction, Access]:
    """The transaction `pk` as the viewer may see it, or 404; a look from outside the team is
    logged (leadership and disclosures are audited every time)."""
    if queryset is None:
        queryset = Transaction.objects.select_related("lead", "leader")
    try:
        transaction = queryset.for_partnership(viewer.partnership).get(pk=pk)
    except (Transaction.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    found = access_to(viewer, transaction)
    if found is None:
        raise Http404
    access, disclosure = found
    if access is not Access.TEAM:
        TransactionAccess.objects.create(
            partnership=viewer.partnership,
            transaction=transaction,
            member=viewer,
            user=request.user,
            via=(
                TransactionAccess.Via.LEADERSHIP
                if access is Access.LEADERSHIP
                else TransactionAccess.Via.DISCLOSURE
            ),
            disclosure=disclosure,
            path=request.get_full_path()[:300],
        )
    return transaction, access


# --- Lists, the team page and exports: always over `visible_transactions` ---------------------

TRANSACTIONS_PER_PAGE = 25
FORMING = "forming"


def team_size() -> Subquery:
    return Subquery(
        TeamMember.objects.filter(transaction=OuterRef("pk"))
        .order_by()
        .values("transaction")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def transactions_for_list(viewer: Member, *, q: str = "", stage: str = "") -> QuerySet[Transaction]:
    """The transactions the viewer may see, searched and filtered; search runs over the visible
    rows only, so it can never confirm that someone else's customer exists."""
    transactions = (
        visible_transactions(viewer)
        .select_related("lead", "leader")
        .annotate(team_size=Coalesce(team_size(), 0), is_mine=on_team(viewer))
        .order_by("-created_at", "-pk")
    )
    if q:
        transactions = transactions.filter(
            Q(lead__name__icontains=q)
            | Q(lead__email__icontains=q)
            | Q(property_address__icontains=q)
        )
    if stage == FORMING:
        transactions = transactions.filter(stage=TransactionStage.OPENED, team_size__lt=2)
    elif stage in TransactionStage.values:
        transactions = transactions.filter(stage=stage)
    return transactions


def team_of(transaction: Transaction) -> list[TeamMember]:
    """The transaction's seats with their members' details, in the order they joined."""
    return list(
        TeamMember.objects.filter(
            partnership_id=transaction.partnership_id, transaction=transaction
        )
        .select_related("member__user", "member__company")
        .order_by("added_at", "pk")
    )


def open_proposal(transaction: Transaction) -> LeaderProposal | None:
    return (
        LeaderProposal.objects.filter(
            partnership_id=transaction.partnership_id,
            transaction=transaction,
            closed_at__isnull=True,
        )
        .select_related("candidate", "proposed_by")
        .prefetch_related(
            Prefetch("agreements", queryset=LeaderAgreement.objects.select_related("member"))
        )
        .first()
    )


def timeline_of(transaction: Transaction) -> QuerySet[TransactionEvent]:
    return TransactionEvent.objects.filter(
        partnership_id=transaction.partnership_id, transaction=transaction
    ).select_related("actor")


def documents_of(transaction: Transaction) -> QuerySet[TransactionDocument]:
    return TransactionDocument.objects.filter(
        partnership_id=transaction.partnership_id, transaction=transaction
    ).select_related("uploaded_by")


def disclosures_of(transaction: Transaction) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(
        partnership_id=transaction.partnership_id, transaction=transaction
    ).select_related("grantee_member", "recorded_by", "revoked_by")


def access_log_of(transaction: Transaction) -> QuerySet[TransactionAccess]:
    return TransactionAccess.objects.filter(
        partnership_id=transaction.partnership_id, transaction=transaction
    ).select_related("member", "user", "disclosure")
