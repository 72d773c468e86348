"""Lists, the team page and exports, always over `visible_transactions`, and the parts of one
transaction's page.

- transactions_matching, list_page (team_size, FORMING, TRANSACTIONS_PER_PAGE): the searchable
  list, a page's ids picked first; transactions_for_list: all of it with its columns (export).
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

from leads.models import Lead
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


def _customer_fields(viewer: Member) -> tuple[dict[str, Subquery], str, str]:
    """How a search reads the customer's name and email: leadership, who sees every
    transaction of the partnership, through the join to the leads (their search may start from
    the matching leads); a member by the row's own lead id, a per-row primary-key lookup (a
    scalar subquery PostgreSQL never turns into a join), so it starts from the member's
    transactions and never reads every lead of the partnership whose name matches."""
    if viewer.is_leadership:
        return {}, "lead__name", "lead__email"
    lead = Lead.objects.filter(pk=OuterRef("lead_id"))
    return (
        {
            "customer_name": Subquery(lead.values("name")[:1]),
            "customer_email": Subquery(lead.values("email")[:1]),
        },
        "customer_name",
        "customer_email",
    )


def transactions_matching(viewer: Member, *, q: str = "", stage: str = "") -> QuerySet[Transaction]:
    """The transactions the viewer may see, searched and filtered, newest first: only what
    picking a page needs (no customer, leader nor columns; `with_list_columns` adds them to the
    page's rows). Search and the stage filter run over what the viewer may read only: they never
    confirm someone else's customer exists, nor tell a grantee the customer's email, the
    address or the stage their authorization leaves out."""
    transactions = visible_transactions(viewer).order_by("-created_at", "-pk")
    if q or stage:
        transactions = transactions.annotate(**sight_annotations(viewer))
    if q:
        customer, name, email = _customer_fields(viewer)
        transactions = transactions.annotate(**customer).filter(
            Q(**{f"{name}__icontains": q})
            | (Q(**{f"{email}__icontains": q}) & covering(viewer, Cover.CONTACT))
            | (Q(property_address__icontains=q) & covering(viewer, Cover.PROPERTY))
        )
    if stage == FORMING:
        transactions = transactions.annotate(team_size=Coalesce(team_size(), 0)).filter(
            covering(viewer, Cover.STAGE), is_forming()
        )
    elif stage in TransactionStage.values:
        transactions = transactions.filter(covering(viewer, Cover.STAGE), stage=stage)
    return transactions


def with_list_columns(viewer: Member, transactions: QuerySet[Transaction]) -> QuerySet[Transaction]:
    """`transactions` with their customer, leader, team size, whether forming, and what the
    viewer may read of each (`sight_of`)."""
    return (
        transactions.select_related("lead", "leader")
        .annotate(team_size=Coalesce(team_size(), 0), **sight_annotations(viewer))
        .annotate(forming=ExpressionWrapper(is_forming(), output_field=BooleanField()))
        .order_by("-created_at", "-pk")
    )


def transactions_for_list(viewer: Member, *, q: str = "", stage: str = "") -> QuerySet[Transaction]:
    """Every row of `transactions_matching` with its columns (the CSV export)."""
    return with_list_columns(viewer, transactions_matching(viewer, q=q, stage=stage))


def list_page(viewer: Member, page: QuerySet[Transaction]) -> list[Transaction]:
    """The rows of one page of `transactions_matching` (a slice of it) with their columns, in
    one query: the page's ids are picked first, then only those rows are read in full."""
    rows = Transaction.objects.for_partnership(viewer.partnership).filter(pk__in=page.values("pk"))
    return list(with_list_columns(viewer, rows))


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
