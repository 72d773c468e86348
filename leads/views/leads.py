"""The partnership's leads list for members, a lead's timeline, CSV export, compliance report."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from leads import selectors
from leads.models import Channel, Need
from leads.selectors import LeadFilters
from members.auth import leadership_required, member_required
from pinnacle.forms import BoundedDateField
from pinnacle.tenancy import record_audit

COMPLIANCE_DEFAULT_DAYS = 30


class LeadFilterForm(forms.Form):
    """The leads list's search, filters and sort (a GET form; invalid values filter nothing)."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, email or phone"}),
    )
    channel = forms.ChoiceField(
        label="Channel", required=False, choices=[("", "All channels"), *Channel.choices]
    )
    need = forms.ChoiceField(
        label="Need", required=False, choices=[("", "Any need"), *Need.choices]
    )
    referrer = forms.ChoiceField(label="Referred by", required=False)
    created_from = BoundedDateField(label="First seen from", required=False)
    created_to = BoundedDateField(label="First seen to", required=False)
    opted_out = forms.ChoiceField(
        label="Opted out",
        required=False,
        choices=[("", "Everyone"), ("no", "Not opted out"), ("yes", "Opted out")],
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("name", "Name A\u2013Z"),
            ("activity", "Last activity"),
        ],
    )
    mine = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrer"].choices = [
            ("", "Anyone"),
            (selectors.UNASSIGNED, "Unassigned"),
            *selectors.referrer_filter_choices(partnership=partnership),
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", "Choose a date on or after the \u201cfrom\u201d date.")
        return cleaned

    def filters(self) -> LeadFilters:
        """The valid values; a field with an error is left out rather than blocking the list."""
        self.is_valid()
        data = self.cleaned_data
        return LeadFilters(
            q=(data.get("q") or "").strip(),
            channel=data.get("channel") or "",
            need=data.get("need") or "",
            referrer=data.get("referrer") or "",
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            opted_out=data.get("opted_out") or "",
            mine=bool(data.get("mine")),
            sort=data.get("sort") or selectors.DEFAULT_SORT,
        )


@member_required
def lead_list(request):
    partnership, member = request.partnership, request.member
    form = LeadFilterForm(request.GET, partnership=partnership)
    filters = form.filters()
    leads = selectors.leads_for_list(partnership=partnership, member=member, filters=filters)
    page = Paginator(leads, selectors.LEADS_PER_PAGE).get_page(request.GET.get("page"))
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
            "my_lead_count": selectors.count_my_leads(partnership=partnership, member=member),
            "this_year": str(timezone.localdate().year),
        },
    )


@member_required
def lead_detail(request, pk):
    lead = selectors.get_lead(partnership=request.partnership, pk=pk)
    return render(
        request,
        "leads/lead_detail.html",
        {
            "lead": lead,
            "utm": sorted(lead.utm.items()) if isinstance(lead.utm, dict) else [],
            "suppression": selectors.lead_suppression(lead) if lead.is_opted_out else None,
            "timeline": selectors.lead_timeline(lead),
        },
    )


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
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class _Echo:
    """csv.writer writes each row here and gets the line back, to stream it."""

    def write(self, value: str) -> str:
        return value


def _export_rows(leads) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(EXPORT_HEADER)
    for lead in leads.iterator(chunk_size=500):
        utm = lead.utm if isinstance(lead.utm, dict) else {}
        row = [
            _local(lead.created_at),
            lead.name,
            lead.email,
            lead.phone,
            lead.get_need_display(),
            lead.get_timeframe_display(),
            lead.get_channel_display(),
            utm.get("utm_source", ""),
            utm.get("utm_medium", ""),
            utm.get("utm_campaign", ""),
            lead.referring_member.display_name if lead.referring_member else "",
            "yes" if lead.is_opted_out else "no",
            lead.submission_count,
            _local(lead.last_submitted_at),
        ]
        yield writer.writerow([csv_safe(cell) for cell in row])


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
    leads = selectors.leads_for_export(
        partnership=partnership, member=request.member, filters=filters
    )
    record_audit(
        partnership=partnership,
        actor=request.user,
        action="leads.exported",
        summary="Exported the leads list as CSV",
        data={"filters": {k: str(v) for k, v in form.cleaned_data.items() if v and k != "sort"}},
    )
    filename = f"leads-{partnership.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    return StreamingHttpResponse(
        _export_rows(leads),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


class CompliancePeriodForm(forms.Form):
    start = BoundedDateField(label="From")
    end = BoundedDateField(label="To")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "Choose a date on or after the \u201cfrom\u201d date.")
        return cleaned


@leadership_required
def response_compliance(request):
    today = timezone.localdate()
    default = {"start": today - datetime.timedelta(days=COMPLIANCE_DEFAULT_DAYS - 1), "end": today}
    chosen = "start" in request.GET or "end" in request.GET
    form = CompliancePeriodForm(request.GET if chosen else default)
    period = form.cleaned_data if form.is_valid() else default
    rows = selectors.response_compliance(partnership=request.partnership, **period)
    received = sum(row.received for row in rows)
    on_time = sum(row.on_time for row in rows)
    decided = sum(row.decided for row in rows)
    return render(
        request,
        "leads/compliance.html",
        {
            "form": form,
            "period": period,
            "rows": rows,
            "totals": {
                "received": received,
                "on_time": on_time,
                "share": round(100 * on_time / decided) if decided else None,
                "overdue": sum(row.overdue for row in rows),
            },
        },
    )
