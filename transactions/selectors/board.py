"""Leadership's post-close board, read through indexes at any size of the partnership.

The board's order (overdue first, then the nearest pending deadline, then the finished ones,
latest close first) is the order of each transaction's nearest pending deadline, the finished
ones (no pending step) last: an overdue transaction's nearest deadline has passed, so it comes
before any other. Sorting every closed transaction by a per-row subquery read all of them for
each page; here the board is two parts, each read in its order through its own index:

- the transactions with a step still to do (the due work): their ids from the steps' partial
  index (`post_close_pending_idx`), then each by its primary key (`pk = ANY(ARRAY(ids))`), with
  its nearest deadline from the same index. As `pk IN (ids)`, the planner hashed every closed
  transaction of the partnership (13,000 at a real size) to find the 400 with steps to do;
- the finished ones, latest close first (the `(partnership, stage, -closed_on)` index), walked
  only as deep as the page asked for.

Their number is counted the same way: the transactions with steps to do by their keys; every
closed one (the "All closed" tab only) by the index.
"""

from __future__ import annotations

import datetime
import math

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

from members.models import Member
from pinnacle.lookups import AnyOf
from pinnacle.models import Partnership
from transactions.models import PostCloseStep, Transaction, TransactionStage
from transactions.selectors.sight import visible_transactions

# What a board row reads of its transaction and of its steps (`transactions.selectors.postclose`
# `board_rows`, the board's template); the steps' partnership is set from the viewer's.
BOARD_COLUMNS = (
    "partnership",
    "lead__name",
    "leader__display_name",
    "property_address",
    "closed_on",
    "handoff_evaluation__meeting__starts_at",
    *(
        f"handoff_evaluation__{name}"
        for name in ("transaction", "meeting", "success", "efficiency", "effectiveness")
    ),
)
STEP_COLUMNS = ("transaction", "kind", "due_at", "completed_at", "times_proposed_at")


class PostCloseBoard:
    """The board's transactions in its order, sliceable for a `Paginator` (one query for the
    counts, one for a page's rows, one for their steps)."""

    def __init__(self, viewer: Member, *, open_only: bool = False):
        self.open_only = open_only
        self.partnership = viewer.partnership
        self.closed = visible_transactions(viewer).filter(stage=TransactionStage.CLOSED)
        pending_steps = PostCloseStep.objects.for_partnership(viewer.partnership).filter(
            completed_at__isnull=True
        )
        self.pending_ids = pending_steps.order_by().values("transaction_id")
        self.with_steps = self.closed.filter(
            AnyOf(F("pk"), ArraySubquery(self.pending_ids.distinct()))
        )
        nearest = pending_steps.filter(transaction=OuterRef("pk")).order_by("due_at")
        self.next_due_at = Subquery(nearest.values("due_at")[:1])

    @cached_property
    def counts(self) -> dict[str, int]:
        """How many closed transactions the viewer may see ("total", not counted for the open
        ones only) and how many have a step to do ("pending"): one query, both read off the
        partnership's row as subqueries."""
        counts = {"pending": _count(self.with_steps)}
        if not self.open_only:
            counts["total"] = _count(self.closed)
        numbers = Partnership.objects.filter(pk=self.partnership.pk).values_list(*counts.values())
        return dict(zip(counts, numbers.get(), strict=True))

    def count(self) -> int:
        return self.counts["pending" if self.open_only else "total"]

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[0 : self.count()])

    def __getitem__(self, window: slice) -> list[Transaction]:
        return sorted(self.rows(window.start or 0, window.stop), key=_board_order)

    def rows(self, start: int, stop: int) -> QuerySet[Transaction]:
        """The rows from `start` to `stop` in the board's order, in no order (`__getitem__`
        sorts them): a part's page by its own index, the other part skipped or its first rows."""
        pending = self.counts["pending"]
        with_steps = (
            self.with_steps.annotate(next_due_at=self.next_due_at)
            .order_by("next_due_at", "-closed_on", "-pk")
            .values("pk")
        )
        finished = (
            self.closed.exclude(pk__in=self.pending_ids).order_by("-closed_on", "-pk").values("pk")
        )
        page: QuerySet = with_steps[start:stop] if start < pending else with_steps.none()
        if not self.open_only and stop > pending:
            page = page.union(finished[max(start - pending, 0) : stop - pending], all=True)
        # The columns the board shows: a member's whole row (its biography, search document,
        # photos) for each name on the page cost more to load than the rest of the page's rows.
        steps = (
            PostCloseStep.objects.select_related("times_proposed_by", "completed_by")
            .only(*STEP_COLUMNS, "times_proposed_by__display_name", "completed_by__display_name")
            .order_by("due_at", "pk")
        )
        return (
            self.closed.filter(pk__in=page)
            .select_related("lead", "leader", "handoff_evaluation__meeting")
            .only(*BOARD_COLUMNS)
            .annotate(next_due_at=self.next_due_at)
            .prefetch_related(Prefetch("post_close_steps", queryset=steps))
        )


def _count(rows: QuerySet) -> Coalesce:
    """`COUNT(*)` of `rows` (all of one partnership's) as a subquery: their number, or 0."""
    counted = rows.order_by().values("partnership").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted), 0)


def _board_order(transaction: Transaction) -> tuple:
    """The board's order in Python, as SQL says it: nearest pending deadline first (none:
    last), then the latest close (descending, nulls first), then the newest."""
    due: datetime.datetime | None = transaction.next_due_at  # type: ignore[attr-defined]
    closed_on = transaction.closed_on
    return (
        due is None,
        due.timestamp() if due else 0.0,
        -closed_on.toordinal() if closed_on else -math.inf,
        -transaction.pk,
    )


def post_close_board(viewer: Member, *, open_only: bool = False) -> PostCloseBoard:
    """Every closed transaction the viewer may see (leadership: all of the partnership's), with
    its steps: those with an overdue step first, then by the nearest pending deadline, then the
    completed ones, latest close first."""
    return PostCloseBoard(viewer, open_only=open_only)
