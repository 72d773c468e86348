"""Leadership's response-time report: did members answer prospect inquiries in time?"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
)
from django.db.models.functions import Cast, NullIf
from django.utils import timezone
from django.utils.functional import cached_property

from leads import extensions
from leads.models import ANSWERED_IN_TIME, ANSWERED_LATE, Inquiry, awaiting_at, overdue_at
from members.models import Member
from pinnacle.formats import duration_text
from pinnacle.models import Partnership


class Median(Aggregate):
    """PostgreSQL's continuous median; works on numbers and on intervals."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


@dataclass(frozen=True)
class ComplianceRow:
    member_id: int | None  # None: inquiries to leadership from the online form
    member_name: str
    received: int
    on_time: int
    answered_late: int
    open: int
    overdue: int
    median_response: datetime.timedelta | None

    @property
    def decided(self) -> int:
        """Inquiries whose outcome is known: answered, or past the deadline unanswered."""
        return self.received - self.open

    @property
    def share_on_time(self) -> int | None:
        """Share of decided inquiries answered in time; None while every one is still open."""
        return round(100 * self.on_time / self.decided) if self.decided else None

    @property
    def median_label(self) -> str:
        return duration_text(self.median_response)

    @property
    def tone(self) -> str:
        if self.share_on_time is None:
            return "neutral"
        if self.overdue or self.share_on_time < 80:
            return "bad"
        return "ok" if self.share_on_time == 100 else "warn"


def _period_inquiries(partnership: Partnership, start: datetime.date, end: datetime.date):
    """The partnership's inquiries received from `start` to `end` (inclusive, in the
    partnership's own days, whoever asks), through `inquiry_period_idx`."""
    return Inquiry.objects.for_partnership(partnership).filter(
        created_at__gte=partnership.start_of_day(start),
        created_at__lt=partnership.start_of_day(end + datetime.timedelta(days=1)),
    )


def _rows_by_member(
    partnership: Partnership, start: datetime.date, end: datetime.date, now: datetime.datetime
):
    # policy: reply to a prospect inquiry within 24 hours (the deadline is stored as due_at).
    return (
        _period_inquiries(partnership, start, end)
        .values("member_id", "member__display_name")
        .annotate(
            received=Count("pk"),
            on_time=Count("pk", filter=ANSWERED_IN_TIME),
            # Not `answered_late`: that is already Inquiry's own property.
            late=Count("pk", filter=ANSWERED_LATE),
            open=Count("pk", filter=awaiting_at(now)),
            overdue=Count("pk", filter=overdue_at(now)),
            median_response=Median(
                ExpressionWrapper(
                    F("responded_at") - F("created_at"), output_field=DurationField()
                ),
                output_field=DurationField(),
            ),
            share=ExpressionWrapper(
                Cast(F("on_time"), FloatField()) / NullIf(F("received") - F("open"), 0),
                output_field=FloatField(),
            ),
        )
        .order_by("share", "-overdue", "member__display_name", "member_id")
    )


def _compliance_row(row: dict) -> ComplianceRow:
    return ComplianceRow(
        member_id=row["member_id"],
        member_name=row["member__display_name"] or "Leadership (online form)",
        received=row["received"],
        on_time=row["on_time"],
        answered_late=row["late"],
        open=row["open"],
        overdue=row["overdue"],
        median_response=row["median_response"],
    )


def response_compliance(
    *, partnership: Partnership, start: datetime.date, end: datetime.date
) -> list[ComplianceRow]:
    """Per member, the inquiries received from `start` to `end` (inclusive, in the partnership's
    own days, whoever asks) and how they were answered. Worst share on time first; members
    without inquiries omitted. One query."""
    return [
        _compliance_row(row) for row in _rows_by_member(partnership, start, end, timezone.now())
    ]


@dataclass(frozen=True)
class ComplianceTotals:
    """The period's inquiries over every member, and how many members' rows they make."""

    received: int
    on_time: int
    open: int
    overdue: int
    rows: int

    @property
    def share_on_time(self) -> int | None:
        decided = self.received - self.open
        return round(100 * self.on_time / decided) if decided else None


class ComplianceReport:
    """The report's rows in its order, sliceable for a `Paginator`: the totals over every
    member in one query (which also counts the rows), a page's rows in another, so a page
    costs the same whether 10 or 2,000 members had inquiries."""

    def __init__(self, *, partnership: Partnership, start: datetime.date, end: datetime.date):
        # One moment for the totals and the rows, so that "open" and "overdue" agree.
        self.now = timezone.now()
        self.inquiries = _period_inquiries(partnership, start, end)
        self.rows = _rows_by_member(partnership, start, end, self.now)

    @cached_property
    def totals(self) -> ComplianceTotals:
        found = self.inquiries.aggregate(
            received=Count("pk"),
            on_time=Count("pk", filter=ANSWERED_IN_TIME),
            open=Count("pk", filter=awaiting_at(self.now)),
            overdue=Count("pk", filter=overdue_at(self.now)),
            members=Count("member_id", distinct=True),
            # The inquiries to leadership from the online form make one row of their own.
            to_leadership=Count("pk", filter=Q(member__isnull=True)),
        )
        return ComplianceTotals(
            received=found["received"],
            on_time=found["on_time"],
            open=found["open"],
            overdue=found["overdue"],
            rows=found["members"] + (1 if found["to_leadership"] else 0),
        )

    def count(self) -> int:
        return self.totals.rows

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[ComplianceRow]:
        return [_compliance_row(row) for row in self.rows[window]]


@dataclass(frozen=True)
class ComplianceTable:
    extra_headers: list[str]
    rows: list[list]


def compliance_table(
    *, partnership: Partnership, start: datetime.date, end: datetime.date
) -> ComplianceTable:
    """Every member with inquiries or with another app's figures in the period, one row each:
    the inquiry columns, then each registered app's columns (empty where it has none)."""
    inquiry_rows = {
        row.member_id: row
        for row in response_compliance(partnership=partnership, start=start, end=end)
    }
    extra_headers: list[str] = []
    extra: list[tuple[int, dict]] = []
    for columns in extensions.compliance_columns:
        extra.append((len(columns.headers), columns.rows(partnership, start, end)))
        extra_headers += list(columns.headers)
    member_ids = set(inquiry_rows) | {pk for _, rows in extra for pk in rows}
    names: dict[int | None, str] = dict(
        Member.objects.for_partnership(partnership)
        .filter(pk__in=[pk for pk in member_ids if pk is not None])
        .values_list("pk", "display_name")
    )
    names[None] = "Leadership (online form)"
    table = []
    for member_id in sorted(member_ids, key=lambda pk: (names.get(pk, ""), pk or 0)):
        row = inquiry_rows.get(member_id)
        line: list[Any] = [names.get(member_id, "")]
        if row is None:
            line += [0, 0, "", 0, 0, 0, ""]
        else:
            line += [
                row.received,
                row.on_time,
                "" if row.share_on_time is None else row.share_on_time,
                row.answered_late,
                row.open,
                row.overdue,
                "" if row.median_response is None else row.median_label,
            ]
        for width, rows in extra:
            line += rows.get(member_id, [""] * width)
        table.append(line)
    return ComplianceTable(extra_headers=extra_headers, rows=table)
