"""Template helpers for inquiries (the reply-deadline countdown and the response time), the
sentence that opens a member's contact with a lead, and the short dates of lists' rows.

The countdown text is rendered here so pages are right without JavaScript; static/js/site.js
recomputes the same words every minute from the element's data-deadline.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import DateFormat
from django.utils.html import format_html
from django.utils.safestring import SafeString

from leads.models import Inquiry, InquiryState
from leads.models import details_origin as _details_origin
from pinnacle.formats import duration_text

register = template.Library()


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
    if inquiry.state(now) == InquiryState.OVERDUE:
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


@register.simple_tag
def details_origin(lead, member) -> str:
    """`{% details_origin lead member %}`: the sentence that opens a member's contact with a
    lead, saying where the lead's contact details came from (leads.models.details_origin)."""
    return _details_origin(lead=lead, member=member)


@register.simple_tag
def short_date(moment: datetime.datetime | None, this_year: str = "") -> SafeString | str:
    """`{% short_date moment this_year %}`: a date for a table's row, "Mar 4" this year and
    "Mar 4, 2024" before, with the full time on hover. A row's tag, not an include: a list of
    25 rows renders 50 of them (an include with four `date` filters cost ~20x more)."""
    if moment is None:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    when = DateFormat(local)
    shown = when.format("M j") if str(local.year) == this_year else when.format("M j, Y")
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(),
        when.format("N j, Y, P"),
        shown,
    )
