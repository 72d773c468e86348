"""Do the beat sweeps scale with their due rows, not their tables? And how fast does one worker
deliver the outbox, next to the same worker doing nothing?

    DATABASE_URL=... REDIS_URL=redis://127.0.0.1:6379/<n> .venv/bin/python -m bench.sweeps

Sweeps: each in a transaction of its own that is rolled back at the end, a throwaway partnership
gets the sweep's table with a fixed set of due rows (20) and enough rows that are not due to make
1x: a real partnership's table (bench/sweep_data.py) divided by BENCH_SWEEPS_DIVISOR (default 20,
so the run takes minutes). Each sweep runs BENCH_SWEEPS_REPEAT times (median, after a warm-up),
each run inside a savepoint rolled back afterwards, so every run does the same work on the same
due rows; it also counts the rows of its table its queries read (EXPLAIN ANALYZE). Then every
table grows to 10x (same due rows) and the sweeps are timed again; the 10x/1x ratio is printed
per sweep (target <= 1.5), with the rows read at each size.

Throughput (bench/throughput.py): one worker process drains N no-op tasks, then N deliveries
(BENCH_THROUGHPUT_TASKS, default 1,000; BENCH_THROUGHPUT_ROUNDS, default 2; 0 rounds skips it).
BENCH_SWEEPS_ONLY=comarketing,policy times those sweeps only.

Results: bench/results/sweeps.json and sweeps.md.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pinnacle.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.pop("CELERY_BROKER_URL", None)

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import sweep_data, throughput  # noqa: E402
from bench.rows import analyze, rows_read  # noqa: E402
from bench.worker import app  # noqa: E402

DIVISOR = int(os.environ.get("BENCH_SWEEPS_DIVISOR", "20"))
DUE = int(os.environ.get("BENCH_SWEEPS_DUE", "20"))
REPEAT = int(os.environ.get("BENCH_SWEEPS_REPEAT", "11"))
TASKS = int(os.environ.get("BENCH_THROUGHPUT_TASKS", "1000"))
ROUNDS = int(os.environ.get("BENCH_THROUGHPUT_ROUNDS", "2"))
# A comma-separated subset of bench/sweep_data.KITS by name (e.g. "comarketing,policy").
ONLY = [name for name in os.environ.get("BENCH_SWEEPS_ONLY", "").split(",") if name]
TARGET = 1.5
RESULTS = Path(__file__).resolve().parent / "results"


class Rollback(Exception):
    pass


def timed(kit: sweep_data.Kit) -> tuple[float, float, str]:
    """Median and fastest seconds of the sweep over REPEAT runs (after one warm-up), each rolled
    back; and what the sweep returned (the same at 1x and 10x: the same work). On a shared
    machine the fastest run is the one the neighbours disturbed least."""
    samples, result = [], ""
    for run in range(REPEAT + 1):
        try:
            with transaction.atomic():
                start = time.perf_counter()
                result = repr(kit.sweep())
                elapsed = time.perf_counter() - start
                raise Rollback
        except Rollback:
            pass
        if run:
            samples.append(elapsed)
    return statistics.median(samples), min(samples), result


def rows_read_by(kit: sweep_data.Kit) -> int:
    """Rows of the sweep's table its queries read (EXPLAIN ANALYZE of each SELECT it made, run
    against the same state it met): a count, no clock. About the due rows when its index fits."""
    table = kit.model._meta.db_table
    try:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                kit.sweep()
            raise Rollback
    except Rollback:
        pass
    selects = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and f'"{table}"' in q["sql"]
    ]
    try:
        with transaction.atomic():
            read = sum(rows_read(sql, table) for sql in selects)
            raise Rollback
    except Rollback:
        pass
    return read


def grow(kit: sweep_data.Kit, factor: int) -> None:
    kit.grow(kit.real_rows * factor // DIVISOR)
    analyze(kit.model, *kit.models)


def measured(make) -> dict:
    """One sweep in a transaction of its own, rolled back: its world and due rows, 1x, time,
    10x, time. (Alone, so no other sweep's rolled-back emails sit in the tables it reads.)"""
    try:
        with transaction.atomic():
            kit = make(sweep_data.world(f"bench-sweeps-{os.getpid()}", DUE + 4), DUE)
            grow(kit, 1)
            (t1, fast1, r1), read1 = timed(kit), rows_read_by(kit)
            grow(kit, 9)
            (t10, fast10, r10), read10 = timed(kit), rows_read_by(kit)
            raise Rollback
    except Rollback:
        pass
    return {
        "sweep": kit.name,
        "table": kit.model._meta.db_table,
        "rows_1x": kit.real_rows // DIVISOR,
        "rows_10x": kit.real_rows * 10 // DIVISOR,
        "due_rows": kit.due_rows or DUE,
        "ms_1x": round(t1 * 1000, 2),
        "ms_10x": round(t10 * 1000, 2),
        "ratio": round(t10 / t1, 2),
        "fastest_ms_1x": round(fast1 * 1000, 2),
        "fastest_ms_10x": round(fast10 * 1000, 2),
        "fastest_ratio": round(fast10 / fast1, 2),
        "rows_read_1x": read1,
        "rows_read_10x": read10,
        "result_1x": r1,
        "result_10x": r10,
    }


def sweeps() -> list[dict]:
    print(f"1x: a real partnership's table / {DIVISOR}; 10x: / {DIVISOR // 10 or 1}", flush=True)
    rows = []
    for make in sweep_data.KITS:
        if not ONLY or make.__name__ in ONLY:
            start = time.perf_counter()
            rows.append(measured(make))
            print(f"  {make.__name__}: {time.perf_counter() - start:.0f} s", flush=True)
    app.control.purge()  # the outbox sweep published its due rows' deliveries: drop them
    return rows


def markdown(report: dict) -> str:
    lines = [
        "# Beat sweeps: 10x the table, the same due rows",
        "",
        f"Machine: {report['machine']}; PostgreSQL {report['postgres']}. 1x is a real "
        f"partnership's table divided by {DIVISOR}; the same due rows in both; median of "
        f"{REPEAT} runs, each rolled back. Target: 10x/1x <= {TARGET}.",
        "",
        "| sweep | table | rows 1x | rows 10x | due | 1x ms | 10x ms | 10x/1x | fastest 10x/1x "
        "| rows read 1x / 10x |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["sweeps"]:
        lines.append(
            f"| {r['sweep']} | `{r['table']}` | {r['rows_1x']:,} | {r['rows_10x']:,} | "
            f"{r['due_rows']} | "
            f"{r['ms_1x']} | {r['ms_10x']} | {r['ratio']}x | {r['fastest_ratio']}x | "
            f"{r['rows_read_1x']:,} / {r['rows_read_10x']:,} |"
        )
    lines += [
        "",
        "ms: median of the runs; fastest 10x/1x: the same from each size's fastest run (the one "
        "the machine's other users disturbed least).",
        "Rows read: what the sweep's queries read of its table (EXPLAIN ANALYZE of each, on the "
        "state the sweep met), due rows included: a count, free of the machine's noise.",
    ]
    t = report["throughput"]
    if not t:
        return "\n".join(lines) + "\n"
    lines += [
        "",
        "## Outbox delivery per worker",
        "",
        f"One worker process (solo pool), {t['tasks']} tasks per batch, {t['rounds']} rounds; "
        "Django's dummy email backend (no network).",
        "",
        "| batch | tasks/s (median) |",
        "| --- | ---: |",
        f"| no-op task | {t['noop_median']:.0f} |",
        f"| outbox delivery | {t['delivery_median']:.0f} |",
        "",
        f"Delivery throughput is **{t['ratio']:.2f}x** the no-op's.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    settings.DEBUG = False  # no query log in this process
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    rows = sweeps()
    print(f"\n{'sweep':<44}{'1x ms':>9}{'10x ms':>9}{'10x/1x':>8}{'fastest':>8}{'rows read':>12}")
    for r in rows:
        flag = "" if r["ratio"] <= TARGET else "  over target"
        reads = f"{r['rows_read_1x']}/{r['rows_read_10x']}"
        print(
            f"{r['sweep']:<44}{r['ms_1x']:>9}{r['ms_10x']:>9}{r['ratio']:>7}x"
            f"{r['fastest_ratio']:>7}x{reads:>12}{flag}"
        )
    measured: dict = {}
    if ROUNDS:
        print(f"\nworker throughput: {TASKS} tasks x {ROUNDS} rounds ...", flush=True)
        measured = throughput.measure(TASKS, ROUNDS)
        noop, delivery = (
            statistics.median(measured["noop_per_s"]),
            statistics.median(measured["delivery_per_s"]),
        )
        measured.update(noop_median=noop, delivery_median=delivery, ratio=delivery / noop)
        print(f"no-op {noop:.0f}/s, delivery {delivery:.0f}/s: {delivery / noop:.2f}x the no-op")
    report = {
        "machine": f"{platform.node()} ({os.cpu_count()} cores, {platform.python_version()})",
        "postgres": postgres,
        "divisor": DIVISOR,
        "due_rows": DUE,
        "repeat": REPEAT,
        "sweeps": rows,
        "throughput": measured,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "sweeps.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / "sweeps.md").write_text(markdown(report))
    print(f"written: {RESULTS / 'sweeps.json'}, {RESULTS / 'sweeps.md'}")
    return 0 if all(r["ratio"] <= TARGET for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
