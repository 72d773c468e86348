"""Co-marketing use cases, one module per family: `invitations` (invite, resend, delete, the
status machine), `joining` (registration, joining with another partnership's account,
acceptance), `profiles` (a lender editing a partner), `sharing` (leads between partners),
`media` (co-branded flyers, property sites and capture pages, and the leads they capture) and
`reminders` (beat's sweep). Who may do what is decided here, for every caller:

- lenders (and leadership) invite, resend and edit; agents and allied resources may delete a
  connection they are part of, but not invite or edit;
- a status only moves forward, driven by real events: the invitation email's delivery and
  opens (ESP webhooks), the registration page seen by a person (a POST from that page, never a
  link scanner's GET), the account created or the connection accepted.
"""

from __future__ import annotations

from pinnacle.refusals import Refused


class ComarketingRefused(Refused):
    """Not allowed by the co-marketing rules; the message is written for the person asking."""


# Every use case, for `from comarketing import services` callers (views, admin, tasks, demo).
from comarketing.services.invitations import (  # noqa: E402
    INVITATION_TEMPLATE,
    can_delete,
    can_invite,
    can_prefill,
    delete_connection,
    follow_invitation_email,
    invitation_context,
    invite_partners,
    join_url,
    mark_link_clicked,
    parse_addresses,
    resend_invitation,
)
from comarketing.services.joining import (  # noqa: E402
    accept_connection,
    join_with_account,
    register_partner,
)
from comarketing.services.media import (  # noqa: E402
    LISTING_KINDS,
    LISTING_PHOTO,
    MAX_PHOTOS,
    PUBLIC_KINDS,
    capture_lead,
    create_media,
    delete_media,
    media_refusal,
    update_media,
)
from comarketing.services.profiles import (  # noqa: E402
    EDITABLE_PROFILE_FIELDS,
    edit_partner_profile,
    partner_edit_refusal,
)
from comarketing.services.reminders import sweep_reminders  # noqa: E402
from comarketing.services.sharing import MAX_NOTE_LENGTH, share_lead  # noqa: E402

__all__ = [
    "EDITABLE_PROFILE_FIELDS",
    "INVITATION_TEMPLATE",
    "LISTING_KINDS",
    "LISTING_PHOTO",
    "MAX_NOTE_LENGTH",
    "MAX_PHOTOS",
    "PUBLIC_KINDS",
    "ComarketingRefused",
    "accept_connection",
    "can_delete",
    "can_invite",
    "can_prefill",
    "capture_lead",
    "create_media",
    "delete_connection",
    "delete_media",
    "edit_partner_profile",
    "follow_invitation_email",
    "invitation_context",
    "invite_partners",
    "join_url",
    "join_with_account",
    "mark_link_clicked",
    "media_refusal",
    "parse_addresses",
    "partner_edit_refusal",
    "register_partner",
    "resend_invitation",
    "share_lead",
    "sweep_reminders",
    "update_media",
]
