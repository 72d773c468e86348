"""What the policy's pages share: a page of rows."""

from __future__ import annotations

from django.core.paginator import Paginator

PER_PAGE = 25


def page_of(request, rows):
    paginator = Paginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return page, paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
