"""The partnership's leads list for members, a lead's timeline, CSV export, compliance report."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from leads import extensions
from leads.forms import CompliancePeriodForm, LeadFilterForm, OptOutForm
from leads.selectors import compliance, lists, timeline
from leads.services.exports import record_lead_export
from members.auth import leadership_required, member_required
from pinnacle.mail.services import record_opt_out
from pinnacle.memo import page_memo
from pinnacle.models import Partnership
from pinnacle.pagination import CappedPaginator
from pinnacle.refusals import refused_into
from pinnacle.spreadsheets import csv_lines, csv_response

COMPLIANCE_DEFAULT_DAYS = 30
# Members per page of each of the report's tables (worst first; the CSV export has them all).
COMPLIANCE_PER_PAGE = 25


@member_required
def lead_list(request):
    partnership, member = request.partnership, request.member
    form = LeadFilterForm(request.GET, partnership=partnership)
    filters = form.filters()
    leads = lists.leads_for_list(partnership=partnership, member=member, filters=filters)
    page = CappedPaginator(leads, lists.LEADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "leads/lead_list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "columns": lists.column_cells(page.object_list, member),
            "my_lead_count": lists.count_my_leads(partnership=partnership, member=member),
            "this_year": str(partnership.today().year),
        },
    )


@member_required
def lead_detail(request, pk):
    member = request.member
    lead = lists.lead_for(request.member, pk)
    # Leadership records an opt-out the lead gave them by phone or letter.
    may_record_opt_out = member.is_leadership and not lead.is_opted_out
    # The page's columns, panels and timeline sources ask some questions alike (e.g. the
    # lead's transactions as the viewer sees them): each is read once for the page.
    with page_memo():
        context = {
            "lead": lead,
            "utm": sorted(lead.utm.items()) if isinstance(lead.utm, dict) else [],
            "suppression": lists.lead_suppression(lead, member) if lead.is_opted_out else None,
            "opt_out_form": OptOutForm() if may_record_opt_out else None,
            "named_members": lists.named_members(lead),
            "columns": lists.column_cells([lead], member),
            "actions": extensions.lead_actions.render(request, lead=lead, viewer=member),
            "timeline": timeline.timeline_page(lead, member, _page_number(request)),
        }
    return render(request, "leads/lead_detail.html", context)


def _page_number(request) -> int:
    """The timeline's page the address asks for: a whole number from 1 to 99,999 (else the
    first; a longer one would ask PostgreSQL for more rows than a LIMIT takes)."""
    number = request.GET.get("page", "")
    if number.isascii() and number.isdigit() and len(number) <= 5:
        return max(int(number), 1)
    return 1


@require_POST
@leadership_required
def lead_opt_out(request, pk):
    """Leadership records that the lead asked, by phone or letter, for no more outreach."""
    lead = lists.lead_for(request.member, pk)
    form = OptOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(lead)
    with refused_into(request) as opting_out:
        record_opt_out(
            partnership=request.partnership,
            email=lead.email,
            how=form.cleaned_data["how"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    if not opting_out.refused:
        messages.success(
            request,
            f"{lead.name} is opted out: no member of {request.partnership.name} may send them "
            "outreach.",
        )
    return redirect(lead)


EXPORT_HEADER = [
    "created",
    "name",
    "email",
    "phone",
    "need",
    "timeframe",
    "channel",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "referred_by",
    "opted_out",
    "submissions",
    "last_activity",
]


def _export_rows(leads, partnership: Partnership) -> Iterator[list]:
    def local(moment: datetime.datetime | None) -> str:
        # The partnership's own clock, whoever downloads the file.
        return partnership.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    for lead in leads.iterator(chunk_size=500):
        utm = lead.utm if isinstance(lead.utm, dict) else {}
        row = [
            local(lead.created_at),
            lead.name,
            lead.email,
            lead.phone,
            lead.get_need_display(),
            lead.get_timeframe_display(),
            lead.channel_label,
            utm.get("utm_source", ""),
            utm.get("utm_medium", ""),
            utm.get("utm_campaign", ""),
            lead.referring_member.display_name if lead.referring_member else "",
            "yes" if lead.is_opted_out else "no",
            lead.submission_count,
            local(lead.last_submitted_at),
        ]
        yield row


@leadership_required
def lead_export(request):
    partnership = request.partnership
    form = LeadFilterForm(request.GET, partnership=partnership)
    if not form.is_valid():
        # The list skips a filter it cannot use; a file someone keeps must not, so say why instead.
        problems = " ".join(
            f"{field.label}: {' '.join(field.errors)}" for field in form if field.errors
        )
        return HttpResponseBadRequest(
            f"No export was made. {problems}", content_type="text/plain; charset=utf-8"
        )
    filters = form.filters()
    leads = lists.leads_for_export(partnership=partnership, member=request.member, filters=filters)
    record_lead_export(partnership=partnership, actor=request.user, filters=form.cleaned_data)
    filename = f"leads-{partnership.slug}-{partnership.today():%Y-%m-%d}.csv"
    return csv_response(filename, csv_lines(EXPORT_HEADER, _export_rows(leads, partnership)))


def _compliance_period(request):
    """The report's period form and the period it settles on (the last 30 days by default)."""
    today = request.partnership.today()
    default = {"start": today - datetime.timedelta(days=COMPLIANCE_DEFAULT_DAYS - 1), "end": today}
    chosen = "start" in request.GET or "end" in request.GET
    form = CompliancePeriodForm(request.GET if chosen else default)
    return form, (form.cleaned_data if form.is_valid() else default)


@leadership_required
def response_compliance(request):
    partnership = request.partnership
    form, period = _compliance_period(request)
    report = compliance.ComplianceReport(partnership=partnership, **period)
    paginator = Paginator(report, COMPLIANCE_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "leads/compliance.html",
        {
            "form": form,
            "period": period,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "rows": page.object_list,
            "totals": report.totals,
            "sections": extensions.compliance_sections.render(
                request, partnership=partnership, **period
            ),
        },
    )


COMPLIANCE_HEADER = [
    "member",
    "inquiries_received",
    "answered_in_time",
    "share_in_time_percent",
    "answered_late",
    "open",
    "overdue",
    "median_response",
]


@leadership_required
def compliance_export(request):
    """The report as CSV: one row per member, the inquiry columns and every app's columns."""
    partnership = request.partnership
    form, period = _compliance_period(request)
    if form.errors:
        return HttpResponseBadRequest(
            "No export was made. " + " ".join(e for errors in form.errors.values() for e in errors),
            content_type="text/plain; charset=utf-8",
        )
    table = compliance.compliance_table(partnership=partnership, **period)
    filename = (
        f"compliance-{partnership.slug}-{period['start']:%Y-%m-%d}-{period['end']:%Y-%m-%d}.csv"
    )
    return csv_response(filename, csv_lines(COMPLIANCE_HEADER + table.extra_headers, table.rows))
