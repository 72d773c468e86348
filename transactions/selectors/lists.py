"""Lists, the team page and exports, always over `visible_transactions`, and the parts of one
transaction's page.

- transactions_for_list (team_size, FORMING, TRANSACTIONS_PER_PAGE): the searchable list.
- team_of, open_proposal: the team and its open leader proposal.
- timeline_of, documents_of, disclosures_of, access_log_of: a transaction's page sections.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from members.models import Member
from transactions.models import (
    Disclosure,
    LeaderAgreement,
    LeaderProposal,
    TeamMember,
    Transaction,
    TransactionAccess,
    TransactionDocument,
    TransactionEvent,
    TransactionStage,
    is_forming,
)
from transactions.selectors.sight import (
    TEAM_SIGHT,
    Cover,
    Sight,
    covering,
    sight_annotations,
    visible_transactions,
)

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
    """The transactions the viewer may see, searched and filtered, each with what the viewer
    may read of it (`sight_of`). Search and the stage filter run over what the viewer may read
    only: they never confirm someone else's customer exists, nor tell a grantee the customer's
    email, the address or the stage their authorization leaves out."""
    transactions = (
        visible_transactions(viewer)
        .select_related("lead", "leader")
        .annotate(team_size=Coalesce(team_size(), 0), **sight_annotations(viewer))
        .annotate(forming=ExpressionWrapper(is_forming(), output_field=BooleanField()))
        .order_by("-created_at", "-pk")
    )
    if q:
        transactions = transactions.filter(
            Q(lead__name__icontains=q)
            | (Q(lead__email__icontains=q) & covering(viewer, Cover.CONTACT))
            | (Q(property_address__icontains=q) & covering(viewer, Cover.PROPERTY))
        )
    if stage == FORMING:
        transactions = transactions.filter(covering(viewer, Cover.STAGE), is_forming())
    elif stage in TransactionStage.values:
        transactions = transactions.filter(covering(viewer, Cover.STAGE), stage=stage)
    return transactions


def team_of(transaction: Transaction) -> list[TeamMember]:
    """The transaction's seats with their members' details, in the order they joined."""
    return list(
        TeamMember.objects.for_partnership(transaction.partnership)
        .filter(transaction=transaction)
        .select_related("member__user", "member__company")
        .order_by("added_at", "pk")
    )


def open_proposal(transaction: Transaction) -> LeaderProposal | None:
    return (
        LeaderProposal.objects.for_partnership(transaction.partnership)
        .filter(
            transaction=transaction,
            closed_at__isnull=True,
        )
        .select_related("candidate", "proposed_by")
        .prefetch_related(
            Prefetch("agreements", queryset=LeaderAgreement.objects.select_related("member"))
        )
        .first()
    )


def timeline_of(transaction: Transaction, sight: Sight = TEAM_SIGHT) -> QuerySet[TransactionEvent]:
    """The transaction's timeline, the entries the sight covers only."""
    events = (
        TransactionEvent.objects.for_partnership(transaction.partnership)
        .filter(transaction=transaction)
        .select_related("actor")
    )
    kinds = sight.event_kinds()
    return events if kinds is None else events.filter(kind__in=kinds)


def documents_of(transaction: Transaction) -> QuerySet[TransactionDocument]:
    return (
        TransactionDocument.objects.for_partnership(transaction.partnership)
        .filter(transaction=transaction)
        .select_related("uploaded_by")
    )


def disclosures_of(transaction: Transaction, *, today: datetime.date) -> QuerySet[Disclosure]:
    """The transaction's written authorizations, each with `is_live` on `today`."""
    return (
        Disclosure.objects.for_partnership(transaction.partnership)
        .filter(transaction=transaction)
        .annotate(is_live=ExpressionWrapper(Disclosure.live_on(today), output_field=BooleanField()))
        .select_related("grantee_member", "recorded_by", "revoked_by")
    )


def access_log_of(transaction: Transaction) -> QuerySet[TransactionAccess]:
    return (
        TransactionAccess.objects.for_partnership(transaction.partnership)
        .filter(transaction=transaction)
        .select_related("member", "user", "disclosure")
    )
