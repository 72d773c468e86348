"""What leads shows on members' pages, through members.extensions (registered in apps.py).

Each function is a context function: the members view calls it, so its queries are that view's.
"""

from __future__ import annotations

from django.urls import reverse

from leads.selectors import inquiries as inquiry_selectors


def referral_panel(request, member) -> dict:
    """The member's referral link: prospects who request access through it name them."""
    return {
        "referral_link": request.partnership.absolute_url(f"{reverse('join')}?ref={member.slug}"),
        "lead_count": inquiry_selectors.referred_lead_count(member),
    }


PANEL_INQUIRIES = 5


def inquiry_panel(request, member) -> dict:
    """Inquiries waiting for the member's reply: the first few by deadline, and how many."""
    inquiries, count = inquiry_selectors.first_open_inquiries(member, PANEL_INQUIRIES)
    return {"inquiries": inquiries, "open_count": count, "more": count - len(inquiries)}
