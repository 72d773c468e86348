"""Where co-marketing shows itself on the leads app's pages (its extension points). `register()`
is called once from ComarketingConfig.ready()."""

from __future__ import annotations

from comarketing import selectors
from comarketing.forms import ShareLeadForm
from leads import extensions as lead_extensions


def share_lead_panel(request, lead, viewer) -> dict | None:
    """The lead page's "Share with a co-marketing partner" panel, for a member with active partners
    (one query, of their names); the service decides again when they share."""
    choices = selectors.share_choices(viewer, lead)
    if not choices:
        return None
    available = [(c.connection_id, c.partner_name) for c in choices if not c.already_shared]
    return {
        "form": ShareLeadForm(partners=available, auto_id="id_share_%s"),
        "available": available,
        "shared_with": [c.partner_name for c in choices if c.already_shared],
        "opted_out": getattr(lead, "is_opted_out", False),
    }


def register() -> None:
    lead_extensions.lead_actions.register("comarketing/_share_lead.html", share_lead_panel)
