"""Where co-marketing shows itself on the leads app's pages (its extension points). `register()`
is called once from ComarketingConfig.ready()."""

from __future__ import annotations

from comarketing import selectors
from comarketing.forms import ShareLeadForm
from leads import extensions as lead_extensions


def share_lead_panel(request, lead, viewer) -> dict | None:
    """The lead page's "Share with a co-marketing partner" panel, for a member with active partners
    (one query); the service decides again when they share."""
    connections = selectors.partners_for_lead(viewer, lead)
    if not connections:
        return None
    available = [c for c in connections if not c.already_shared]
    return {
        "form": ShareLeadForm(
            partners=[(c.pk, c.other.display_name) for c in available], auto_id="id_share_%s"
        ),
        "available": available,
        "shared_with": [c.other for c in connections if c.already_shared],
        "opted_out": getattr(lead, "is_opted_out", False),
    }


def register() -> None:
    lead_extensions.lead_actions.register("comarketing/_share_lead.html", share_lead_panel)
