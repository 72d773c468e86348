"""The post-close section of a transaction's pages (`transactions/_post_close.html`).

The page including it provides `transaction`, `viewer` (the Member) and `access_name`, and may
provide `team` (the transaction's seats, `selectors.team_of`: the team page has them); the section
reads its own rows here, so its queries are that page's, counted by its tests.
"""

from django import template
from django.utils import timezone

from transactions.forms.postclose import section_forms
from transactions.selectors.postclose import post_close_section as read_section

register = template.Library()


@register.simple_tag(takes_context=True)
def post_close_section(context):
    """The viewer's post-close section, or None: not closed yet, or seen through a customer's
    authorization to disclose (which covers the transaction, not the team's follow-up)."""
    transaction = context.get("transaction")
    viewer = context.get("viewer")
    if (
        transaction is None
        or viewer is None
        or context.get("access_name") not in ("team", "leadership")
        or not transaction.is_closed
        or transaction.closed_on is None
    ):
        return None
    partnership = context.get("partnership")
    if partnership is not None and partnership.pk == transaction.partnership_id:
        transaction.partnership = partnership
    section = read_section(transaction, viewer, timezone.now(), context.get("team"))
    section.forms = section_forms(section, context.get("post_close_forms"))
    return section
