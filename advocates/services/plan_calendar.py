"""When a plan's touches fall: each step's day after the plan starts, or for an anchored step
the contact's own yearly date (birthday, home anniversary) or the holiday, inside the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from advocates.models import Contact, DateAnchor


def _on(year: int, month: int, day: int) -> dt.date:
    """That day in that year; Feb 29 is Feb 28 in other years."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return dt.date(year, month, 28)


def anchored_date(anchor_date: dt.date, starts_on: dt.date, ends_on: dt.date) -> dt.date | None:
    """The next occurrence of a yearly date (a birthday, a home anniversary) from `starts_on`,
    if it falls inside the plan's period."""
    for year in (starts_on.year, starts_on.year + 1):
        candidate = _on(year, anchor_date.month, anchor_date.day)
        if starts_on <= candidate <= ends_on:
            return candidate
    return None


def _thanksgiving_week(year: int) -> dt.date:
    """The Monday of Thanksgiving week (Thanksgiving: the fourth Thursday of November)."""
    first = dt.date(year, 11, 1)
    thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    return thursday - dt.timedelta(days=3)


HOLIDAYS: dict[str, Callable[[int], dt.date]] = {
    DateAnchor.NEW_YEAR: lambda year: dt.date(year, 1, 2),
    DateAnchor.INDEPENDENCE_DAY: lambda year: dt.date(year, 7, 3),
    DateAnchor.THANKSGIVING: _thanksgiving_week,
    DateAnchor.SEASONS_GREETINGS: lambda year: dt.date(year, 12, 15),
}


def holiday_date(anchor: str, starts_on: dt.date, ends_on: dt.date) -> dt.date | None:
    """The holiday's next date from `starts_on`, if it falls inside the plan's period."""
    for year in (starts_on.year, starts_on.year + 1):
        candidate = HOLIDAYS[anchor](year)
        if starts_on <= candidate <= ends_on:
            return candidate
    return None


def touch_dates(steps, contact: Contact, starts_on: dt.date, ends_on: dt.date) -> list[dt.date]:
    """Each step's due date: its day after the start; or, for an anchored step inside the
    period, the contact's own date (when known) or the holiday on the calendar."""
    dates = []
    for step in steps:
        due = starts_on + dt.timedelta(days=step.day)
        known = {
            DateAnchor.BIRTHDAY: contact.birthday,
            DateAnchor.HOME_ANNIVERSARY: contact.home_anniversary,
        }.get(step.anchor)
        if known is not None:
            due = anchored_date(known, starts_on, ends_on) or due
        elif step.anchor in HOLIDAYS:
            due = holiday_date(step.anchor, starts_on, ends_on) or due
        dates.append(due)
    return dates
