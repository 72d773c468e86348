"""The prospect's password-less session, started by the access link in the welcome email."""

from __future__ import annotations

from leads.models import Lead

SESSION_KEY = "prospect_lead"


def start_prospect_session(request, lead: Lead) -> None:
    sessions = dict(request.session.get(SESSION_KEY, {}))
    sessions[str(lead.partnership_id)] = lead.pk
    request.session[SESSION_KEY] = sessions
    request.session.cycle_key()


def current_prospect(request) -> Lead | None:
    """The lead whose access link this browser followed, on this partnership's host."""
    partnership = getattr(request, "partnership", None)
    if partnership is None or not hasattr(request, "session"):
        return None
    if not hasattr(request, "_prospect"):
        lead_id = request.session.get(SESSION_KEY, {}).get(str(partnership.pk))
        request._prospect = (
            Lead.objects.for_partnership(partnership).filter(pk=lead_id).first()
            if lead_id
            else None
        )
    return request._prospect
