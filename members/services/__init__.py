"""Member use cases: inviting people, accepting, resending and revoking invitations.

Signup is closed except through an invitation, so `accept_invitation` is the only way anyone
becomes a partner member; views, the account adapter and the admin all call these functions.
Refusals are `MembershipRefused`, a `Refused` and a `ValidationError` with a message written
for the person reading the form (and its field where one field is at fault).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from pinnacle.refusals import Refused


# Refused's message is text, ValidationError's may be a lazy string: ours is always text.
class MembershipRefused(Refused, ValidationError):  # type: ignore[misc]
    """The members app's domain error: an invitation or membership use case that cannot be done,
    with a message for the person who asked. It is also a `ValidationError` (a message, a list, or
    a dict of field -> messages, with a code) so that model and form validation can raise and show
    it as their own; `message` is its first message and `field` that message's field."""

    def __init__(self, message, field: str | None = None, code=None, params=None):
        if field:
            message = {field: ValidationError(message, code, params)}
        ValidationError.__init__(self, message, code, params)
        self.field = None
        if not hasattr(self, "message"):
            # A dict or a list of messages: the first one stands for the refusal. A
            # ValidationError built from this one copies its message, code and params.
            errors = self.message_dict if hasattr(self, "error_dict") else {None: self.messages}
            self.field, (self.message, *_) = next(iter(errors.items()))
            self.code, self.params = code, params

    def errors(self) -> dict[str | None, list]:
        if hasattr(self, "error_dict"):
            return {field: errors for field, errors in self.error_dict.items()}
        return {None: self.error_list}


# A second click on "Resend" within this many seconds sends nothing more.


# The use cases, after the error they raise (their modules import it from here).
from members.services.invitations import (  # noqa: E402
    RESEND_COOLDOWN_SECONDS,
    accept_invitation,
    check_can_invite,
    invitation_problem,
    invite_member,
    inviter_name,
    normalize_email,
    resend_invitation,
    revoke_invitation,
)
from members.services.membership import (  # noqa: E402
    account_changed,
    member_changed_by_leadership,
    sync_staff_flag,
    unique_member_slug,
)
from members.services.profiles import PROFILE_IMAGES, update_profile  # noqa: E402

__all__ = [
    "PROFILE_IMAGES",
    "RESEND_COOLDOWN_SECONDS",
    "MembershipRefused",
    "accept_invitation",
    "account_changed",
    "check_can_invite",
    "invitation_problem",
    "invite_member",
    "inviter_name",
    "member_changed_by_leadership",
    "normalize_email",
    "resend_invitation",
    "revoke_invitation",
    "sync_staff_flag",
    "unique_member_slug",
    "update_profile",
]
