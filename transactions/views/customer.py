"""The customer's read-only transaction page (no login, opened from the emailed link), and the
team's two actions on those links."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from members.auth import member_required
from pinnacle.refusals import refused_into
from transactions.selectors import customer as customer_selectors
from transactions.services.customer import revoke_customer_links, send_customer_link
from transactions.views.page import transaction_seen

EVENTS_PER_PAGE = 20


def private_page(view):
    """A page for one person's eyes: never indexed, cached or passed on in a Referer header."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response

    return wrapper


@require_safe
@private_page
def customer_transaction(request, token):
    """The customer's own transaction: its stage, its team and the entries shared with them.
    Reading it changes nothing (mail scanners fetch every link)."""
    transaction = customer_selectors.transaction_for_customer(request.partnership, token)
    if transaction is None:
        # Forged, expired, revoked or another partnership's: one answer, with no hint which.
        return render(request, "transactions/customer_link_invalid.html", status=404)
    events = Paginator(customer_selectors.shared_events(transaction), EVENTS_PER_PAGE)
    page = events.get_page(request.GET.get("page"))
    return render(
        request,
        "transactions/customer_transaction.html",
        {
            "transaction": transaction,
            "lead": transaction.lead,
            "team": customer_selectors.customer_team(transaction),
            "page": page,
            "page_range": events.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        },
    )


def _back_to(transaction) -> str:
    return transaction.get_absolute_url()


@require_POST
@member_required
def send_link(request, pk):
    transaction, _ = transaction_seen(request, pk)
    with refused_into(request) as sending:
        send_customer_link(transaction=transaction, actor=request.member)
    if not sending.refused:
        lead = transaction.lead
        messages.success(
            request, f"{lead.name} has been emailed the link to their page at {lead.email}."
        )
    return redirect(_back_to(transaction))


@require_POST
@member_required
def revoke_links(request, pk):
    transaction, _ = transaction_seen(request, pk)
    with refused_into(request) as revoking:
        revoke_customer_links(transaction=transaction, actor=request.member)
    if not revoking.refused:
        messages.success(
            request,
            f"Every link sent to {transaction.lead.name} so far has stopped working. "
            "Send a new one when they need their page again.",
        )
    return redirect(_back_to(transaction))
