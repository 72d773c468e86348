"""Leadership exporting the leads list: every export leaves an audit record of who took what."""

from __future__ import annotations

from pinnacle.models import Partnership
from pinnacle.tenancy import record_audit


def record_lead_export(*, partnership: Partnership, actor, filters: dict) -> None:
    """The audit record of one CSV export, with the filters it was narrowed to."""
    record_audit(
        partnership=partnership,
        actor=actor,
        action="leads.exported",
        summary="Exported the leads list as CSV",
        data={"filters": {k: str(v) for k, v in filters.items() if v and k != "sort"}},
    )
