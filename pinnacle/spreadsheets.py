"""CSV files for spreadsheets, written once for every export and sample.

Each cell is guarded against formulas (a spreadsheet runs a cell starting with `=`, `+`, `-`,
`@`, a tab or a carriage return: CSV injection), and the lines are produced one by one so a
long export streams instead of being held in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """The cell as text, with a leading apostrophe when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """csv.writer writes each row here and gets the line back, to stream it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The header line, then one guarded line per row, as the rows are produced."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([csv_safe(cell) for cell in row])


def csv_response(filename: str, lines: Iterable[str]) -> StreamingHttpResponse:
    """A download of `lines` (from `csv_lines`) named `filename`."""
    return StreamingHttpResponse(
        lines,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
