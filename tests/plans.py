"""What PostgreSQL's planner does with a query: the tables it would read from end to end.

A page or a sweep whose cost must not grow with a partnership's size reaches its rows through an
index. These helpers ask the planner (`EXPLAIN`, never `ANALYZE`: nothing runs) and name the tables
it would scan sequentially, so a test can say "not this one". The planner only prefers an index
when a table is big enough for it to matter: a test grows the tables first (`grow`), then asks.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection
from django.db.models import QuerySet


def _sql(query: QuerySet | str, params: Iterable[Any]) -> tuple[str, list[Any]]:
    if isinstance(query, QuerySet):
        sql, params = query.query.sql_with_params()
        return sql, list(params)
    return query, list(params)


def plan(query: QuerySet | str, params: Iterable[Any] = ()) -> dict[str, Any]:
    """The planner's chosen plan for a queryset or a SQL string, as EXPLAIN's JSON tree."""
    sql, params = _sql(query, params)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        return cursor.fetchone()[0][0]["Plan"]


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def sequential_scans(query: QuerySet | str, params: Iterable[Any] = ()) -> set[str]:
    """The tables the plan reads from end to end."""
    return {
        node["Relation Name"]
        for node in _nodes(plan(query, params))
        if node["Node Type"] == "Seq Scan"
    }


def indexes_read(query: QuerySet | str, table: str, params: Iterable[Any] = ()) -> set[str]:
    """The indexes the plan reads `table` through (a bitmap's index scans included; they name
    no table of their own); "Seq Scan" when it reads the table end to end."""
    found = set()
    for node in _nodes(plan(query, params)):
        if "Index Name" in node:
            found.add(node["Index Name"])
        elif node["Node Type"] == "Seq Scan" and node["Relation Name"] == table:
            found.add("Seq Scan")
    if not found - {"Seq Scan"}:
        return found
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname = ANY(%s)",
            [table, sorted(found - {"Seq Scan"})],
        )
        return {row[0] for row in cursor.fetchall()} | (found & {"Seq Scan"})


def index_conditions(query: QuerySet | str, table: str, params: Iterable[Any] = ()) -> list[str]:
    """The index conditions of each index scan that reads `table` (what bounds the rows read)."""
    return [
        node["Index Cond"]
        for node in _nodes(plan(query, params))
        if node.get("Relation Name") == table and "Index Cond" in node
    ]


def assert_no_sequential_scan(
    query: QuerySet | str, tables: Iterable[str], params: Iterable[Any] = ()
) -> None:
    """Fail when the plan reads one of `tables` end to end; the message shows the whole plan."""
    scanned = sequential_scans(query, params) & set(tables)
    if scanned:
        raise AssertionError(
            f"sequential scan of {sorted(scanned)} in:\n{_explain_text(query, params)}"
        )


def _explain_text(query: QuerySet | str, params: Iterable[Any]) -> str:
    sql, params = _sql(query, params)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def grow(table: str, sql: str, params: Iterable[Any] = ()) -> None:
    """Run one bulk INSERT … SELECT … generate_series(…) into `table`, then refresh its statistics.

    Inside a test's transaction: the rows vanish with it. ANALYZE matters: without fresh
    statistics the planner still believes the table is empty and any plan looks fine.
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        cursor.execute(f'ANALYZE "{table}"')


def trigrams_installed() -> bool:
    """Whether pg_trgm is there (the embedded server `make test` may start has none)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None
