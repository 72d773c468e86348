"""Read queries for the public directory, profiles, the home page and the member dashboard."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, Count, F, Func, IntegerField, Q, QuerySet, Value, When

from members.models import Member
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
    return Member.objects.for_partnership(partnership).filter(is_listed=True, is_active=True)


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
    # Substrings of a name ("son" in "Johnson") are not words to full-text search.
    matches = (
        Q(search_document=query) | Q(display_name__icontains=q) | Q(company__name__icontains=q)
    )
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
        Member.objects.filter(is_listed=True, is_active=True)
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


# What a complete profile has, in the order the dashboard lists what is missing.
PROFILE_CHECKLIST = (
    ("photo", "a photo"),
    ("job_title", "a job title"),
    ("specialization", "a specialization statement"),
    ("bio", "a short bio"),
    ("phone", "a phone number"),
    ("address", "an office address"),
    ("service_areas", "service areas"),
    ("languages", "languages spoken"),
    ("company_logo", "a company logo"),
)


@dataclass(frozen=True)
class ProfileProgress:
    missing: list[str]
    percent: int


def profile_progress(member: Member) -> ProfileProgress:
    """Which profile items the member has not filled in yet, and how complete it is."""
    filled = {
        "photo": bool(member.photo),
        "job_title": bool(member.job_title.strip()),
        "specialization": bool(member.specialization.strip()),
        "bio": bool(member.bio.strip()),
        "phone": bool(member.cell_phone or member.office_phone),
        "address": bool(member.street_address and member.city),
        "service_areas": bool(member.service_areas),
        "languages": bool(member.languages),
        "company_logo": bool(member.company_logo or (member.company and member.company.logo)),
    }
    missing = [label for key, label in PROFILE_CHECKLIST if not filled[key]]
    done = len(PROFILE_CHECKLIST) - len(missing)
    return ProfileProgress(missing=missing, percent=round(100 * done / len(PROFILE_CHECKLIST)))
