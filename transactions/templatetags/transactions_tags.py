"""Template helpers for the customer's read-only page of a transaction, shown on its team page,
and a transaction's stage as a badge."""

from __future__ import annotations

from django import template

from transactions import cells
from transactions.models import Transaction
from transactions.services.customer import has_live_links
from transactions.tokens import customer_link_days as link_days

register = template.Library()

# `{% stage_badge transaction.stage transaction.get_stage_display %}` (transactions.cells).
register.simple_tag(cells.stage_badge, name="stage_badge")


@register.simple_tag
def customer_link_days() -> int:
    """`{% customer_link_days %}`: how many days a link to a customer's page works."""
    return link_days()


@register.simple_tag
def customer_links_live(transaction: Transaction) -> bool:
    """`{% customer_links_live transaction as live %}`: a link of the current version was sent
    to the customer (so there is something to revoke)."""
    return has_live_links(transaction)
