"""An invitee with an account in another partnership logs in here to accept: the invitation page
stashes the connection in the session (a POST, never a scanner's GET), and the account adapter
asks `invited_email` (through `members.extensions.login_invitations`) whether the address logging
in is the one invited, so the password login lets them in before they are a member here."""

from __future__ import annotations

from comarketing.models import Connection, Status

SESSION_KEY = "comarketing.invitation"


def stash_for_login(request, connection: Connection) -> None:
    request.session[SESSION_KEY] = {
        "connection": connection.pk,
        "partnership": connection.partnership_id,
    }


def clear_stash(request) -> None:
    request.session.pop(SESSION_KEY, None)


def invited_email(request) -> str | None:
    """The address of the open invitation stashed for this host's partnership, or None."""
    session = getattr(request, "session", None)
    partnership = getattr(request, "partnership", None)
    stash = session.get(SESSION_KEY) if session is not None else None
    if not stash or partnership is None or stash.get("partnership") != partnership.pk:
        return None
    return (
        Connection.objects.for_partnership(partnership)
        .filter(pk=stash.get("connection"), deleted_at__isnull=True)
        .exclude(status=Status.ACTIVE)
        .values_list("email", flat=True)
        .first()
    )
