"""A double submit (a double click, a form sent again from another tab) adds one row, not two.

The caller holds a row lock that orders the two requests (the contact's, the transaction's, or
the member's for rows that hang on the member); under it, the second finds the row the first just
made with the same values and returns it instead of adding another."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

# Two identical submits this close together are one click sent twice.
DOUBLE_SUBMIT_WINDOW = dt.timedelta(seconds=60)

M = TypeVar("M", bound=Model)


def just_made(rows: QuerySet[M], *, made_at: str = "created_at", **same: Any) -> M | None:
    """The row of `rows` with the values `same`, made within the window: the first submit's."""
    since = timezone.now() - DOUBLE_SUBMIT_WINDOW
    return rows.filter(**{f"{made_at}__gt": since}, **same).order_by("-pk").first()
