"""Outreach in leadership's compliance report: per member and period (the partnership's days),
attempts by channel, refusals and why, ceased pairs, opt-outs that followed their messages, and
their messages that bounced. Four queries for the whole partnership's rows in the report's order,
however many members, and one for the bounced messages of the rows shown."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from outreach.models import Attempt, Channel, OutreachPair, Recommendation, Refusal
from pinnacle.mail.models import OutboxMessage, Suppression
from pinnacle.models import Partnership

OPT_OUT_REASONS = (Suppression.Reason.UNSUBSCRIBED, Suppression.Reason.MANUAL)
# Read once: an enum's `values` and `choices` build their lists anew on every call, and the
# report makes a row per member.
CHANNELS = tuple(Channel.values)
CHANNEL_LABELS = dict(Channel.choices)
REASONS = tuple(Refusal.Reason.values)
REASON_LABELS = dict(Refusal.Reason.choices)
# Members per page of the report's outreach table, and the page's parameter in the address.
PER_PAGE = 25
PAGE_PARAMETER = "outreach_page"


@dataclass
class MemberOutreach:
    member_id: int
    member_name: str = ""
    attempts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    refusals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REASONS, 0))
    ceased: int = 0
    opt_outs: int = 0
    bounced: int = 0
    details_url: str = ""

    @property
    def attempt_total(self) -> int:
        return sum(self.attempts.values())

    @property
    def refusal_total(self) -> int:
        return sum(self.refusals.values())

    @property
    def refusal_summary(self) -> str:
        return ", ".join(f"{REASON_LABELS[r]}: {n}" for r, n in self.refusals.items() if n)

    @property
    def attempt_summary(self) -> str:
        return ", ".join(f"{CHANNEL_LABELS[c]}: {n}" for c, n in self.attempts.items() if n)


def period_bounds(partnership: Partnership, start: datetime.date, end: datetime.date):
    return partnership.start_of_day(start), partnership.start_of_day(
        end + datetime.timedelta(days=1)
    )


def outreach_by_member(
    partnership: Partnership, start: datetime.date, end: datetime.date
) -> list[MemberOutreach]:
    """One row per member with any outreach figure in the period, most refusals first."""
    rows = _rows_in_order(partnership, start, end)
    add_bounced(rows, partnership, start, end)
    return rows


def _rows_in_order(
    partnership: Partnership, start: datetime.date, end: datetime.date
) -> list[MemberOutreach]:
    """Every row of the period in the report's order, without their bounced messages (an
    attempt's message is a row of the outbox: reading it for every attempt of the period would
    cost more than all the rest; `add_bounced` reads them for the rows shown)."""
    since, until = period_bounds(partnership, start, end)
    rows: dict[int, MemberOutreach] = {}

    def row(member_id: int, name: str) -> MemberOutreach:
        found = rows.get(member_id)
        if found is None:
            found = rows[member_id] = MemberOutreach(member_id=member_id, member_name=name)
        return found

    attempts = (
        Attempt.objects.for_partnership(partnership)
        .filter(made_at__gte=since, made_at__lt=until)
        .values("member_id", "member__display_name")
        .annotate(**{c: Count("pk", filter=Q(channel=c)) for c in CHANNELS})
    )
    # The counts are annotated under names computed at run time (one per channel, per reason).
    for a in cast("Iterable[Mapping[str, Any]]", attempts):
        row(a["member_id"], a["member__display_name"]).attempts = {c: a[c] for c in CHANNELS}

    refusals = (
        Refusal.objects.for_partnership(partnership)
        .filter(refused_at__gte=since, refused_at__lt=until)
        .values("member_id", "member__display_name")
        .annotate(**{reason: Count("pk", filter=Q(reason=reason)) for reason in REASONS})
    )
    for f in cast("Iterable[Mapping[str, Any]]", refusals):
        row(f["member_id"], f["member__display_name"]).refusals = {
            reason: f[reason] for reason in REASONS
        }

    ceased = (
        OutreachPair.objects.for_partnership(partnership)
        .filter(ceased_at__gte=since, ceased_at__lt=until)
        .values("member_id", "member__display_name")
        .annotate(n=Count("pk"))
    )
    for c in ceased:
        row(c["member_id"], c["member__display_name"]).ceased = c["n"]

    for opt_out in opt_outs_after_messages(partnership, since, until).values("sender_id", "sender"):
        row(opt_out["sender_id"], opt_out["sender"]).opt_outs += 1

    return sorted(
        rows.values(), key=lambda r: (-r.refusal_total, -r.opt_outs, r.member_name, r.member_id)
    )


def add_bounced(
    rows: Sequence[MemberOutreach],
    partnership: Partnership,
    start: datetime.date,
    end: datetime.date,
) -> None:
    """Sets `bounced` on these rows: their members' messages of the period that bounced (one
    query, through the members' own attempts)."""
    if not rows:
        return
    since, until = period_bounds(partnership, start, end)
    bounced = dict(
        Attempt.objects.for_partnership(partnership)
        .filter(
            member_id__in=[r.member_id for r in rows],
            made_at__gte=since,
            made_at__lt=until,
            message__status=OutboxMessage.Status.BOUNCED,
        )
        .values("member_id")
        .annotate(n=Count("pk"))
        .values_list("member_id", "n")
    )
    for r in rows:
        r.bounced = bounced.get(r.member_id, 0)


