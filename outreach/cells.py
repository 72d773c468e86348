"""The viewer's policy state with a lead as one cell of HTML: the leads list's column (a row
each), /outreach/'s rows and the lead's page. Written in Python rather than a template: a list
renders it once per row, where an include per row cost more than the rest of the row."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from outreach.selectors.policy import PairState

NOTHING = mark_safe("")  # nosec B308: constant markup, or parts built by format_html


def state_cell(state: PairState) -> SafeString:
    """Where the member stands with the lead: a badge or this week's attempts, the attempts
    counting toward cease, and when the next attempt is allowed."""
    if state.opted_out:
        html = [mark_safe('<span class="badge badge-bad">Opted out</span>')]  # nosec B308: constant markup, or parts built by format_html
    elif state.is_ceased:
        html = [mark_safe('<span class="badge badge-bad">Ceased</span>')]  # nosec B308: constant markup, or parts built by format_html
    elif state.contact_made:
        html = [mark_safe('<span class="badge badge-ok">Contact made</span>')]  # nosec B308: constant markup, or parts built by format_html
    elif state.attempt_times:
        html = [
            format_html(
                '<span class="nowrap">{} of {} this week</span>',
                state.attempts_this_week,
                state.cap,
            )
        ]
    else:
        html = [mark_safe('<span class="muted">Not tried</span>')]  # nosec B308: constant markup, or parts built by format_html
    if not state.opted_out and not state.is_ceased and (in_window := state.attempts_in_window):
        partnership = state.partnership
        html.append(
            format_html(
                '<br><span class="muted">{} of {} in {} days</span>',
                in_window,
                partnership.cease_after_attempts,
                partnership.cease_window_days,
            )
        )
    if next_at := state.next_allowed_at:
        html.append(
            format_html(
                '<br><span class="muted">Next from {}</span>',
                date_format(timezone.localtime(next_at), "M j, P"),
            )
        )
    return mark_safe("".join(html))  # nosec B308, B703: constant markup, or parts built by format_html; joins parts built by mark_safe of constants and format_html


def outreach_cell(value: Any) -> SafeString:
    """The leads list's "Your outreach" cell: the state, or nothing for a lead without one."""
    return state_cell(value) if value is not None else NOTHING
