"""Extension points of the leads app (which must not import the apps that use them).

Apps built on leads (outreach, co-marketing, the advocate CRM) register from their
AppConfig.ready(). Every point receives the viewer (the member asking), so an app can hide what
that viewer may not see. See pinnacle.extensions for how a template point works.

- `timeline_sources`: functions `(lead, viewer, sealing, *, newest) -> iterable of
  TimelineEntry`, one query each, merged into the lead's timeline. The page shows a lead's
  newest entries a page at a time, so a source returns only its `newest` newest entries
  (`newest_first(rows, at, newest)`; None: all of them). A source whose rows carry free text
  annotates them with `sealing.free_text_sealed(author=…, at=…)` as `sealed` and calls
  `hide_sealed_text` (`sealing`: `confidentiality().sealing(lead, viewer)`, read once for the
  whole timeline).
- `lead_columns`: `LeadColumn`s, a per-viewer status column on the leads list and a line on the
  lead's page. What each reads is annotations of the lead's row: one query for a whole page of
  leads and every column at once.
- `lead_actions(request, lead, viewer)`: buttons and forms on the lead's page.
- `compliance_sections(request, partnership, start, end)`: sections of leadership's compliance
  report for the period (the partnership's days, inclusive).
- `compliance_columns`: `ComplianceColumns`, more columns per member in the report's CSV export.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured

from pinnacle.extensions import ExtensionPoint

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.db.models.expressions import BaseExpression
    from django.utils.safestring import SafeString

    from leads.models import Lead
    from members.models import Member


class Sealing(Protocol):
    """`free_text_sealed` and `email_sealed` of one lead and viewer, read once for a page."""

    def free_text_sealed(self, *, author: str, at: str) -> BaseExpression: ...

    def email_sealed(self, *, at: str = ..., reply_to: str = ...) -> BaseExpression: ...


@dataclass(frozen=True)
class Confidentiality:
    """What leads asks about a lead's transactions, whose committees own what their members
    write about the customer (policy: nothing "involving any customer or customer transaction"
    goes outside its committee unless the customer authorized it in writing). Each answers as
    an annotation or a subquery of the caller's own query, so it adds no query of its own.

    - `free_text_sealed(lead, viewer, *, author, at)`: whether a timeline row's free text,
      written by the member its field `author` names at its field `at`, is hidden from `viewer`.
    - `email_sealed(lead, viewer, *, at="created_at", reply_to="reply_to")`: the same for the
      subject of an email (an `OutboxMessage` row, or the fields named through a relation).
    - `worked_transaction_ids(lead, viewer)`: the ids of the lead's transactions whose emails
      the viewer may read (`transaction_model`: the model their emails are filed against). Ids,
      not a subquery: the outbox's (partnership, content_type, object_id) index then finds
      their emails, instead of the planner reading every transaction's to filter them.
    - `sealing(lead, viewer)`: `free_text_sealed` and `email_sealed` of that lead and viewer
      read once (one query), for a page that asks them many times (the lead's timeline).
    - `templates`: the prefixes of the email templates of a transaction (its team, post-close
      steps, letter, the customer's link): those emails show only to who works one of the
      lead's transactions, even when filed against the lead.
    """

    free_text_sealed: Callable[..., BaseExpression]
    email_sealed: Callable[..., BaseExpression]
    worked_transaction_ids: Callable[[Lead, Member], Sequence[int]]
    transaction_model: type[Model]
    sealing: Callable[[Lead, Member], Sealing]
    templates: tuple[str, ...]


_confidentiality: list[Confidentiality] = []


def register_confidentiality(rules: Confidentiality) -> None:
    _confidentiality[:] = [rules]


def confidentiality() -> Confidentiality:
    """The registered rules; without them nothing about a lead that a transaction's team may
    have written can be shown safely, so this refuses rather than show it unsealed."""
    if not _confidentiality:
        raise ImproperlyConfigured(
            "No confidentiality rules are registered in leads.extensions: the transactions app "
            "registers them from its AppConfig.ready(); until then sealed text is not shown."
        )
    return _confidentiality[0]


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a lead. `template` renders `item` (the row it came from)."""

    at: datetime.datetime
    kind: str  # short key, also the CSS modifier: submission, email, inquiry, response, audit
    label: str  # what the badge says: "Form", "Email", …
    title: str
    template: str
    item: object = None
    status: str = ""
    tone: str = "neutral"  # neutral, info, ok, warn, bad
    # Breaks ties between entries of the same moment: higher counts as later (the email after
    # the form that caused it).
    order: int = 0


def hide_sealed_text(row, *fields: str) -> None:
    """Blanks the free text (`fields`) of a timeline row annotated `sealed`, when the viewer
    may not read it: the text never reaches a template, which says it is not shown (the row
    is only displayed, never saved)."""
    if row.sealed:
        for field in fields:
            setattr(row, field, "")


M = TypeVar("M", bound="Model")


def newest_first(rows: QuerySet[M], at: str, newest: int | None) -> QuerySet[M]:
    """A timeline source's rows, newest first by their field `at` (ties: the row written last
    first), only the `newest` of them (None: all). Each source's `newest` newest rows are all
    that the `newest` newest entries of the merged timeline can come from."""
    rows = rows.order_by(f"-{at}", "-pk")
    return rows if newest is None else rows[:newest]


TimelineSource = Callable[..., Iterable[TimelineEntry]]
timeline_sources: list[TimelineSource] = []


@dataclass(frozen=True)
class ColumnRead:
    """What a column reads about each lead for one viewer: `annotations` of the lead's row
    ({name: expression}, e.g. a subquery on `OuterRef("pk")`), and `value(row, lead)`, the cell's
    value of one lead from what they read ({name: answer}; None when the lead has none)."""

    annotations: Mapping[str, BaseExpression]
    value: Callable[[Mapping[str, Any], Lead], Any]


@dataclass(frozen=True)
class LeadColumn:
    """A column of the leads list (and a line on the lead's page), as the viewer sees it.

    `read(viewer)` says what the column reads: the list reads every column's annotations for
    the page's leads in one query (`leads.selectors.lists.column_values`), however many columns
    there are. `cell(value)` writes one cell's HTML with `format_html`: a function, not a
    template, since the list writes a cell per row and column, and an include each cost more
    than the rest of the row.
    """

    header: str
    cell: Callable[[Any], SafeString]
    read: Callable[[Member], ColumnRead]


lead_columns: list[LeadColumn] = []

lead_actions = ExtensionPoint("lead_actions", "request, lead, viewer")


compliance_sections = ExtensionPoint("compliance_sections", "request, partnership, start, end")


@dataclass(frozen=True)
class ComplianceColumns:
    """Columns an app adds to the compliance CSV: `rows(partnership, start, end)` returns
    {member id: [one value per header]} for the period, in one or a few queries."""

    headers: Sequence[str]
    rows: Callable[..., dict[int | None, list[Any]]]


compliance_columns: list[ComplianceColumns] = []


def register_compliance_columns(columns: ComplianceColumns) -> None:
    if all(c.headers != columns.headers for c in compliance_columns):
        compliance_columns.append(columns)


def register_timeline_source(source: TimelineSource) -> None:
    if source not in timeline_sources:
        timeline_sources.append(source)


def register_lead_column(column: LeadColumn) -> None:
    if all(c.header != column.header for c in lead_columns):
        lead_columns.append(column)
