"""Template helpers for inquiries: the dashboard panel's data and the reply-deadline countdown.

The countdown text is rendered here so pages are right without JavaScript; static/js/site.js
recomputes the same words every minute from the element's data-deadline.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from leads import inquiry_selectors
from leads.models import Inquiry
from members.models import Member

register = template.Library()


@register.simple_tag
def open_inquiries(member: Member) -> list[Inquiry]:
    """`{% open_inquiries member as inquiries %}`: the member's unanswered inquiries (one query)."""
    return inquiry_selectors.open_inquiries(member)


@register.simple_tag
def referred_lead_count(member: Member) -> int:
    """`{% referred_lead_count member as count %}`: leads that named this member (one query)."""
    return inquiry_selectors.referred_lead_count(member)


def duration_text(delta: datetime.timedelta) -> str:
    """A span of time in the words the pages use: "45 min", "5 h 12 min", "3 days 2 h"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return f"{minutes} min"
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


def time_left_text(due_at: datetime.datetime, now: datetime.datetime) -> str:
    """Before the deadline "5 h 12 min left", after it "overdue by 2 h"."""
    if now < due_at:
        return f"{duration_text(due_at - now)} left"
    late = now - due_at
    if late < datetime.timedelta(hours=1):
        return f"overdue by {max(int(late.total_seconds() // 60), 1)} min"
    if late < datetime.timedelta(hours=48):
        return f"overdue by {int(late.total_seconds() // 3600)} h"
    return f"overdue by {late.days} days"


def deadline_state(inquiry: Inquiry, now: datetime.datetime) -> str:
    """The countdown's colour: "overdue", "soon" (inside the reminder window) or "ok"."""
    if now >= inquiry.due_at:
        return "overdue"
    if now >= inquiry.remind_at:
        return "soon"
    return "ok"


@register.inclusion_tag("leads/_inquiry_countdown.html")
def inquiry_countdown(inquiry: Inquiry) -> dict:
    """`{% inquiry_countdown inquiry %}`: time left to the reply deadline, red when it is close."""
    now = timezone.now()
    return {
        "text": time_left_text(inquiry.due_at, now),
        "state": deadline_state(inquiry, now),
        "deadline": inquiry.due_at.isoformat(),
        "remind_at": inquiry.remind_at.isoformat(),
    }


@register.filter
def response_time(inquiry: Inquiry) -> str:
    """`{{ inquiry|response_time }}`: from the prospect's message to the member's first answer."""
    if inquiry.responded_at is None:
        return ""
    return duration_text(inquiry.responded_at - inquiry.created_at)


@register.filter
def answered_late(inquiry: Inquiry) -> bool:
    return inquiry.responded_at is not None and inquiry.responded_at > inquiry.due_at
