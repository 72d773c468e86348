"""The one way to fetch a tenant object by id (Zulip's `access_*_by_id`).

Each app's selectors have a helper per object, `<object>_for(member, id)`, that scopes the rows to
what the member may see and fetches one with `get_or_404`: a row that is missing, another
partnership's or someone else's, and an id that is not an id at all ("abc", a number past the
column's range) are the same 404, so nothing tells a prober which rows exist."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def not_found(model: type[models.Model]) -> Http404:
    """The 404 of every helper for `model`, for a row fetched but not the asker's to see."""
    return Http404(f"No such {model._meta.verbose_name}.")


def get_or_404(queryset: models.QuerySet[M], **lookup) -> M:
    """The one row of `queryset` (already scoped to the asker) that `lookup` names, or 404."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise not_found(queryset.model) from exc
