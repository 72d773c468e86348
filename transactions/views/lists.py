"""The transactions a member may see: the list with its filters, and its CSV export (each row
says how the viewer sees it: on the team, as leadership, through a disclosure)."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render

from members.auth import member_required
from pinnacle.spreadsheets import csv_lines, csv_response
from pinnacle.tenancy import record_audit
from transactions import selectors
from transactions.forms.transaction import TransactionFilterForm
from transactions.models import TeamMember, TransactionAccess
from transactions.selectors import Access
from transactions.services.access_log import record_transaction_access


@member_required
def transaction_list(request):
    member = request.member
    form = TransactionFilterForm(request.GET)
    q, stage = form.values()
    rows = selectors.transactions_matching(member, q=q, stage=stage)
    page = Paginator(rows, selectors.TRANSACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.list_page(member, page.object_list)
    for row in page.object_list:
        row.sight = selectors.sight_of(member, row)
    record_transaction_access(
        viewer=member,
        user=request.user,
        path=request.get_full_path(),
        looks=[(row.pk, row.sight) for row in page.object_list],
        seen_on=TransactionAccess.SeenOn.LIST,
    )
    return render(
        request,
        "transactions/list.html",
        {
            "form": form,
            "q": q,
            "stage": stage,
            "is_filtered": bool(q or stage),
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "viewer": member,
        },
    )


EXPORT_HEADER = [
    "opened",
    "customer",
    "customer_email",
    "kind",
    "stage",
    "leader",
    "team",
    "property_address",
    "expected_close_on",
    "closed_on",
    "value",
    "stage_changed",
    "seen_as",
]
SEEN_AS = {
    Access.TEAM: "team",
    Access.LEADERSHIP: "leadership",
    Access.DISCLOSURE: "customer's written authorization",
}


def _export_rows(transactions, viewer):
    """The cells of one CSV row per transaction; a cell the viewer's sight does not cover stays
    empty (`seen_as` says why)."""
    partnership = viewer.partnership

    def local(moment: datetime.datetime | None) -> str:
        # The partnership's own clock, whoever downloads the file.
        return partnership.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    for row in transactions.iterator(chunk_size=500):
        sight = selectors.sight_of(viewer, row)
        stage, team, address = sight.stage, sight.team, sight.property_details
        yield [
            local(row.created_at) if stage else "",
            row.lead.name,
            row.lead.email if sight.contact else "",
            row.get_kind_display(),
            ("Forming" if row.forming else row.get_stage_display()) if stage else "",
            row.leader.display_name if team and row.leader else "",
            "; ".join(_seat_label(seat) for seat in row.team.all()) if team else "",
            row.property_address if address else "",
            row.expected_close_on.isoformat() if stage and row.expected_close_on else "",
            row.closed_on.isoformat() if stage and row.closed_on else "",
            "" if not address or row.value is None else f"{row.value:.2f}",
            local(row.stage_changed_at) if stage else "",
            SEEN_AS[sight.access],
        ]


def _seat_label(seat: TeamMember) -> str:
    name = seat.member.display_name
    return f"{name} ({seat.role})" if seat.role else name


@member_required
def transaction_export(request):
    """The transactions the member may see, as filtered on the list; audited, and each row
    from outside its team logged as a look."""
    partnership, member = request.partnership, request.member
    q, stage = TransactionFilterForm(request.GET).values()
    rows = selectors.transactions_for_list(member, q=q, stage=stage)
    record_transaction_access(
        viewer=member,
        user=request.user,
        path=request.get_full_path(),
        looks=selectors.outside_looks(member, rows),
        seen_on=TransactionAccess.SeenOn.EXPORT,
    )
    rows = rows.prefetch_related(
        Prefetch("team", queryset=TeamMember.objects.select_related("member").order_by("added_at"))
    )
    record_audit(
        partnership=partnership,
        actor=request.user,
        action="transactions.exported",
        summary=f"{member.display_name} exported the transactions they may see as CSV",
        data={"member": member.pk, "q": q, "stage": stage},
    )
    filename = f"transactions-{partnership.slug}-{partnership.today():%Y-%m-%d}.csv"
    return csv_response(filename, csv_lines(EXPORT_HEADER, _export_rows(rows, member)))
