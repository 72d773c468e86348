"""What every part of the seed shares: the plan (counts at a scale), the per-partnership state,
and small SQL helpers.

Rows are made by PostgreSQL itself (`INSERT … SELECT … FROM generate_series(…)`), never built in
Python: a million rows cost seconds, not minutes. Ids are reserved in blocks from each table's
sequence (`reserve`), so row `n` of a block has id `base + n` and other tables point at it by
arithmetic, without reading anything back. Randomness is a hash of the row number (`u`), so two
runs at the same scale make the same rows.
"""

from __future__ import annotations

import datetime
import os
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models

from pinnacle.models import Partnership

# Base counts per partnership at scale 1.0 (the "real partnership"), and the floors that
# keep every kind of row present at a tiny scale (the test runs at 0.001).
BASE = {
    "members": 2_000,
    "leads": 200_000,
    "bench_leads": 2_000,
    "connections": 50_000,
    "transactions": 20_000,
    "bench_transactions": 200,
    "contacts": 100_000,
    "bench_contacts": 300,
    "outbox": 1_000_000,
}
FLOOR = {
    "members": 24,
    "leads": 120,
    "bench_leads": 12,
    "connections": 30,
    "transactions": 20,
    "bench_transactions": 4,
    "contacts": 60,
    "bench_contacts": 6,
    "outbox": 600,
}


def counts_at(scale: float) -> dict[str, int]:
    return {name: max(FLOOR[name], round(base * scale)) for name, base in BASE.items()}


@dataclass
class Tenant:
    """One partnership being seeded: its row, its counts, its clock and the ids made so far."""

    partnership: Partnership
    number: int  # 0 for the first partnership, 1 for the second: keeps their emails apart
    counts: dict[str, int]
    now: datetime.datetime
    password_hash: str
    base: dict[str, int] = field(default_factory=dict)
    # Member ids by what they may do (filled by people.py).
    members: dict[str, list[int]] = field(default_factory=dict)
    content_types: dict[str, int] = field(default_factory=dict)

    @property
    def pk(self) -> int:
        return self.partnership.pk

    @property
    def today(self) -> datetime.date:
        return self.partnership.localtime(self.now).date()

    def params(self, **extra: Any) -> dict[str, Any]:
        """What most statements need: the partnership, the clock, the blocks, the counts."""
        values: dict[str, Any] = {
            "p": self.pk,
            "now": self.now,
            "today": self.today,
            "tz": self.partnership.timezone,
            "pname": self.partnership.name,
            "pfrom": f"{self.partnership.name} <{self.partnership.from_email}>",
            "pemail": self.partnership.from_email,
            "pnum": self.number,
        }
        values.update({f"n_{name}": count for name, count in self.counts.items()})
        values.update({f"b_{name}": base for name, base in self.base.items()})
        values.update({f"ids_{name}": ids for name, ids in self.members.items()})
        values.update({f"ct_{name}": pk for name, pk in self.content_types.items()})
        values.update(extra)
        return values


def u(expr: str, salt: int) -> str:
    """SQL for a uniform number in [0, 1) drawn from `expr` (an integer) and `salt`."""
    # 47 bits of the hash over 2**47.
    return (
        f"((hashint8extended(({expr})::bigint, {salt}) & 140737488355327)::float8 "
        "/ 140737488355328.0)"
    )


def pick(array: str, expr: str, salt: int) -> str:
    """SQL for one element of the bigint[] parameter `array`, drawn from `expr` and `salt`."""
    values = f"%({array})s::bigint[]"
    return f"({values})[1 + floor({u(expr, salt)} * cardinality({values}))::int]"


def text_array(words: list[str]) -> str:
    """SQL for an array of text literals."""
    return "ARRAY[" + ", ".join("'" + w.replace("'", "''") + "'" for w in words) + "]::text[]"


def word(words: list[str], expr: str, salt: int) -> str:
    """SQL for one of `words` (literals in the statement), drawn from `expr` and `salt`."""
    return f"({text_array(words)})[1 + floor({u(expr, salt)} * {len(words)})::int]"


# BENCH_SEED_PROFILE=1 prints every statement slower than a second (where the seed's time goes).
PROFILE = os.environ.get("BENCH_SEED_PROFILE") == "1"


def execute(sql: str, params: dict[str, Any] | None = None) -> int:
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        rows = cursor.rowcount
    if PROFILE and time.monotonic() - started > 1:
        what = " ".join(sql.split())[:90]
        print(f"    {time.monotonic() - started:5.1f} s {rows:>9,} rows  {what}", flush=True)
    return rows


def scalar(sql: str, params: dict[str, Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        row = cursor.fetchone()
        return row[0] if row else None


def reserve(model: type[models.Model], count: int) -> int:
    """Take `count` consecutive ids from the table's sequence; returns the first."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
    return first


class Timer:
    """Prints each step's time as it ends (the seed says where its minutes go)."""

    def __init__(self, out) -> None:
        self.out = out
        self.started = time.monotonic()
        self.mark = self.started

    def step(self, what: str, rows: int | None = None) -> None:
        now = time.monotonic()
        done = f" ({rows:,} rows)" if rows is not None else ""
        self.out.write(f"  {what}{done}: {now - self.mark:.1f} s\n")
        self.out.flush()
        self.mark = now

    @property
    def total(self) -> float:
        return time.monotonic() - self.started
