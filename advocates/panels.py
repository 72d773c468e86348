"""Where the advocate CRM shows itself on members' pages (their extension points). `register()`
is called once from AdvocatesConfig.ready()."""

from __future__ import annotations

from members import extensions as member_extensions
from pinnacle.mail.services import register_outreach_template


def register() -> None:
    member_extensions.site_menu.register("advocates/_menu.html", order=50)
    # A member's email to a contact is unsolicited: it carries the one-click opt-out and is
    # refused for an address that opted out or is suppressed.
    register_outreach_template("advocates/message")
