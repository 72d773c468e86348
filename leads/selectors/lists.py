"""The partnership's leads list, one lead, and the CSV export."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Lower
from django.db.models.lookups import Exact
from django.utils.safestring import SafeString

from leads import extensions
from leads.extensions import ColumnRead, LeadColumn
from leads.models import Lead, Submission
from members.models import Member
from pinnacle.access import get_or_404
from pinnacle.mail.models import Suppression
from pinnacle.models import Partnership

LEADS_PER_PAGE = 25

SORTS: dict[str, tuple[str | Lower, str]] = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "name": (Lower("name"), "pk"),
    "activity": ("-last_submitted_at", "-pk"),
}
DEFAULT_SORT = "newest"
UNASSIGNED = "none"


@dataclass(frozen=True)
class LeadFilters:
    """What the leads list and the CSV export are narrowed to. Empty values filter nothing."""

    q: str = ""
    channel: str = ""
    need: str = ""
    # A member's pk as text, UNASSIGNED for leads nobody referred, or "" for everyone.
    referrer: str = ""
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None
    # "yes": only opted-out leads, "no": only those who can still be contacted.
    opted_out: str = ""
    mine: bool = False
    sort: str = DEFAULT_SORT

    @property
    def is_filtered(self) -> bool:
        """Whether anything narrows the list (sorting and the My leads tab do not count)."""
        return bool(
            self.q
            or self.channel
            or self.need
            or self.referrer
            or self.created_from
            or self.created_to
            or self.opted_out
        )


def is_opted_out() -> Exists:
    """Whether the lead's address is on its partnership's suppression list (case-insensitive;
    the comparison on lower(email) uses the suppression list's unique index)."""
    return Exists(
        Suppression.objects.filter(
            Exact(Lower("email"), Lower(OuterRef("email"))),
            partnership=OuterRef("partnership"),
        )
    )


def _search(leads: QuerySet[Lead], q: str) -> QuerySet[Lead]:
    """Each condition is one the lead's trigram index (`lead_search_idx`) answers."""
    matches = Q(name__icontains=q) | Q(email__icontains=q) | Q(phone__icontains=q)
    digits = "".join(c for c in q if c.isdigit())
    if len(digits) >= 3:
        # "512 555 0101" finds "(512) 555-0101": phone numbers are compared digit by digit.
        matches |= Q(phone_digits__contains=digits)
    return leads.filter(matches)


def leads_for_list(
    *, partnership: Partnership, member: Member, filters: LeadFilters
) -> QuerySet[Lead]:
    """The partnership's leads as filtered, with each lead's referrer and opt-out state."""
    leads: QuerySet[Lead] = (
        Lead.objects.for_partnership(partnership)
        .select_related("referring_member")
        .only(
            *(f.name for f in Lead._meta.concrete_fields),
            "referring_member__slug",
            "referring_member__display_name",
        )
        .annotate(is_opted_out=is_opted_out())
    )
    if filters.mine:
        leads = leads.filter(referring_member=member)
    if filters.q:
        leads = _search(leads, filters.q)
    if filters.channel:
        leads = leads.filter(channel=filters.channel)
    if filters.need:
        leads = leads.filter(need=filters.need)
    if filters.referrer == UNASSIGNED:
        leads = leads.filter(referring_member__isnull=True)
    elif filters.referrer:
        # The form offered only members' ids (and UNASSIGNED, handled above).
        leads = leads.filter(referring_member_id=int(filters.referrer))
    # Dates are the partnership's days, whoever looks at the list.
    if filters.created_from:
        leads = leads.filter(created_at__gte=partnership.start_of_day(filters.created_from))
    if filters.created_to:
        next_day = filters.created_to + datetime.timedelta(days=1)
        leads = leads.filter(created_at__lt=partnership.start_of_day(next_day))
    if filters.opted_out:
        # Annotated above; the stubs lose annotations through `_search`'s QuerySet[Lead].
        leads = leads.filter(is_opted_out=filters.opted_out == "yes")  # type: ignore[misc]
    return leads.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def leads_for_export(
    *, partnership: Partnership, member: Member, filters: LeadFilters
) -> QuerySet[Lead]:
    """The filtered list with what the CSV adds: how many forms each lead filled in."""
    submissions = (
        Submission.objects.filter(lead=OuterRef("pk"))
        .order_by()
        .values("lead")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return leads_for_list(partnership=partnership, member=member, filters=filters).annotate(
        submission_count=Coalesce(Subquery(submissions, output_field=IntegerField()), 0)
    )


def count_my_leads(*, partnership: Partnership, member: Member) -> int:
    return Lead.objects.for_partnership(partnership).filter(referring_member=member).count()


def referrer_filter_choices(*, partnership: Partnership) -> list[tuple[str, str]]:
    """Every member of the partnership, including those no longer active: their leads remain."""
    members = (
        Member.objects.for_partnership(partnership)
        .order_by("display_name", "pk")
        .values_list("pk", "display_name", "is_active")
    )
    return [
        (str(pk), name if is_active else f"{name} (inactive)") for pk, name, is_active in members
    ]


def column_rows(leads: Sequence[Lead], viewer: Member, reads: Sequence[ColumnRead]) -> QuerySet:
    """The one query of `column_values`: each of `leads` with what every column reads."""
    annotations = {
        f"column{index}_{name}": expression
        for index, read in enumerate(reads)
        for name, expression in read.annotations.items()
    }
    return (
        Lead.objects.for_partnership(viewer.partnership)
        .filter(pk__in=[lead.pk for lead in leads])
        .order_by()
        .values("pk", **annotations)
    )


def column_values(
    leads: Sequence[Lead], viewer: Member, columns: Sequence[LeadColumn] | None = None
) -> list[tuple[LeadColumn, dict[int, Any]]]:
    """Each column (every registered one unless `columns` says) with its value for each of
    `leads` as the viewer sees it: what all of them read, in one query."""
    columns = extensions.lead_columns if columns is None else columns
    reads = [column.read(viewer) for column in columns]
    rows: dict[int, Mapping[str, Any]] = {}
    if leads and any(read.annotations for read in reads):
        rows = {row["pk"]: row for row in column_rows(leads, viewer, reads)}
    answers = []
    for index, (column, read) in enumerate(zip(columns, reads, strict=True)):
        values = {}
        for lead in leads:
            row = rows.get(lead.pk, {})
            read_here = {name: row.get(f"column{index}_{name}") for name in read.annotations}
            values[lead.pk] = read.value(read_here, lead)
        answers.append((column, values))
    return answers


def column_cells(
    leads: Sequence[Lead], viewer: Member
) -> list[tuple[LeadColumn, dict[int, SafeString]]]:
    """Each registered column with its cell for each of these leads, {lead pk: HTML}: what the
    list and the lead's page show."""
    return [
        (column, {pk: column.cell(value) for pk, value in values.items()})
        for column, values in column_values(leads, viewer)
    ]


def lead_for(member: Member, pk) -> Lead:
    """A lead of the member's partnership (every member sees its leads) with its referrer and
    opt-out state; a missing lead, another partnership's and an id that is no id are one 404."""
    partnership = member.partnership
    lead = get_or_404(
        Lead.objects.for_partnership(partnership)
        .select_related("referring_member")
        .annotate(is_opted_out=is_opted_out()),
        pk=pk,
    )
    # The partnership is in hand: the queries that start from the lead cost no extra one.
    lead.partnership = partnership
    return lead


def lead_suppression(lead: Lead, viewer: Member) -> Suppression | None:
    """The suppression row that opted this lead out: when, why, how, and the message it came
    from with its sender (one query); `subject_sealed` says the viewer may not read that
    message's subject (a team member's email from the transaction's opening on)."""
    return (
        Suppression.objects.for_partnership(lead.partnership)
        .filter(email__lower=lead.email.lower())
        .annotate(
            subject_sealed=extensions.confidentiality().email_sealed(
                lead, viewer, at="source_message__created_at", reply_to="source_message__reply_to"
            )
        )
        .select_related("source_message")
        .defer("source_message__body_text", "source_message__body_html")
        .first()
    )


def named_members(lead: Lead) -> list[Mapping[str, Any]]:
    """Every member the prospect named as their referrer, first named first, with when they
    named them first and last and how many times (one query)."""
    return list(
        Submission.objects.for_partnership(lead.partnership)
        .filter(lead=lead)
        .exclude(named_referrer=None)
        .values("named_referrer_id", "named_referrer__display_name", "named_referrer__slug")
        .annotate(
            first_named_at=Min("created_at"), last_named_at=Max("created_at"), times=Count("pk")
        )
        .order_by("first_named_at")
    )
