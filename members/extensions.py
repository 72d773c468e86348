"""Extension points of the members app (which must not import the apps that use them).

Apps register from their AppConfig.ready(); see pinnacle.extensions for how a point works.

- `site_menu(request)`: entries in the header's main menu: each template renders a group of what
  members do (`{% menu_group %}`), or `<li>` items for visitors.
- `leadership_menu(request)`: `<li>` items of the menu's Leadership group (shown to leadership).
- `dashboard_panels(request, member)`: panels on the member's dashboard.
- `profile_actions(request, member)`: buttons in a directory profile's action area.
- `profile_edit_sections(request, member)`: sections below the profile-edit form (each posts to
  its own app's URL).
- `contact_sources`: where a member's own contacts live in higher apps (the advocate CRM), for a
  picker in another higher app (the co-marketing invitation) that may not import them.
- `login_invitations`: invitations of higher apps (co-marketing) whose invitee, with an account in
  another partnership, may log in on this host before being a member here, to accept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import SimpleLazyObject

from pinnacle.extensions import ExtensionPoint
from pinnacle.membership import request_membership

if TYPE_CHECKING:
    from members.models import Member

site_menu = ExtensionPoint("site_menu", "request")
leadership_menu = ExtensionPoint("leadership_menu", "request")
dashboard_panels = ExtensionPoint("dashboard_panels", "request, member")
profile_actions = ExtensionPoint("profile_actions", "request, member")
profile_edit_sections = ExtensionPoint("profile_edit_sections", "request, member")


@dataclass(frozen=True)
class ContactChoice:
    """One of a member's contacts as a picker shows it: the name, the address, what it is."""

    name: str
    email: str
    kind: str


# A source answers for one member and only with that member's own contacts that have an address:
# those whose name contains `name` (when given) or whose address is one of `emails` (lower case).
ContactSource = Callable[..., Iterable[ContactChoice]]


class ContactSources:
    def __init__(self):
        self._sources: list[ContactSource] = []

    def register(self, source: ContactSource) -> None:
        if source not in self._sources:  # ready() can run twice (tests, autoreload)
            self._sources.append(source)

    def find(
        self, member: Member, *, name: str = "", emails: Sequence[str] = (), limit: int = 10
    ) -> list[ContactChoice]:
        """Every registered source's matches for `member`, one query each."""
        emails = [email.strip().lower() for email in emails if email.strip()]
        if not name.strip() and not emails:
            return []
        return [
            found
            for source in self._sources
            for found in source(member, name=name.strip(), emails=emails, limit=limit)
        ]


contact_sources = ContactSources()


class LoginInvitations:
    """Each source reads the request's session and answers the address of the invitation the
    visitor is accepting on this host (still open), or None. The account adapter lets exactly
    that address log in without a membership here (password still checked)."""

    def __init__(self):
        self._sources: list[Callable[..., str | None]] = []

    def register(self, source: Callable[..., str | None]) -> None:
        if source not in self._sources:
            self._sources.append(source)

    def allow(self, request, email: str) -> bool:
        email = email.strip().lower()
        return any((source(request) or "").lower() == email for source in self._sources)


login_invitations = LoginInvitations()


def template_extensions(request) -> dict:
    """Context processor: the site menu's extension entries, rendered only if a page uses them,
    and `member_here`, the visitor's membership in this partnership (None for a visitor, and for
    someone logged in with an account of another partnership who is not a member here yet: the
    member pages answer them 404, so the menus offer them none)."""
    return {
        "site_menu_items": SimpleLazyObject(lambda: site_menu.render(request)),
        "leadership_menu_items": SimpleLazyObject(lambda: leadership_menu.render(request)),
        "member_here": SimpleLazyObject(lambda: request_membership(request)),
    }
