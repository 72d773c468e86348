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

from collections.abc import Iterable, Sequence

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from leads import extensions as lead_extensions
from leads.extensions import LeadColumn, Sealing, TimelineEntry
from leads.models import Lead
from members import extensions as member_extensions
from members.models import Member
from pinnacle.lookups import AnyOf
from pinnacle.membership import request_membership
from transactions.models import (
    TeamMember,
    Transaction,
    TransactionAccess,
    TransactionEvent,
    TransactionStage,
)
from transactions.selectors import (
    EVENT_COVERS,
    Cover,
    sight_annotations,
    sight_of,
    transactions_covering,
    visible_transactions,
)
from transactions.selectors import postclose as postclose_selectors
from transactions.services.access_log import record_transaction_access

# How many of the member's transactions the dashboard lists before "and more".
PANEL_SIZE = 5


def covered_events(viewer: Member) -> Q:
    """The entries (annotated with `sight_annotations` of their transaction) the viewer reads:
    all for the team and leadership, for a grantee those its authorizations cover."""
    if viewer.is_leadership:
        return Q()
    covered = Q(is_team=True)
    for cover in Cover:
        kinds = [kind for kind, covering in EVENT_COVERS.items() if covering == cover]
        if kinds:
            covered |= Q(kind__in=kinds, granted__contains=[cover])
    return covered


def transaction_events(lead: Lead, viewer: Member, sealing: Sealing) -> Iterable[TimelineEntry]:
    """The lead's transactions' own timeline entries, only of those the viewer may see and,
    for a member the customer authorized, only those the authorization covers."""
    events = (
        TransactionEvent.objects.for_partnership(lead.partnership)
        .filter(
            transaction__lead=lead,
            transaction__in=visible_transactions(viewer),
        )
        .annotate(**sight_annotations(viewer, "transaction_id"))
        .filter(covered_events(viewer))
        .select_related("transaction", "actor")
        .order_by()
    )
    for event in events:
        event.sight = sight_of(viewer, event)
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


def transaction_column(leads: Sequence[Lead], viewer: Member) -> dict[int, TransactionStage]:
    """The stage of each lead's newest transaction whose stage the viewer may read (one
    query)."""
    if not leads:
        return {}
    newest = (
        transactions_covering(viewer, Cover.STAGE)
        .filter(lead__in=[lead.pk for lead in leads])
        .order_by("lead_id", "-created_at", "-pk")
        .distinct("lead_id")
        .values_list("lead_id", "stage")
    )
    return {lead_id: TransactionStage(stage) for lead_id, stage in newest}


def lead_transactions(request, lead: Lead, viewer: Member) -> dict | None:
    """The lead's transactions the viewer may see, and "Open a transaction" for members
    (leadership does not work transactions; it follows up after the close). Logs the page's
    looks from outside the team (see the module's docstring)."""
    transactions = list(
        visible_transactions(viewer)
        .filter(lead=lead)
        .annotate(**sight_annotations(viewer))
        .select_related("leader")
        .order_by("-created_at", "-pk")
    )
    for transaction in transactions:
        transaction.sight = sight_of(viewer, transaction)
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
    lead_extensions.register_lead_column(
        LeadColumn("Transaction", "transactions/_cell.html", transaction_column)
    )
    lead_extensions.lead_actions.register("transactions/_lead_actions.html", lead_transactions, 50)
    member_extensions.dashboard_panels.register(
        "transactions/_dashboard_panel.html", transactions_panel, 30
    )
    member_extensions.site_menu.register("transactions/_menu.html")
    member_extensions.site_menu.register("transactions/postclose/_menu.html", post_close_menu)
    member_extensions.dashboard_panels.register(
        "transactions/postclose/_dashboard_panel.html", post_close_panel, 25
    )
