"""The partner members a transaction's team page offers: to add to the team (active partner
members off the team) and to name in a customer's written authorization (any active member off the
team). A small partnership's are listed in full; a large one's (thousands of members) are found by
a search, so the page costs the same whatever the partnership's size. Read as values, not model
instances: the forms validate the one member posted, and the services decide.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from members.models import Member
from pinnacle.models import Partnership

# The most members a choice lists: all of them up to this many, else the matches of a search.
CHOICES_SHOWN = 100
# The longest search kept (a name, a company or an email address fits).
SEARCH_MAX_LENGTH = 100

MemberChoice = tuple[int, str]


def offered_members(
    partnership: Partnership, *, exclude_ids: Collection[int] = (), team_only: bool = False
) -> QuerySet[Member]:
    """The members a choice may offer: active, off the team, and for the team partner members
    only (leadership sits on no committee)."""
    members = (
        Member.objects.for_partnership(partnership)
        .filter(is_active=True)
        .exclude(pk__in=exclude_ids)
        .order_by("display_name", "pk")
    )
    if team_only:
        members = members.filter(role=Member.Role.MEMBER)
    return members


def member_label(display_name: str, company_name: str | None) -> str:
    return f"{display_name} \u2014 {company_name}" if company_name else display_name


@dataclass(frozen=True)
class Found:
    """What one choice offers: the members listed, the search that found them (when the
    partnership has too many to list), and whether more matched than are listed."""

    choices: list[MemberChoice]
    searching: bool = False
    query: str = ""
    more: bool = False

    @property
    def status(self) -> str:
        """What the search found, in words (read out by screen readers as it changes)."""
        if not self.searching:
            return ""
        if not self.query:
            return "Find the member by part of their name, company or email."
        found = len(self.choices)
        if self.more:
            return (
                f"More than {CHOICES_SHOWN} members match \u201c{self.query}\u201d: "
                "narrow the search."
            )
        if found == 0:
            return f"No member you may choose here matches \u201c{self.query}\u201d."
        return f"{found} member{'' if found == 1 else 's'} match \u201c{self.query}\u201d."


@dataclass(frozen=True)
class MemberChoices:
    for_team: Found
    for_disclosure: Found


def search_text(value: object) -> str:
    return " ".join(str(value or "").split())[:SEARCH_MAX_LENGTH]


def _rows(members: QuerySet[Member], limit: int | None) -> list[tuple[int, str, str | None, str]]:
    return list(members.values_list("pk", "display_name", "company__name", "role")[:limit])


def _search(
    members: QuerySet[Member], query: str, chosen: int | None
) -> tuple[list[MemberChoice], bool]:
    """The members matching `query` (and the one already chosen in a posted form, so it stays
    selected), at most CHOICES_SHOWN; and whether more matched."""
    conditions = []
    if query:
        conditions.append(
            Q(display_name__icontains=query)
            | Q(company__name__icontains=query)
            | Q(user__email__icontains=query)
        )
    if chosen is not None:
        conditions.append(Q(pk=chosen))
    if not conditions:
        return [], False
    wanted = functools.reduce(operator.or_, conditions)
    rows = _rows(members.filter(wanted), CHOICES_SHOWN + 1)
    found = [(pk, member_label(name, company)) for pk, name, company, _ in rows]
    return found[:CHOICES_SHOWN], len(found) > CHOICES_SHOWN


def member_choices(
    partnership: Partnership,
    *,
    exclude_ids: Collection[int],
    team_query: str = "",
    disclosure_query: str = "",
    team_chosen: int | None = None,
    disclosure_chosen: int | None = None,
) -> MemberChoices:
    """Both choices of the team page from one read of at most CHOICES_SHOWN + 1 members; when
    there are more, each lists what its own search found (a query each, and only when asked)."""
    offered = offered_members(partnership, exclude_ids=exclude_ids)
    # The first CHOICES_SHOWN + 1 found in any order, then sorted: PostgreSQL stops reading
    # there, rather than sorting every member of a large partnership to list none of them.
    first = offered.order_by().values("pk")[: CHOICES_SHOWN + 1]
    rows = _rows(Member.objects.filter(pk__in=first).order_by("display_name", "pk"), None)
    if len(rows) <= CHOICES_SHOWN:
        return MemberChoices(
            for_team=Found(
                [
                    (pk, member_label(name, company))
                    for pk, name, company, role in rows
                    if role == Member.Role.MEMBER
                ]
            ),
            for_disclosure=Found(
                [(pk, member_label(name, company)) for pk, name, company, _ in rows]
            ),
        )
    team_found, team_more = _search(
        offered_members(partnership, exclude_ids=exclude_ids, team_only=True),
        team_query,
        team_chosen,
    )
    disclosure_found, disclosure_more = _search(offered, disclosure_query, disclosure_chosen)
    return MemberChoices(
        for_team=Found(team_found, searching=True, query=team_query, more=team_more),
        for_disclosure=Found(
            disclosure_found, searching=True, query=disclosure_query, more=disclosure_more
        ),
    )
