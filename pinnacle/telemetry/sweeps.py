"""Each beat sweep's runs, kept in Redis: shared by every process (the worker that ran the sweep
writes, any web process reads for /healthz and /metrics), and surviving their restarts.

One hash per sweep task: the last run's end (epoch seconds), duration and outcome, and running
totals (runs by outcome, seconds spent) that /metrics exports as a summary. A sweep is fresh
while its last run ended within `stale_after` of now: twice its beat period plus a minute's
slack (the beat fires once a period; the run itself takes a moment, and may wait behind other
tasks). With no run recorded yet it is "pending" while the web process is younger than that
(a system that just started), and "stale" after.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

import redis
from django.conf import settings

SLACK_SECONDS = 60
# This process's start: a sweep never recorded is only "pending" until it should have run.
STARTED_AT = time.time()

_clients: dict[str, redis.Redis] = {}


@dataclass(frozen=True)
class Sweep:
    name: str  # the beat entry's name (CELERY_BEAT_SCHEDULE), what /healthz reports
    task: str
    period: float  # seconds

    @property
    def stale_after(self) -> float:
        return 2 * self.period + SLACK_SECONDS


def beat_sweeps() -> list[Sweep]:
    """The beat schedule's entries with a fixed period (a crontab entry has none to check)."""
    found = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        schedule = entry["schedule"]
        if isinstance(schedule, timedelta):
            period = schedule.total_seconds()
        elif isinstance(schedule, int | float):
            period = float(schedule)
        elif isinstance(getattr(schedule, "run_every", None), timedelta):
            period = schedule.run_every.total_seconds()
        else:
            continue
        found.append(Sweep(name=name, task=entry["task"], period=period))
    return found


def sweep_for_task(task_name: str) -> Sweep | None:
    return next((sweep for sweep in beat_sweeps() if sweep.task == task_name), None)


def _client() -> redis.Redis:
    url = settings.CACHES["default"]["LOCATION"]  # the Redis /healthz checks
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    return _clients[url]


def _key(task_name: str) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:telemetry:sweep:{task_name}"


def record_run(task_name: str, *, finished_at: float, duration: float, ok: bool) -> None:
    """Called when a sweep's task ends (pinnacle.telemetry.tasks), in one Redis transaction."""
    key = _key(task_name)
    outcome = "ok" if ok else "error"
    with _client().pipeline(transaction=True) as pipe:
        pipe.hset(
            key,
            mapping={
                "last_finished_at": repr(finished_at),
                "last_duration": repr(duration),
                "last_outcome": outcome,
            },
        )
        pipe.hincrby(key, f"runs_{outcome}", 1)
        pipe.hincrbyfloat(key, "seconds_total", duration)
        pipe.execute()


@dataclass(frozen=True)
class SweepRuns:
    sweep: Sweep
    last_finished_at: float | None
    last_duration: float | None
    last_outcome: str | None
    runs_ok: int
    runs_error: int
    seconds_total: float

    def state(self, now: float) -> str:
        """ok | failed (its last run raised) | stale | pending (never ran, system just up)."""
        if self.last_finished_at is None:
            return "pending" if now - STARTED_AT < self.sweep.stale_after else "stale"
        if now - self.last_finished_at > self.sweep.stale_after:
            return "stale"
        return "failed" if self.last_outcome == "error" else "ok"


def read_runs() -> list[SweepRuns]:
    """Every beat sweep's record (raises RedisError when Redis cannot be read)."""
    sweeps = beat_sweeps()
    with _client().pipeline(transaction=False) as pipe:
        for sweep in sweeps:
            pipe.hgetall(_key(sweep.task))
        records = pipe.execute()
    runs = []
    for sweep, record in zip(sweeps, records, strict=True):
        fields = {name.decode(): value.decode() for name, value in record.items()}
        runs.append(
            SweepRuns(
                sweep=sweep,
                last_finished_at=_float(fields.get("last_finished_at")),
                last_duration=_float(fields.get("last_duration")),
                last_outcome=fields.get("last_outcome"),
                runs_ok=int(fields.get("runs_ok", 0)),
                runs_error=int(fields.get("runs_error", 0)),
                seconds_total=_float(fields.get("seconds_total")) or 0.0,
            )
        )
    return runs


def _float(value: str | None) -> float | None:
    return float(value) if value is not None else None
