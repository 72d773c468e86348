"""Words for numbers the pages show, one way everywhere."""

from __future__ import annotations

import datetime

from django.utils.formats import date_format


def duration_text(delta: datetime.timedelta | None) -> str:
    """A span of time as the pages say it: "45 min", "5 h 12 min", "3 days 2 h" ("—" for none).
    static/js/site.js says the same words for the live countdowns."""
    if delta is None:
        return "\u2014"
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "under 1 min"
    hours, minutes = divmod(minutes, 60)
    if hours == 0:
        return f"{minutes} min"
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} days {hours} h" if hours else f"{days} days"


def when(moment: datetime.datetime, partnership) -> str:
    """A moment as people of the partnership read it: its local time, with the zone's name."""
    local = partnership.localtime(moment)
    return f"{date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"
