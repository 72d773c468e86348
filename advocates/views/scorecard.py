"""The circle's settings (the strength score's weights), the allied resources' scorecard, and
leadership's overview of the partnership's circles in aggregate."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from advocates.forms.contacts import (
    WeightsForm,
)
from advocates.selectors import circle as circle_reads
from advocates.selectors import overview as overview_reads
from advocates.services import score
from advocates.views.contacts import CONTACTS_PER_PAGE, SCORE_TARGETS
from members.auth import leadership_required, member_required
from pinnacle.refusals import refused_into


@member_required
def circle_settings(request):
    current = circle_reads.circle_settings(request.member)
    form = WeightsForm(
        request.POST or None,
        initial={
            "frequency": current.frequency_weight,
            "reciprocal": current.reciprocal_weight,
            "appreciation": current.appreciation_weight,
        },
    )
    if request.method == "POST" and form.is_valid():
        with refused_into(form) as setting:
            score.set_weights(member=request.member, **form.cleaned_data)
        if not setting.refused:
            messages.success(request, "Your weights are saved; every score is re-weighed.")
            return redirect("advocates_settings")
    return render(
        request,
        "advocates/settings.html",
        {"form": form, "targets": SCORE_TARGETS, "section": "settings"},
        status=400 if form.is_bound else 200,
    )


@member_required
def allied_scorecard(request):
    sort = request.GET.get("sort", "weak")
    sort = sort if sort in circle_reads.SCORECARD_SORTS else "weak"
    rows = circle_reads.allied_scorecard(
        request.member, today=request.partnership.today(), sort=sort
    )
    page = Paginator(rows, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.exchange = circle_reads.exchange_of(row)
    return render(
        request,
        "advocates/allied.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1),
            "sort": sort,
            "weak_quality": circle_reads.WEAK_QUALITY,
            "one_way_after": circle_reads.ONE_WAY_AFTER,
            "section": "allied",
        },
    )


@leadership_required
def overview(request):
    partnership = request.partnership
    found = overview_reads.overview_counts(partnership, today=partnership.today())
    per_owner = found.pop("per_owner")
    page = Paginator(
        overview_reads.members_with_a_circle(partnership, per_owner), CONTACTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    page.object_list = overview_reads.member_rows(page.object_list, per_owner)
    return render(
        request,
        "advocates/overview.html",
        {
            **found,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1),
            "year": request.partnership.today().year,
            "section": "overview",
        },
    )
