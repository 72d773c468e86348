"""The member's inner circle as a source of contacts for pickers in other apps (the co-marketing
invitation), through `members.extensions.contact_sources`: only the member's own contacts."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from advocates.selectors.circle import contacts_of
from members.extensions import ContactChoice
from members.models import Member


def circle_contacts(
    member: Member, *, name: str = "", emails: Sequence[str] = (), limit: int = 10
) -> list[ContactChoice]:
    match = Q(pk__in=[])
    if name:
        match |= Q(name__icontains=name)
    if emails:
        match |= Q(email__lower__in=emails)
    rows = (
        contacts_of(member)
        .exclude(email="")
        .filter(match)
        .order_by("name", "pk")
        .values_list("name", "email")[:limit]
    )
    return [ContactChoice(name=n, email=e, kind="your inner circle") for n, e in rows]
