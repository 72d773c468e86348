"""What the members app's admin screens share."""

from __future__ import annotations


def with_partnership(request, fieldsets):
    """Superusers choose the partnership; leadership's rows always belong to their own."""
    if not request.user.is_superuser:
        return fieldsets
    (name, options), *rest = fieldsets
    return [(name, {**options, "fields": ["partnership", *options["fields"]]}), *rest]
