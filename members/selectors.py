"""Read queries for the public directory, profiles, the home page, the member dashboard and
leadership's invitations."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from members.models import IN_DIRECTORY, Company, Invitation, Member
from pinnacle.lookups import AnyOf
from pinnacle.mail.selectors import latest_email_status
from pinnacle.models import Partnership
from pinnacle.tenancy import get_for_partnership_or_404

SEARCH_CONFIG = "english"

# Everything a directory card shows, and nothing heavier (no search vector, no bio).
CARD_FIELDS = (
    "slug",
    "display_name",
    "job_title",
    "kind",
    "service_category",
    "service_areas",
    "photo",
    "photo_thumbnail",
    "company",
    "company__name",
)


def listed_members(*, partnership: Partnership) -> QuerySet[Member]:
    """Members the public may see: listed and active, in this partnership only."""
    return Member.objects.for_partnership(partnership).filter(IN_DIRECTORY)


def _prefix_query(text: str) -> SearchQuery | None:
    """`alic lake` -> `alic:* & lake:*`, so partly typed words match too."""
    words = re.findall(r"\w+", text)
    if not words:
        return None
    return SearchQuery(
        " & ".join(f"{word}:*" for word in words[:10]), search_type="raw", config=SEARCH_CONFIG
    )


def _uses_search_operators(text: str) -> bool:
    """Quoted phrases and -exclusions are web-search syntax that a prefix match would undo."""
    return '"' in text or any(word.startswith("-") for word in text.split())


def directory_members(
    *,
    partnership: Partnership,
    q: str = "",
    kind: str = "",
    service_category: str = "",
    area: str = "",
) -> QuerySet[Member]:
    """The directory listing: filtered, searched (best match first) and light enough for cards."""
    members = listed_members(partnership=partnership).select_related("company").only(*CARD_FIELDS)
    if kind:
        members = members.filter(kind=kind)
    if service_category:
        members = members.filter(service_category=service_category)
    if area:
        members = members.filter(service_areas__contains=[area])
    q = q.strip()
    if not q:
        return members.order_by("display_name", "pk")
    query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
    prefix = None if _uses_search_operators(q) else _prefix_query(q)
    if prefix is not None:
        query = query | prefix
    # Substrings of a name ("son" in "Johnson") are not words to full-text search. Each branch
    # is one index (the search document's, the names' trigrams, the members' company): the
    # company's name is matched first, as an array of ids, which a join in the OR would not allow.
    companies = Company.objects.for_partnership(partnership).filter(name__icontains=q)
    of_matching_company = AnyOf(F("company_id"), ArraySubquery(companies.values("pk")))
    matches = Q(search_document=query) | Q(display_name__icontains=q) | of_matching_company
    return (
        members.filter(matches)
        .annotate(rank=SearchRank(F("search_document"), query))
        .order_by("-rank", "display_name", "pk")
    )


def directory_area_choices(*, partnership: Partnership) -> list[str]:
    """The distinct service areas of the listed members, alphabetically, in one query."""
    areas = (
        listed_members(partnership=partnership)
        .annotate(area=Func(F("service_areas"), function="unnest"))
        .values_list("area", flat=True)
        .distinct()
        .order_by("area")
    )
    return [area for area in areas if area]


def get_listed_member(*, partnership: Partnership, slug: str) -> Member:
    """A public profile; unlisted, inactive and other partnerships' members are all a 404."""
    return get_for_partnership_or_404(
        Member.objects.filter(IN_DIRECTORY)
        .select_related("company", "user")
        .defer("search_document"),
        partnership,
        slug=slug,
    )


def featured_members(*, partnership: Partnership, limit: int = 6) -> list[Member]:
    """A few listed members for the home page: those with a photo first, then recently updated."""
    has_photo = Case(When(photo_thumbnail="", then=Value(1)), default=Value(0))
    return list(
        listed_members(partnership=partnership)
        .select_related("company")
        .only(*CARD_FIELDS)
        .order_by(has_photo, "-updated_at", "pk")[:limit]
    )


def directory_stats(*, partnership: Partnership) -> dict[str, int]:
    """How many listed members of each kind, in one query."""
    by_kind = {
        kind: Count("pk", filter=Q(kind=kind), output_field=IntegerField())
        for kind in Member.Kind.values
    }
    return listed_members(partnership=partnership).aggregate(total=Count("pk"), **by_kind)


@dataclass(frozen=True)
class ProfileItem:
    """One thing a complete profile has: filled when every one of `fields` is non-blank."""

    label: str
    fields: tuple[str, ...]


