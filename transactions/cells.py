"""A transaction's stage as a badge, and as the leads list's "Transaction" cell. Written in
Python rather than a template: the list renders a cell per row, where an include per row cost
more than the rest of the row."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from transactions.models import TransactionStage

TONES = {TransactionStage.CLOSED: "ok", TransactionStage.FELL_THROUGH: "bad"}
NO_TRANSACTION = mark_safe('<span class="muted">&mdash;</span>')  # nosec B308: constant markup


def stage_badge(stage: str, label: str) -> SafeString:
    """The stage (its value) as a badge that reads `label`, coloured by how it ended."""
    return format_html('<span class="badge badge-{}">{}</span>', TONES.get(stage, "info"), label)


def stage_cell(value: Any) -> SafeString:
    """The stage of the newest transaction the viewer may see (a TransactionStage), or a dash."""
    return stage_badge(value, value.label) if value is not None else NO_TRANSACTION
