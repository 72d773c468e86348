"""Who may see a transaction: the one place the confidentiality rule is decided.

policy: "No partner member is to disclose any information involving any customer or customer
transaction to anyone outside of the ... Transaction Team Committee unless explicitly authorized
to do so by the customer in writing", and it holds after the close. So a transaction is seen by:
- its team (the committee);
- leadership of its partnership, which has the post-close duties (every look is logged);
- a member named in a live written authorization (`Disclosure`), while it lasts, and only what
  it covers (`Sight`); every look is logged.
Anyone else gets the same 404 as for an id that does not exist, and no row in any list.

"Every access is logged": each page, download, list row, export row and lead-page entry that
shows a transaction to someone outside its team writes a `TransactionAccess` (one INSERT per
request, by `transactions.services.access_log`; these selectors only read). A grantee holding
several live authorizations reads what they cover together; the log names the newest of them
(`GRANT_ORDER`), the customer's latest word, on every surface alike.

- Access, Sight, sight_of, sight_for, sight_annotations, covering: what a viewer may read of a
  transaction.
- visible_transactions, team_transactions, access_to, transaction_for: which transactions a
  viewer may see at all (the 404 for the rest).
- outside_looks: the looks from outside the team a request logs.
- lead_transactions_seen: a lead's transactions as the viewer sees them, read once for a page.

The same rule for free text on the lead's timeline is in `sealing`; lists and the parts of a
transaction's page are in `lists`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    CharField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from leads.models import Lead
from members.models import Member
from pinnacle.access import not_found
from pinnacle.memo import remember
from pinnacle.tenancy import TenantQuerySet, get_for_partnership_or_404
from transactions.models import (
    Disclosure,
    DisclosureCover,
    TeamMember,
    Transaction,
    TransactionEvent,
)


class Access(enum.Enum):
    TEAM = "team"
    LEADERSHIP = "leadership"
    DISCLOSURE = "disclosure"


# Which of a grantee's live authorizations the access log names: the newest (ties: the one
# recorded last).
GRANT_ORDER = ("-created_at", "-pk")


def live_disclosures(viewer: Member) -> QuerySet[Disclosure]:
    """The viewer's authorizations that still hold today (the partnership's day, inclusive)."""
    return Disclosure.objects.for_partnership(viewer.partnership).filter(
        Disclosure.live_on(viewer.partnership.today()), grantee_member=viewer
    )


def on_team(viewer: Member, ref: str = "pk") -> Exists:
    """Whether the viewer sits on the transaction `ref` names (its pk, or an FK to it)."""
    return Exists(
        TeamMember.objects.for_partnership(viewer.partnership).filter(
            transaction=OuterRef(ref), member=viewer
        )
    )


# --- What the viewer may read of a transaction ------------------------------------------------

Cover = DisclosureCover
ALL_COVERS = frozenset(Cover.values)

# Which timeline entries each cover opens to a grantee. The customer's authorizations (and who
# looked), the post-close follow-up and the team's emails to the customer are never theirs.
EVENT_COVERS = {
    TransactionEvent.Kind.OPENED: Cover.STAGE,
    TransactionEvent.Kind.STAGE: Cover.STAGE,
    TransactionEvent.Kind.DETAILS: Cover.PROPERTY,
    TransactionEvent.Kind.TEAM: Cover.TEAM,
    TransactionEvent.Kind.LEADER: Cover.TEAM,
    TransactionEvent.Kind.NOTE: Cover.NOTES,
    TransactionEvent.Kind.DOCUMENT: Cover.DOCUMENTS,
}


@dataclass(frozen=True)
class Sight:
    """What the viewer may read of one transaction: all of it for its team and leadership; for
    a member named in the customer's written authorizations, what the live ones cover (the
    customer's name and the kind of transaction always, to say which one it is)."""

    access: Access
    covers: frozenset[str] = ALL_COVERS
    # The newest live authorization, for the access log.
    disclosure_id: int | None = None
    # The viewer's live authorizations, newest first, when read for the transaction's page.
    grants: tuple[Disclosure, ...] = ()

    @property
    def is_team(self) -> bool:
        return self.access is Access.TEAM

    @property
    def is_outside(self) -> bool:
        return self.access is not Access.TEAM

    @property
    def is_grantee(self) -> bool:
        return self.access is Access.DISCLOSURE

    @property
    def stage(self) -> bool:
        return Cover.STAGE in self.covers

    @property
    def team(self) -> bool:
        return Cover.TEAM in self.covers

    @property
    def property_details(self) -> bool:
        return Cover.PROPERTY in self.covers

    @property
    def documents(self) -> bool:
        return Cover.DOCUMENTS in self.covers

    @property
    def contact(self) -> bool:
        return Cover.CONTACT in self.covers

    @property
    def cover_labels(self) -> list[str]:
        return [cover.label for cover in Cover if cover in self.covers]

    def event_kinds(self) -> list[str] | None:
        """The timeline entries this viewer reads; None: all of them."""
        if not self.is_grantee:
            return None
        return [kind for kind, cover in EVENT_COVERS.items() if cover in self.covers]

    def event_summary(self, event: TransactionEvent) -> str:
        """The entry's summary; without the team, its author is "a team member"."""
        actor = event.actor.display_name if event.actor_id and event.actor else ""
        if self.team or not actor or actor not in event.summary:
            return event.summary
        summary = event.summary.replace(actor, "a team member")
        return summary[0].upper() + summary[1:]