# policy: profile completion has one definition, used by the progress bar, the incomplete-profile
# reminders and the member's own dashboard. In the order the dashboard lists what is missing.
PROFILE_CHECKLIST = (
    ProfileItem("your name", ("display_name",)),
    ProfileItem("an email address", ("user__email",)),
    ProfileItem("a cell phone number", ("cell_phone",)),
    ProfileItem("an office phone number", ("office_phone",)),
    ProfileItem(
        "a physical address (street, city, state and postal code)",
        ("street_address", "city", "state", "postal_code"),
    ),
    ProfileItem("a job title", ("job_title",)),
    # Blank until the member chooses one: the partnership's zone shown meanwhile is no choice.
    ProfileItem("your time zone", ("timezone",)),
    ProfileItem("a profile photo", ("photo",)),
    # The member's own upload, which their emails and co-branded media carry (not the company's).
    ProfileItem("a company logo", ("company_logo",)),
    ProfileItem("your employer", ("employer",)),
    ProfileItem("your MLS market", ("mls_market",)),
    ProfileItem("your MLS agent ID", ("mls_agent_id",)),
    ProfileItem("your real estate state license number", ("license_number",)),
)


@dataclass(frozen=True)
class ProfileProgress:
    missing: list[str]
    percent: int

    @property
    def is_complete(self) -> bool:
        return not self.missing


def _is_filled(member: Member, path: str) -> bool:
    value = member
    for name in path.split("__"):
        value = getattr(value, name)
    return bool(str(value or "").strip())


def profile_progress(member: Member) -> ProfileProgress:
    """Which profile items the member has not filled in yet (their labels), and how complete
    the profile is. Reads only the member's own row and its user (for the email): for many
    members, load them with `.select_related("user")` and this makes no query at all."""
    missing = [
        item.label
        for item in PROFILE_CHECKLIST
        if not all(_is_filled(member, path) for path in item.fields)
    ]
    done = len(PROFILE_CHECKLIST) - len(missing)
    return ProfileProgress(missing=missing, percent=round(100 * done / len(PROFILE_CHECKLIST)))


def complete_profile_q(prefix: str = "") -> Q:
    """The same checklist as a filter: `Member.objects.filter(complete_profile_q())` are the
    complete profiles, `.exclude(...)` the incomplete ones; from a model related to Member,
    pass the path, e.g. `complete_profile_q("partner__")`."""
    # A non-space character, as `profile_progress` strips what it reads.
    return Q(
        *(
            Q(**{f"{prefix}{path}__regex": r"\S"})
            for item in PROFILE_CHECKLIST
            for path in item.fields
        )
    )


# --- Who leads -----------------------------------------------------------------------------------


def active_members(partnership: Partnership) -> QuerySet[Member]:
    return Member.objects.for_partnership(partnership).filter(is_active=True)


def leaders(partnership: Partnership, *, excluding: Member | None = None) -> list[Member]:
    """The partnership's active administrative leadership, oldest first, with their users."""
    rows = active_members(partnership).filter(role=Member.Role.LEADERSHIP).select_related("user")
    if excluding is not None:
        rows = rows.exclude(pk=excluding.pk)
    found = list(rows.order_by("pk"))
    for leader in found:
        leader.partnership = partnership
    return found


# --- Invitations ---------------------------------------------------------------------------------


def invitations_for_list(partnership: Partnership) -> QuerySet[Invitation]:
    """Invitations with the inviter's member name and the latest invitation email's status."""
    inviter = Member.objects.for_partnership(partnership).filter(user=OuterRef("invited_by"))
    return (
        Invitation.objects.for_partnership(partnership)
        .select_related("company", "invited_by")
        .annotate(
            inviter_name=Subquery(inviter.values("display_name")[:1]),
            email_status=latest_email_status(Invitation),
        )
        .order_by("-created_at", "-pk")
    )


def invitation_for(leader: Member, pk) -> Invitation:
    """One invitation of the leader's partnership, for leadership to resend or revoke, or 404."""
    return get_for_partnership_or_404(Invitation.objects, leader.partnership, pk=pk)


def invitation_to_accept(*, partnership: Partnership, pk: int, email: str) -> Invitation | None:
    """The invitation an accept link names (its id and the address it was sent to), or None:
    the page then says the link is not valid, in its own words rather than a bare 404."""
    return (
        Invitation.objects.for_partnership(partnership)
        .select_related("partnership", "invited_by", "company")
        .filter(pk=pk, email__lower=email.lower())
        .first()
    )
