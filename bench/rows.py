"""Grow a table fast: copy one row many times in a single INSERT … SELECT.

The benchmark of the sweeps and the planner tests both need tables of tens or hundreds of
thousands of rows that look like real ones. Building them through the services would take hours;
copying a row made by the services (or a factory) takes seconds and keeps every column the app
would fill. Columns that must differ from copy to copy (unique keys, the row's state) are given
as SQL expressions in which `n` counts the copies from 1, and `ref` is the n-th of `refs` when
the copies hang off other rows (one post-close step per copied transaction, say).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def clone_rows(
    model: type[Model],
    template_pk: int,
    count: int | None = None,
    *,
    refs: Sequence[int] | None = None,
    params: Sequence[Any] = (),
    **overrides: str,
) -> list[int]:
    """Insert `count` copies (or one per id in `refs`) of the row `template_pk` of `model`,
    with `overrides` (column name → SQL expression over the template row `t`, `n` and `ref`);
    returns the new primary keys in order. `params` fill the %s placeholders of the overrides,
    in the order of the columns."""
    if (count is None) == (refs is None):
        raise ValueError("give either count or refs")
    meta = model._meta
    columns = [
        field.column
        for field in meta.concrete_fields
        # The database writes a generated column itself (Lead.phone_digits).
        if field.column != meta.pk.column and not field.generated  # type: ignore[union-attr]
    ]
    unknown = set(overrides) - set(columns)
    if unknown:
        raise ValueError(f"{meta.db_table} has no column {sorted(unknown)}")
    selected = ", ".join(overrides.get(column, f't."{column}"') for column in columns)
    source = (
        "generate_series(1, %s) AS g(n), LATERAL (SELECT NULL::bigint AS ref) AS r"
        if refs is None
        else "unnest(%s::bigint[]) WITH ORDINALITY AS g(ref, n)"
    )
    names = ", ".join(f'"{column}"' for column in columns)
    sql = (
        f'INSERT INTO "{meta.db_table}" ({names}) '
        f'SELECT {selected} FROM "{meta.db_table}" AS t, {source} '
        f'WHERE t."{meta.pk.column}" = %s ORDER BY n '  # type: ignore[union-attr]
        f'RETURNING "{meta.pk.column}"'  # type: ignore[union-attr]
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, count if refs is None else list(refs), template_pk])
        return [row[0] for row in cursor.fetchall()]


def analyze(*models: type[Model]) -> None:
    """Fresh statistics, so the planner sees the tables at their new size."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def rows_read(sql: str, table: str, params: Sequence[Any] = ()) -> int:
    """How many rows of `table` the query actually reads (EXPLAIN ANALYZE: it runs): the rows its
    scans return plus those they read and threw away. A sweep through the right partial index
    reads about the rows that are due; through a wider index it reads every row the index holds.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", list(params))
        root = cursor.fetchone()[0][0]["Plan"]
    # EXPLAIN gives each count per loop.
    return sum(
        round(
            (
                node.get("Actual Rows", 0)
                + node.get("Rows Removed by Filter", 0)
                + node.get("Rows Removed by Index Recheck", 0)
            )
            * node.get("Actual Loops", 1)
        )
        for node in _nodes(root)
        if node.get("Relation Name") == table
    )


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)