TEAM_SIGHT = Sight(Access.TEAM)
LEADERSHIP_SIGHT = Sight(Access.LEADERSHIP)


def sight_of_grants(grants: Iterable[Disclosure]) -> Sight:
    """A grantee's sight: the union of what their live authorizations cover."""
    grants = sorted(grants, key=lambda d: (d.created_at, d.pk), reverse=True)  # GRANT_ORDER
    covers = frozenset(cover for grant in grants for cover in grant.covers)
    return Sight(Access.DISCLOSURE, covers, grants[0].pk if grants else None, tuple(grants))


def sight_annotations(viewer: Member, ref: str = "pk") -> dict:
    """Per row naming a transaction (`ref`): `is_team`, and for a member who is not leadership
    what their live authorizations cover (`granted`) and the newest one (`grant_id`); read
    back with `sight_of`. Subqueries of the row's own query: no query per row."""
    annotations: dict[str, Subquery] = {"is_team": on_team(viewer, ref)}
    if not viewer.is_leadership:
        live = live_disclosures(viewer).filter(transaction=OuterRef(ref))
        annotations["granted"] = ArraySubquery(
            live.order_by()
            .annotate(cover=Func(F("covers"), function="unnest", output_field=CharField()))
            .values("cover")
        )
        annotations["grant_id"] = Subquery(live.order_by(*GRANT_ORDER).values("pk")[:1])
    return annotations


def sight_of(viewer: Member, row) -> Sight:
    """The sight of a row annotated with `sight_annotations`."""
    if row.is_team:
        return TEAM_SIGHT
    if viewer.is_leadership:
        return LEADERSHIP_SIGHT
    return Sight(Access.DISCLOSURE, frozenset(row.granted or ()), row.grant_id)


def covering(viewer: Member, cover: str) -> Q:
    """Rows (annotated with `sight_annotations`) of which the viewer may read `cover`."""
    if viewer.is_leadership:
        return Q()
    return Q(is_team=True) | Q(granted__contains=[cover])


def transactions_covering(viewer: Member, cover: str) -> QuerySet[Transaction]:
    """The transactions of which the viewer may read `cover` (e.g. the stage on the leads list)."""
    return (
        visible_transactions(viewer)
        .annotate(**sight_annotations(viewer))
        .filter(covering(viewer, cover))
    )


def sight_for(viewer: Member, transaction: Transaction, access: Access) -> Sight:
    """The sight of the transaction `transaction_for` gave the viewer `access` to."""
    if access is Access.TEAM:
        return TEAM_SIGHT
    if access is Access.LEADERSHIP:
        return LEADERSHIP_SIGHT
    return sight_of_grants(live_disclosures(viewer).filter(transaction=transaction))


