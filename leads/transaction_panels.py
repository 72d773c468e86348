"""Where transactions show on the lead's and the member's pages, for those who may see them.

Confidentiality (policy: nothing about a customer's transaction goes outside its committee
unless the customer authorized it in writing): every source, column and panel here asks
`leads.selectors.transactions` which transactions the viewer may see, and a member who may not
see one gets nothing of it, not even that it exists. Registered once from LeadsConfig.ready().
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.urls import reverse

from leads import extensions as lead_extensions
from leads.extensions import LeadColumn, TimelineEntry
from leads.models import Lead, TransactionEvent, TransactionStage
from leads.selectors.transactions import on_team, team_transactions, visible_transactions
from members import extensions as member_extensions
from members.models import Member

# How many of the member's transactions the dashboard lists before "and more".
PANEL_SIZE = 5


def transaction_events(lead: Lead, viewer: Member) -> Iterable[TimelineEntry]:
    """The lead's transactions' own timeline entries, only of those the viewer may see."""
    events = (
        TransactionEvent.objects.filter(
            partnership_id=lead.partnership_id,
            transaction__lead=lead,
            transaction__in=visible_transactions(viewer),
        )
        .select_related("transaction", "actor")
        .order_by()
    )
    for event in events:
        yield TimelineEntry(
            at=event.created_at,
            kind="transaction",
            label="Transaction",
            title=f"{event.transaction.get_kind_display()}: {event.summary}",
            template="leads/transactions/_timeline_event.html",
            item=event,
            status="Shared with the customer" if event.shared_with_customer else "",
            tone="info",
            order=3,
        )


def transaction_column(leads: Sequence[Lead], viewer: Member) -> dict[int, TransactionStage]:
    """The stage of each lead's newest transaction the viewer may see (one query)."""
    if not leads:
        return {}
    newest = (
        visible_transactions(viewer)
        .filter(lead__in=[lead.pk for lead in leads])
        .order_by("lead_id", "-created_at", "-pk")
        .distinct("lead_id")
        .values_list("lead_id", "stage")
    )
    return {lead_id: TransactionStage(stage) for lead_id, stage in newest}


def lead_transactions(request, lead: Lead, viewer: Member) -> dict | None:
    """The lead's transactions the viewer may see, and "Open a transaction" for members
    (leadership does not work transactions; it follows up after the close)."""
    transactions = list(
        visible_transactions(viewer)
        .filter(lead=lead)
        .annotate(is_team=on_team(viewer))
        .select_related("leader")
        .order_by("-created_at", "-pk")
    )
    open_url = None if viewer.is_leadership else reverse("transaction_open", args=[lead.pk])
    if not transactions and open_url is None:
        return None
    return {"transactions": transactions, "open_transaction_url": open_url}


def transactions_panel(request, member: Member) -> dict:
    """The member's own committees, newest first; leadership gets the way to all of them."""
    transactions = list(
        team_transactions(member)
        .select_related("lead")
        .order_by("-created_at", "-pk")[: PANEL_SIZE + 1]
    )
    return {
        "transactions": transactions[:PANEL_SIZE],
        "more": len(transactions) > PANEL_SIZE,
        "list_url": reverse("transaction_list"),
    }


def register() -> None:
    lead_extensions.register_timeline_source(transaction_events)
    lead_extensions.register_lead_column(
        LeadColumn("Transaction", "leads/transactions/_cell.html", transaction_column)
    )
    lead_extensions.lead_actions.register(
        "leads/transactions/_lead_actions.html", lead_transactions, 50
    )
    member_extensions.dashboard_panels.register(
        "leads/transactions/_dashboard_panel.html", transactions_panel, 30
    )
    member_extensions.site_menu.register("leads/transactions/_menu.html")