def opt_outs_after_messages(partnership: Partnership, since, until):
    """Opt-outs in the period that followed an outreach message, annotated with the member who
    sent it (`sender_id`, `sender`): a message of an attempt or of a recommendation."""
    by_attempt = Attempt.objects.filter(message=OuterRef("source_message"))
    by_recommendation = Recommendation.objects.filter(message=OuterRef("source_message"))
    return (
        Suppression.objects.for_partnership(partnership)
        .filter(
            created_at__gte=since,
            created_at__lt=until,
            reason__in=OPT_OUT_REASONS,
            source_message__isnull=False,
        )
        .annotate(
            sender_id=Coalesce(
                Subquery(by_attempt.values("member_id")[:1]),
                Subquery(by_recommendation.values("member_id")[:1]),
            ),
            sender=Coalesce(
                Subquery(by_attempt.values("member__display_name")[:1]),
                Subquery(by_recommendation.values("member__display_name")[:1]),
            ),
        )
        .filter(sender_id__isnull=False)
    )


# --- What the report shows (registered in panels.py) --------------------------------------------


def report_section(request, partnership, start, end) -> dict:
    """A page of the rows (`?outreach_page=`; the inquiry table above pages with `?page=`)."""
    paginator = Paginator(_rows_in_order(partnership, start, end), PER_PAGE)
    page = paginator.get_page(request.GET.get(PAGE_PARAMETER))
    rows: list[MemberOutreach] = list(page.object_list)
    add_bounced(rows, partnership, start, end)
    # Each row's link to the member's details, built here once per row rather than by a
    # `{% url %}` with two dates per row.
    period = urlencode({"start": start.isoformat(), "end": end.isoformat()})
    for row in rows:
        row.details_url = f"{reverse('outreach_member_compliance', args=[row.member_id])}?{period}"
    return {
        "outreach_rows": rows,
        "outreach_page": page,
        "outreach_pages": [
            (number, "" if isinstance(number, str) else _page_link(request, number))
            for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        ],
        "outreach_previous": _page_link(request, page.number - 1) if page.has_previous() else "",
        "outreach_next": _page_link(request, page.number + 1) if page.has_next() else "",
    }


def _page_link(request, number: int) -> str:
    """The report's address with this page of the outreach table (the period and the inquiry
    table's page kept), to its heading."""
    query = request.GET.copy()
    query[PAGE_PARAMETER] = str(number)
    return f"?{query.urlencode()}#outreach-compliance-heading"


CSV_HEADERS = [
    *(f"attempts_{channel}" for channel in Channel.values),
    *(f"refused_{reason}" for reason in Refusal.Reason.values),
    "ceased_pairs",
    "opt_outs_after_their_messages",
    "messages_bounced",
]


def csv_rows(partnership, start, end) -> dict[int, list]:
    return {
        r.member_id: [
            *r.attempts.values(),
            *r.refusals.values(),
            r.ceased,
            r.opt_outs,
            r.bounced,
        ]
        for r in outreach_by_member(partnership, start, end)
    }


def member_drilldown(member, start: datetime.date, end: datetime.date) -> dict:
    """One member's attempts, refusals and the opt-outs after their messages in the period."""
    partnership = member.partnership
    since, until = period_bounds(partnership, start, end)
    scope = {"member": member}
    return {
        "attempts": Attempt.objects.for_partnership(partnership)
        .filter(**scope, made_at__gte=since, made_at__lt=until)
        .select_related("lead", "message")
        .order_by("-made_at"),
        "refusals": list(
            Refusal.objects.for_partnership(partnership)
            .filter(**scope, refused_at__gte=since, refused_at__lt=until)
            .select_related("lead")
            .order_by("-refused_at")
        ),
        "opt_outs": list(
            opt_outs_after_messages(partnership, since, until)
            .filter(sender_id=member.pk)
            .select_related("source_message")
            .order_by("-created_at")
        ),
    }
