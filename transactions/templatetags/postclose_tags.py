"""The post-close section of a transaction's pages (`transactions/_post_close.html`).

The page including it provides `transaction`, `viewer` (the Member) and `access_name`, and may
provide `team` (the transaction's seats, `selectors.team_of`: the team page has them); the section
reads its own rows here, so its queries are that page's, counted by its tests.
"""

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from members.models import Member
from transactions.forms.postclose import section_forms
from transactions.models import PostCloseState
from transactions.selectors.postclose import StepView
from transactions.selectors.postclose import post_close_section as read_section

register = template.Library()


@register.simple_tag(takes_context=True)
def post_close_section(context):
    """The viewer's post-close section, or None: not closed yet, or seen through a customer's
    authorization to disclose (which covers the transaction, not the team's follow-up)."""
    transaction = context.get("transaction")
    viewer = context.get("viewer")
    if (
        transaction is None
        or viewer is None
        or context.get("access_name") not in ("team", "leadership")
        or not transaction.is_closed
        or transaction.closed_on is None
    ):
        return None
    partnership = context.get("partnership")
    if partnership is not None and partnership.pk == transaction.partnership_id:
        transaction.partnership = partnership
    section = read_section(transaction, viewer, timezone.now(), context.get("team"))
    section.forms = section_forms(section, context.get("post_close_forms"))
    return section


# A step's state and the handoff's parts, as the board (three steps a row, 25 rows a page) and a
# transaction's post-close section show them: tags, not includes (an include per cell was most
# of the board's rendering time).


def _moment(value: datetime.datetime) -> str:
    """As `|date:"N j, Y, P"` in a template: in the current time zone."""
    return formats.date_format(timezone.localtime(value), "N j, Y, P")


@register.simple_tag
def step_state(item: StepView) -> SafeString:
    """`{% step_state item %}`: a step's state against its deadline, with its dates."""
    step = item.step
    if step is None:
        return mark_safe('<span class="tag">Not scheduled</span>')  # nosec B308: constant markup
    if item.state == PostCloseState.ON_TIME:
        return format_html(
            '<span class="tag tag-ok">Done on time</span> <span class="muted">{}</span>',
            _moment(step.completed_at),
        )
    if item.state == PostCloseState.LATE:
        return format_html(
            '<span class="tag tag-bad">Done late</span> <span class="muted">{}, due by {}</span>',
            _moment(step.completed_at),
            formats.date_format(step.due_on, "N j"),
        )
    due_on = formats.date_format(step.due_on, "N j, Y")
    if item.state == PostCloseState.OVERDUE:
        return format_html(
            '<span class="tag tag-bad">Overdue</span> <span class="muted">due by {}</span>', due_on
        )
    return format_html('<span class="tag tag-warn">Due by {}</span>', due_on)


def _part(
    moment: datetime.datetime | None, by: Member | None, state: str, *, late: bool, waiting: str
) -> SafeString:
    """One part of the handoff after its name: when and by whom, and whether on time; or, not
    done yet, overdue or `waiting`."""
    if moment is None:
        if state == PostCloseState.OVERDUE:
            return mark_safe(': <span class="status bad">not yet, overdue</span>')  # nosec B308: constant markup
        return format_html(": {}", waiting)
    verdict = (
        '<span class="status bad">late</span>' if late else '<span class="status ok">on time</span>'
    )
    return format_html(
        " {}{}: {}",
        _moment(moment),
        format_html(" by {}", by.display_name) if by is not None else "",
        mark_safe(verdict),  # nosec B308, B703: constant markup
    )


@register.simple_tag
def handoff_parts(item: StepView) -> SafeString:
    """`{% handoff_parts item %}`: the handoff meeting's two parts against its one deadline,
    whose part was late, and the meeting held with its evaluation ("" for the other steps)."""
    parts = item.handoff
    if parts is None:
        return mark_safe("")  # nosec B308: constant markup
    proposed = _part(
        parts.proposed_at,
        parts.proposed_by,
        parts.leader_state,
        late=parts.leader_state != PostCloseState.ON_TIME,
        waiting="not yet",
    )
    confirmed = _part(
        parts.confirmed_at,
        parts.confirmed_by,
        parts.leadership_state,
        late=parts.leadership_state == PostCloseState.LATE,
        waiting="awaiting" if parts.leadership_state else "once times are proposed",
    )
    held = ""
    if (evaluation := parts.evaluation) is not None:
        held = format_html(
            "<li>Held {}: success {}/5, efficiency {}/5, effectiveness {}/5</li>",
            _moment(evaluation.meeting.starts_at),
            evaluation.success,
            evaluation.efficiency,
            evaluation.effectiveness,
        )
    late = format_html('<span class="tag tag-bad">{}</span>', parts.late_label)
    return format_html(
        '\n<ul class="handoff-parts">\n  <li>Times proposed{}</li>\n'
        "  <li>Confirmed by leadership{}</li>\n  {}\n</ul>\n{}\n",
        proposed,
        confirmed,
        held,
        late if parts.late_label else "",
    )
