"""A page's memo: what several parts of one page read about the same rows, read once.

A page whose extensions ask the same question (a lead's page: the transactions column, the
transactions panel, the outreach stage and the timeline all need the lead's transactions as the
viewer sees them) opens a memo around its work, `with page_memo():`, and the app that answers
the question reads through `remember(key, read)`: the first call in the page reads, the others
get the same answer. Outside a page's memo every call reads, so a service that writes and then
reads again never sees an answer from before its write; the memo ends with the page.

Keys name what was read and for whom (e.g. `("transactions.seen", lead.pk, viewer.pk)`), so two
questions never share an answer by accident.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("page_memo", default=None)


@contextmanager
def page_memo() -> Iterator[None]:
    """A memo for the work inside; within another page's memo, that one (a page's view and a
    selector it calls may both open one)."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remember(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, once per page's memo for `key`; outside one, every time."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]
