"""A paginator for lists that may hold a whole partnership's rows (200,000 leads).

Django's Paginator counts every matching row and reads a page with OFFSET, so both the count and
a page deep in the list cost more as the partnership grows. `CappedPaginator` instead:

- counts at most `cap` rows (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`): a longer list says
  "10,000+" and its page numbers stop at the current page's neighbours; asking for a page past
  the cap counts exactly (a rare, deliberate walk deep into the list pays for its own total);
- reads a page's ids first (`WHERE id IN (SELECT id … ORDER BY … OFFSET … LIMIT …)`), so the
  rows skipped by OFFSET are index entries, not rows with their joins and annotations: still one
  query per page.

The queryset must be ordered by an index's columns ending with the primary key.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list: QuerySet, per_page: int, *, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP if cap is None else cap
        self.counted_all = False

    @cached_property
    def count(self) -> int:
        """The rows up to the cap, or `cap + 1` for "more than the cap" (one query)."""
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        """Whether the list holds more rows than were counted (the total is not known)."""
        return not self.counted_all and self.count > self.cap

    @property
    def count_label(self) -> str:
        """The count as shown: "10,000+" past the cap."""
        return f"{self.cap:,}+" if self.is_capped else str(self.count)

    @cached_property
    def num_pages(self) -> int:
        """Past the cap: the pages the cap reaches into, and one more that is known to exist."""
        if self.is_capped:
            return -(-self.cap // self.per_page) + 1
        return super().num_pages

    def validate_number(self, number: Any) -> int:
        """A page past the cap exists only if the exact count says so: count them all then."""
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        if self.is_capped and (wanted - 1) * self.per_page >= self.cap:
            self.__dict__["count"] = self.object_list.order_by().count()
            self.__dict__.pop("num_pages", None)
            self.counted_all = True
        return super().validate_number(number)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # Past the cap the rows go on: the page the cap falls in is a whole page.
        top = bottom + self.per_page if self.is_capped else min(bottom + self.per_page, self.count)
        ids = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)

    def get_elided_page_range(
        self, number: int | str = 1, *, on_each_side: int = 3, on_ends: int = 2
    ) -> Iterator[str | int]:
        """As Django's; past the cap the last pages are unknown, so the range ends with an
        ellipsis after the current page's neighbours."""
        if not self.is_capped:
            yield from super().get_elided_page_range(
                number, on_each_side=on_each_side, on_ends=on_ends
            )
            return
        number = self.validate_number(number)
        if number > 1 + on_ends + on_each_side:
            yield from range(1, on_ends + 1)
            yield self.ELLIPSIS
            yield from range(number - on_each_side, number + 1)
        else:
            yield from range(1, number + 1)
        yield from range(number + 1, min(number + on_each_side, self.num_pages) + 1)
        yield self.ELLIPSIS
