"""Where transactions show on the lead's and the member's pages, for those who may see them.

Confidentiality (policy: nothing about a customer's transaction goes outside its committee
unless the customer authorized it in writing): every source, column and panel here asks
`transactions.selectors` which transactions the viewer may see, and a member who may not
see one gets nothing of it, not even that it exists. A member the customer authorized reads
only what the authorization covers (`Sight`). Registered once from TransactionsConfig.ready().

The lead's page is logged once (one INSERT) by its transactions panel, `lead_transactions`: it
lists every transaction of the lead the viewer may see, so it logs every one the page shows,
in the panel, the timeline's entries and the column's line alike.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from leads import extensions as lead_extensions
from leads.extensions import ColumnRead, LeadColumn, Sealing, TimelineEntry, newest_first
from leads.models import Lead
from members import extensions as member_extensions
from members.models import Member
from pinnacle.lookups import AnyOf
from pinnacle.membership import request_membership
from transactions.cells import stage_cell
from transactions.models import (
    TeamMember,
    Transaction,
    TransactionAccess,
    TransactionEvent,
    TransactionStage,
)
from transactions.selectors import (
    Cover,
    lead_transactions_seen,
    transactions_covering,
)
from transactions.selectors import postclose as postclose_selectors
from transactions.services.access_log import record_transaction_access

# How many of the member's transactions the dashboard lists before "and more".
PANEL_SIZE = 5


def transaction_events(
    lead: Lead, viewer: Member, sealing: Sealing, *, newest: int | None
) -> Iterable[TimelineEntry]:
    """The lead's transactions' own timeline entries, only of those the viewer may see and,
    for a member the customer authorized, only those the authorization covers (their sight,
    read once for the page: `lead_transactions_seen`; no query when they see none)."""
    seen = {
        transaction.pk: (transaction, sight)
        for transaction, sight in lead_transactions_seen(lead, viewer)
    }
    covered = Q()
    for pk, (_, sight) in seen.items():
        kinds = sight.event_kinds()
        if kinds is None:
            covered |= Q(transaction_id=pk)
        elif kinds:
            covered |= Q(transaction_id=pk, kind__in=kinds)
    if not covered:
        return
    events = newest_first(
        TransactionEvent.objects.for_partnership(lead.partnership)
        .filter(covered)
        .select_related("actor"),
        "created_at",
        newest,
    )
    for event in events:
        event.transaction, event.sight = seen[event.transaction_id]
        yield TimelineEntry(
            at=event.created_at,
            kind="transaction",
            label="Transaction",
            title=f"{event.transaction.get_kind_display()}: {event.sight.event_summary(event)}",
            template="transactions/_timeline_event.html",
            item=event,
            status="Shared with the customer" if event.shared_with_customer else "",
            tone="info",
            order=3,
        )


def transaction_column(viewer: Member) -> ColumnRead:
    """The stage of each lead's newest transaction whose stage the viewer may read, read with
    the page's other columns."""
    newest = (
        transactions_covering(viewer, Cover.STAGE)
        .filter(lead=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("stage")[:1]
    )
    return ColumnRead(
        {"stage": Subquery(newest)},
        lambda row, lead: TransactionStage(row["stage"]) if row["stage"] else None,
    )


TRANSACTION_COLUMN = LeadColumn("Transaction", stage_cell, transaction_column)


def lead_transactions(request, lead: Lead, viewer: Member) -> dict | None:
    """The lead's transactions the viewer may see, and "Open a transaction" for members
    (leadership does not work transactions; it follows up after the close). Logs the page's
    looks from outside the team (see the module's docstring)."""
    transactions = []
    for transaction, sight in lead_transactions_seen(lead, viewer):
        transaction.sight = sight  # what the panel's template reads of it
        transactions.append(transaction)
    record_transaction_access(
        viewer=viewer,
        user=request.user,
        path=request.get_full_path(),
        looks=[(transaction.pk, transaction.sight) for transaction in transactions],
        seen_on=TransactionAccess.SeenOn.LEAD_PAGE,
    )
    open_url = None if viewer.is_leadership else reverse("transaction_open", args=[lead.pk])
    if not transactions and open_url is None:
        return None
    return {"transactions": transactions, "open_transaction_url": open_url}


def newest_team_transactions(member: Member) -> QuerySet[Transaction]:
    """The transactions of `team_transactions(member)`, newest first, reached through the
    member's own seats. As a join (or EXISTS), the planner walks the partnership's transactions
    newest first looking for the member's: every one of them for a member on no team."""
    seats = (
        TeamMember.objects.for_partnership(member.partnership)
        .filter(member=member)
        .order_by()
        .values("transaction_id")
    )
    return (
        Transaction.objects.for_partnership(member.partnership)
        .filter(AnyOf(F("pk"), ArraySubquery(seats)))
        .order_by("-created_at", "-pk")
    )


def transactions_panel(request, member: Member) -> dict:
    """The member's own committees, newest first; leadership gets the way to all of them."""
    transactions = list(newest_team_transactions(member).select_related("lead")[: PANEL_SIZE + 1])
    return {
        "transactions": transactions[:PANEL_SIZE],
        "more": len(transactions) > PANEL_SIZE,
        "list_url": reverse("transaction_list"),
    }


def post_close_menu(request) -> dict | None:
    """Leadership's menu entry for the post-close board."""
    member = request_membership(request) if request.user.is_authenticated else None
    return {} if member is not None and member.is_leadership else None


def post_close_panel(request, member) -> dict | None:
    """Leadership's post-close work waiting now (times to confirm, overdue steps, interactions
    to record), linking to the board; nothing for other members."""
    if not member.is_leadership:
        return None
    return {
        "counts": postclose_selectors.post_close_counts(member, now=timezone.now()),
        "board_url": reverse("post_close_board"),
    }


def register() -> None:
    """Transactions on the lead's page, the leads list, the dashboard and the menu, each shown
    only to those who may see them; then leadership's post-close board."""
    lead_extensions.register_timeline_source(transaction_events)
    lead_extensions.register_lead_column(TRANSACTION_COLUMN)
    lead_extensions.lead_actions.register("transactions/_lead_actions.html", lead_transactions, 50)
    member_extensions.dashboard_panels.register(
        "transactions/_dashboard_panel.html", transactions_panel, 30
    )
    member_extensions.site_menu.register("transactions/_menu.html", order=50)
    member_extensions.leadership_menu.register(
        "transactions/postclose/_menu.html", post_close_menu, order=50
    )
    member_extensions.dashboard_panels.register(
        "transactions/postclose/_dashboard_panel.html", post_close_panel, 25
    )
