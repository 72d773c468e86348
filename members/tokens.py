"""Invitation links and the session hand-off from the accept page to login/signup.

The link carries a token signed with Django's signing framework under its own salt, so it is
useless for anything else (an unsubscribe or password-reset token cannot be replayed here and vice
versa). It names the invitation and the invited address and expires after the invitation's
validity period. Being signed is not enough on its own: the invitation row decides too. A revoked,
accepted or expired row refuses the token, which makes every link single-use: once accepted, the
same link only shows "already used".

Opening the link (GET) never changes anything, because mail scanners fetch every link. Only the
button on the page (POST) acts: it accepts at once for the invited, logged-in person, or stashes the
invitation in the session and sends the visitor to log in or sign up. The account adapter reads
the stash back (`stashed_invitation`) to open signup and to accept on signup.
"""

from __future__ import annotations

import datetime

from django.core import signing
from django.urls import reverse

from members.models import Invitation

INVITATION_SALT = "members.invitation.accept"
INVITATION_VALID_FOR = datetime.timedelta(days=14)
SESSION_KEY = "members.invitation"


def make_invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITATION_SALT)


def read_invitation_token(token: str) -> tuple[int, str]:
    """Return (invitation_id, email); raises signing.BadSignature when forged or too old."""
    data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_VALID_FOR)
    return int(data["i"]), str(data["e"])


def invitation_accept_url(invitation: Invitation) -> str:
    """The absolute link for the invitation email, on the invitation's partnership host."""
    path = reverse("accept_invitation", args=[make_invitation_token(invitation)])
    return invitation.partnership.absolute_url(path)


def stash_invitation(request, invitation: Invitation) -> None:
    request.session[SESSION_KEY] = {"id": invitation.pk, "partnership": invitation.partnership_id}


def stashed_invitation(request) -> Invitation | None:
    """The invitation this visitor is accepting on this host, whatever its state now."""
    session = getattr(request, "session", None)
    partnership = getattr(request, "partnership", None)
    stash = session.get(SESSION_KEY) if session is not None else None
    if not stash or partnership is None or stash.get("partnership") != partnership.pk:
        return None
    return (
        Invitation.objects.for_partnership(partnership)
        .select_related("partnership")
        .filter(pk=stash.get("id"))
        .first()
    )


def clear_stashed_invitation(request) -> None:
    request.session.pop(SESSION_KEY, None)
