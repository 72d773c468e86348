"""What leads shows on members' pages, through members.extensions (registered in apps.py).

Each function is a context function: the members view calls it, so its queries are that view's.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from leads.selectors import inquiries as inquiry_selectors
from leads.selectors import postclose as postclose_selectors
from pinnacle.membership import request_membership


def referral_panel(request, member) -> dict:
    """The member's referral link: prospects who request access through it name them."""
    return {
        "referral_link": request.partnership.absolute_url(f"{reverse('join')}?ref={member.slug}"),
        "lead_count": inquiry_selectors.referred_lead_count(member),
    }


def inquiry_panel(request, member) -> dict:
    """Inquiries waiting for the member's reply, nearest deadline first."""
    return {"inquiries": inquiry_selectors.open_inquiries(member)}


def post_close_menu(request) -> dict | None:
    """Leadership's menu entry for the post-close board."""
    member = request_membership(request) if request.user.is_authenticated else None
    return {} if member is not None and member.is_leadership else None


def post_close_panel(request, member) -> dict | None:
    """Leadership's post-close work waiting now (times to confirm, overdue steps, interactions
    to record), linking to the board; nothing for other members."""
    if not member.is_leadership:
        return None
    return {
        "counts": postclose_selectors.post_close_counts(member, now=timezone.now()),
        "board_url": reverse("post_close_board"),
    }
