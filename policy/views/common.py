"""What the policy's pages share: a page of rows, and a service's refusal shown on its form."""

from __future__ import annotations

from django.core.paginator import Paginator

from policy.services.participation import GovernanceRefused

PER_PAGE = 25


def page_of(request, rows):
    paginator = Paginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return page, paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


def show_refusal(form, refusal: GovernanceRefused) -> None:
    """A service's refusal on the form: under the field it names, else above the form."""
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal)
