"""Where the advocate CRM shows itself on members' pages (their extension points). `register()`
is called once from AdvocatesConfig.ready()."""

from __future__ import annotations

from advocates import extensions
from advocates.views import referrals
from members import extensions as member_extensions


def register() -> None:
    member_extensions.site_menu.register("advocates/_menu.html", order=50)
    member_extensions.dashboard_panels.register(
        "advocates/referrals/_dashboard_panel.html", referrals.dashboard_panel, order=60
    )
    extensions.contact_sections.register(
        "advocates/referrals/_contact_section.html", referrals.contact_section, order=20
    )
