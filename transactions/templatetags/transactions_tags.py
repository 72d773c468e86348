"""Template helpers for a transaction's pages: its stage as a badge (two ways: the stage alone,
and the transaction with its "Forming" state), and the customer's read-only page shown on its
team page."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from transactions import cells
from transactions.models import Transaction, TransactionStage
from transactions.services.customer import has_live_links
from transactions.tokens import customer_link_days as link_days

register = template.Library()

# `{% stage_badge transaction.stage transaction.get_stage_display %}` (transactions.cells).
register.simple_tag(cells.stage_badge, name="stage_badge")

FORMING = mark_safe(  # nosec B308: constant markup
    '<span class="badge badge-warn" title="A committee is two or more members">Forming</span>'
)
STAGE_BADGES = {
    TransactionStage.CLOSED: "badge-ok",
    TransactionStage.FELL_THROUGH: "badge-bad",
    TransactionStage.UNDER_CONTRACT: "badge-info",
}


@register.simple_tag
def transaction_badge(transaction: Transaction, forming: bool = False) -> SafeString:
    """`{% transaction_badge transaction forming %}`: the stage as a badge; "Forming" while its
    committee has fewer than two members. A tag, not an include: the list writes one per row."""
    if forming:
        return FORMING
    return format_html(
        '<span class="badge {}">{}</span>',
        STAGE_BADGES.get(transaction.stage, "badge-neutral"),
        transaction.get_stage_display(),
    )


@register.simple_tag
def customer_link_days() -> int:
    """`{% customer_link_days %}`: how many days a link to a customer's page works."""
    return link_days()


@register.simple_tag
def customer_links_live(transaction: Transaction) -> bool:
    """`{% customer_links_live transaction as live %}`: a link of the current version was sent
    to the customer (so there is something to revoke)."""
    return has_live_links(transaction)
