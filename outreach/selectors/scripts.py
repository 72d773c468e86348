"""What a member says when they call, leave a voicemail or text a lead: like every email, each
script first acknowledges where the lead's contact details came from, then gives the
partnership's introductory statement in the member's words (the seed's "Partner Member Outreach
to Leads List"), and leaves the rest to the member."""

from __future__ import annotations

from leads.models import Lead, details_origin
from members.models import Member
from pinnacle.mail.services import render_text

# The scripts in the order the lead's page shows them: (key, heading).
SCRIPTS = (
    ("call", "When they answer"),
    ("voicemail", "A short voicemail"),
    ("text", "A text message"),
)


def channel_scripts(*, member: Member, lead: Lead) -> dict[str, str]:
    """Each script as plain text (pages escape it); one query, for the lead's origin."""
    context = {
        "member": member,
        "lead": lead,
        "partnership": member.partnership,  # the lead's: a member reaches their own leads
        "origin": details_origin(lead=lead, member=member),
    }
    return {
        key: " ".join(render_text(f"outreach/scripts/{key}.txt", context).split())
        for key, _heading in SCRIPTS
    }
