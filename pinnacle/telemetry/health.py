"""What /healthz checks: the dependencies (database, Redis, broker: "ok" or "unreachable"),
whether beat's sweeps ran within their period, and how long the oldest due email has waited.

A freshly started system is not unhealthy: a sweep with no run recorded yet is "pending" until
it should have run (pinnacle.telemetry.sweeps). A check that cannot be made because what it
reads is down (the outbox without the database, the sweeps without Redis) is "unknown", and the
dependency itself is what fails.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from redis.exceptions import RedisError

from pinnacle.celery import app as celery_app
from pinnacle.telemetry import sweeps

OK, UNREACHABLE, UNKNOWN = "ok", "unreachable", "unknown"


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _redis_ok() -> bool:
    try:
        cache.get("healthz")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def beat_report(redis_up: bool) -> tuple[str, dict[str, dict]]:
    """("ok" | "pending" | "stale" | "failed" | "unknown", each sweep's state). Stale and failed
    (its last run raised) fail the check; pending (not yet due to have run) does not."""
    if not redis_up:
        return UNKNOWN, {}
    try:
        runs = sweeps.read_runs()
    except (RedisError, OSError):
        return UNKNOWN, {}
    now = time.time()
    report = {}
    for run in runs:
        report[run.sweep.name] = {
            "state": run.state(now),
            "last_run_seconds_ago": None
            if run.last_finished_at is None
            else round(now - run.last_finished_at),
            "stale_after_seconds": round(run.sweep.stale_after),
        }
    states = {entry["state"] for entry in report.values()}
    for worst in ("stale", "failed", "pending"):
        if worst in states:
            return worst, report
    return OK, report


def outbox_report(database_up: bool) -> tuple[str, float | None]:
    """("ok" | "backlog" | "unknown", seconds the oldest due row has waited): a backlog once the
    oldest due row has waited longer than HEALTHZ_OUTBOX_DUE_SECONDS."""
    from pinnacle.mail.selectors import oldest_due_outbox_age

    if not database_up:
        return UNKNOWN, None
    try:
        oldest = oldest_due_outbox_age(timezone.now())
    except Exception:
        return UNKNOWN, None
    if oldest is not None and oldest > settings.HEALTHZ_OUTBOX_DUE_SECONDS:
        return "backlog", oldest
    return OK, oldest


def report(*, strict: bool = False) -> tuple[int, dict]:
    """The status code and the body: 503 when a dependency is unreachable (the web process
    cannot serve: a load balancer takes it out), or, `strict`, when anything fails (a stale
    beat or an email backlog too: what an uptime monitor alerts on)."""
    database, redis_up, broker = _database_ok(), _redis_ok(), _broker_ok()
    body: dict = {
        "database": OK if database else UNREACHABLE,
        "redis": OK if redis_up else UNREACHABLE,
        "broker": OK if broker else UNREACHABLE,
    }
    beat, sweep_states = beat_report(redis_up)
    outbox, oldest = outbox_report(database)
    body["beat"] = beat
    body["outbox"] = outbox
    failing = [name for name, value in body.items() if value in (UNREACHABLE, "stale", "failed")]
    if outbox == "backlog":
        failing.append("outbox")
    body["failing"] = failing
    body["sweeps"] = sweep_states
    body["outbox_oldest_due_seconds"] = None if oldest is None else round(oldest)
    body["outbox_due_limit_seconds"] = settings.HEALTHZ_OUTBOX_DUE_SECONDS
    down = not (database and redis_up and broker)
    return (503 if down or (strict and failing) else 200), body
