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


def inquiry_panel(request, member) -> dict:
    """Inquiries waiting for the member's reply, nearest deadline first."""
    return {"inquiries": inquiry_selectors.open_inquiries(member)}