def outside_looks(viewer: Member, transactions: QuerySet[Transaction]) -> list[tuple[int, Sight]]:
    """(id, sight) of each of `transactions` (annotated with `sight_annotations`) the viewer
    sees from outside its team, for the access log: one query of ids, however many rows."""
    # `is_team` and `grant_id` are `sight_annotations`': the stubs cannot follow **annotations.
    outside = transactions.filter(is_team=False).order_by()  # type: ignore[misc]
    if viewer.is_leadership:
        return [(pk, LEADERSHIP_SIGHT) for pk in outside.values_list("pk", flat=True)]
    return [
        (pk, Sight(Access.DISCLOSURE, frozenset(), grant_id))
        for pk, grant_id in outside.values_list("pk", "grant_id")  # type: ignore[misc]
    ]


def visible_transactions(viewer: Member) -> QuerySet[Transaction]:
    """Every transaction the viewer may see, for lists, search and exports.

    A member's are reached from their own seats and authorizations (`pk IN (… UNION …)`,
    through the indexes that lead with the member), so a list of them costs what the member's
    share does, however many transactions the partnership has; an `EXISTS … OR EXISTS …` per
    row would read every transaction of the partnership."""
    transactions = Transaction.objects.for_partnership(viewer.partnership)
    if viewer.is_leadership:
        return transactions
    seats = TeamMember.objects.for_partnership(viewer.partnership).filter(member=viewer)
    granted = live_disclosures(viewer)
    return transactions.filter(
        pk__in=seats.order_by()
        .values("transaction_id")
        .union(granted.order_by().values("transaction_id"))
    )


def lead_transactions_seen(lead: Lead, viewer: Member) -> list[tuple[Transaction, Sight]]:
    """The lead's transactions the viewer may see, newest first, each with its leader and its
    sight (one query). Read once for a page (`pinnacle.memo`): the lead's page asks it for the
    transactions column, the panel, the outreach stage and the timeline."""

    def read() -> list[tuple[Transaction, Sight]]:
        transactions = (
            visible_transactions(viewer)
            .filter(lead=lead)
            .annotate(**sight_annotations(viewer))
            .select_related("leader")
            .order_by("-created_at", "-pk")
        )
        return [(transaction, sight_of(viewer, transaction)) for transaction in transactions]

    return remember(("transactions.lead_transactions_seen", lead.pk, viewer.pk), read)


def team_transactions(viewer: Member) -> QuerySet[Transaction]:
    """The transactions the viewer works on (their own committees)."""
    return Transaction.objects.for_partnership(viewer.partnership).filter(on_team(viewer))


def access_to(viewer: Member, transaction: Transaction) -> tuple[Access, Disclosure | None] | None:
    """How the viewer may see this transaction, or None: they may not."""
    if transaction.partnership_id != viewer.partnership_id:
        return None
    if (
        TeamMember.objects.for_partnership(viewer.partnership)
        .filter(transaction=transaction, member=viewer)
        .exists()
    ):
        return Access.TEAM, None
    if viewer.is_leadership:
        return Access.LEADERSHIP, None
    disclosure = (
        live_disclosures(viewer).filter(transaction=transaction).order_by(*GRANT_ORDER).first()
    )
    if disclosure is not None:
        return Access.DISCLOSURE, disclosure
    return None


def transaction_for(
    viewer: Member, pk: object, *, queryset: TenantQuerySet[Transaction] | None = None
) -> tuple[Transaction, Access, Disclosure | None]:
    """The transaction `pk` as the viewer may see it (how, and under which live authorization),
    or the same 404 as for an id that does not exist. The caller logs a look from outside the
    team with `transactions.services.access_log.record_transaction_access`."""
    if queryset is None:
        queryset = Transaction.objects.select_related("lead", "leader")
    transaction = get_for_partnership_or_404(queryset, viewer.partnership, pk=pk)
    found = access_to(viewer, transaction)
    if found is None:
        raise not_found(Transaction)
    access, disclosure = found
    return transaction, access, disclosure
