"""The signed-in user's membership in the request's partnership, looked up once per request.

The admin asks "is this leadership?" for every model on every page, and the members views ask
"who is this member?": all of them read this one answer. Pinnacle does not know what a membership
is (the members app defines it), so it asks the user (`user.membership_in(partnership)`) and
keeps the answer on the request, keyed by user and partnership so a login mid-request asks again.
"""

from __future__ import annotations

from typing import Any

_CACHE_ATTRIBUTE = "_pinnacle_membership"


def request_membership(request) -> Any | None:
    """The user's active membership in `request.partnership`, or None (anonymous, no tenant)."""
    user = getattr(request, "user", None)
    partnership = getattr(request, "partnership", None)
    if user is None or partnership is None or not user.is_authenticated:
        return None
    key = (user.pk, partnership.pk)
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is not None and cached[0] == key:
        return cached[1]
    membership = user.membership_in(partnership)
    setattr(request, _CACHE_ATTRIBUTE, (key, membership))
    return membership
