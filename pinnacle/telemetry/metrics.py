"""The Prometheus metrics (names, labels and meaning in docs/telemetry.md).

Two kinds, for processes that share nothing but Redis and PostgreSQL:
- Counted where they happen, in the web processes (requests, webhook events, login failures,
  rate-limit refusals): prometheus_client's counters and histograms. Under gunicorn's several
  workers, PROMETHEUS_MULTIPROC_DIR names a directory they all write to (prometheus_client's
  multiprocess mode; emptied before gunicorn starts) and a scrape adds them up; without it (one
  process: `make run`) the process's own registry is read.
- Read when scraped, from where the truth is kept: the outbox's rows from PostgreSQL (owner's
  connection: every partnership's rows, not the walled app role's none) and the sweeps' runs
  from Redis (written by whichever Celery worker ran them). Nothing of these lives in a process,
  so a restarted or a second web process reports the same values.
"""

from __future__ import annotations

import logging
import os
import time

from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "pinnacle_http_requests",
    "Requests answered, by view (URL name) and status.",
    ["view", "status"],
)
REQUEST_LATENCY = Histogram(
    "pinnacle_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by view.",
    ["view"],
    buckets=LATENCY_BUCKETS,
)
WEBHOOK_EVENTS = Counter(
    "pinnacle_webhook_events",
    "ESP tracking events received (authenticated and parsed), by ESP and event type.",
    ["esp", "event_type"],
)
LOGIN_FAILURES = Counter(
    "pinnacle_login_failures",
    "Failed logins (wrong email or password), by partnership.",
    ["partnership"],
)
RATE_LIMIT_REFUSALS = Counter(
    "pinnacle_ratelimit_refusals",
    "Requests refused by a rate limit, by limit (a public form's group or allauth's action).",
    ["limit"],
)


class OutboxCollector(Collector):
    """The outbox read when scraped: rows by status, and how long the oldest due row waits."""

    def collect(self):
        from pinnacle.mail.selectors import oldest_due_outbox_age, outbox_counts_by_status

        try:
            counts = outbox_counts_by_status()
            oldest = oldest_due_outbox_age(timezone.now())
        except Exception:
            log.warning("Outbox metrics unavailable (database)", exc_info=True)
            return
        rows = GaugeMetricFamily(
            "pinnacle_outbox_messages",
            "Outbox rows by status (every partnership).",
            labels=["status"],
        )
        for status, count in sorted(counts.items()):
            rows.add_metric([status], count)
        yield rows
        yield GaugeMetricFamily(
            "pinnacle_outbox_oldest_due_age_seconds",
            "Seconds the oldest queued row has been due for delivery (0: none due).",
            value=oldest or 0.0,
        )


class SweepCollector(Collector):
    """Each beat sweep's runs as recorded in Redis by the worker that ran it."""

    def collect(self):
        from redis.exceptions import RedisError

        from pinnacle.telemetry.sweeps import read_runs

        try:
            runs = read_runs()
        except (RedisError, OSError):
            log.warning("Sweep metrics unavailable (Redis)", exc_info=True)
            return
        last_run = GaugeMetricFamily(
            "pinnacle_sweep_last_run_timestamp_seconds",
            "When the sweep's last run ended (Unix time).",
            labels=["sweep"],
        )
        last_duration = GaugeMetricFamily(
            "pinnacle_sweep_last_duration_seconds",
            "How long the sweep's last run took.",
            labels=["sweep"],
        )
        stale_after = GaugeMetricFamily(
            "pinnacle_sweep_stale_after_seconds",
            "How long after its last run /healthz calls the sweep stale.",
            labels=["sweep"],
        )
        durations = SummaryMetricFamily(
            "pinnacle_sweep_duration_seconds", "Time spent in the sweep's runs.", labels=["sweep"]
        )
        runs_total = CounterMetricFamily(
            "pinnacle_sweep_runs", "The sweep's runs, by outcome.", labels=["sweep", "outcome"]
        )
        for run in runs:
            name = run.sweep.name
            stale_after.add_metric([name], run.sweep.stale_after)
            if run.last_finished_at is not None:
                last_run.add_metric([name], run.last_finished_at)
                last_duration.add_metric([name], run.last_duration or 0.0)
            durations.add_metric([name], run.runs_ok + run.runs_error, run.seconds_total)
            runs_total.add_metric([name, "ok"], run.runs_ok)
            runs_total.add_metric([name, "error"], run.runs_error)
        yield from (last_run, last_duration, stale_after, durations, runs_total)


class ProcessMetrics(Collector):
    """This process's own metrics (the default registry), when there is one process to read."""

    def collect(self):
        yield from REGISTRY.collect()


def exposition() -> tuple[bytes, str]:
    """The scrape's body and content type."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(ProcessMetrics())
    registry.register(OutboxCollector())
    registry.register(SweepCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


def observe_request(view: str, status: int, started: float) -> None:
    REQUESTS.labels(view=view, status=str(status)).inc()
    REQUEST_LATENCY.labels(view=view).observe(time.perf_counter() - started)
