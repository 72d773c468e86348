"""Where the advocate CRM shows itself on members' pages (their extension points). `register()`
is called once from AdvocatesConfig.ready()."""

from __future__ import annotations

from members import extensions as member_extensions


def register() -> None:
    member_extensions.site_menu.register("advocates/_menu.html", order=50)
