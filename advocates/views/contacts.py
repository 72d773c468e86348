"""The member's inner circle: the list of contacts."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from advocates import selectors
from members.auth import member_required

CONTACTS_PER_PAGE = 25


@member_required
def circle(request):
    rows = selectors.contacts_of(request.member).order_by("-strength", "name", "pk")
    page = Paginator(rows, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "advocates/circle.html", {"page": page, "section": "circle"})
