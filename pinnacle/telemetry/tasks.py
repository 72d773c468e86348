"""Celery's side of telemetry, through its signals (connected in PinnacleConfig.ready, so web,
worker and beat processes all have them).

- Publishing a task (`before_task_publish`) puts the current request id in the message's
  headers; running it (`task_prerun`) takes it back (a task queued outside any request gets an
  id of its own, which the tasks it queues carry on), with the task's name and id, for every
  line the task writes. The partnership comes from the task's own `tenant_scope`.
- A beat sweep's run is recorded in Redis when it ends (`task_postrun`): its end, duration and
  outcome, which /healthz and /metrics read (pinnacle.telemetry.sweeps).
"""

from __future__ import annotations

import logging
import time
from contextvars import Token

from celery.signals import before_task_publish, task_postrun, task_prerun
from redis.exceptions import RedisError

from pinnacle.telemetry import context, sweeps

log = logging.getLogger(__name__)

HEADER = "pinnacle_request_id"

# Per running task id: the context tokens to put back, and a sweep's start.
_running: dict[str, tuple[list[tuple], float]] = {}


def carry_request_id(sender=None, headers=None, **kwargs) -> None:
    request_id = context.request_id.get()
    if request_id and headers is not None:
        headers.setdefault(HEADER, request_id)


def queued_request_id(task) -> str | None:
    request = getattr(task, "request", None)
    if request is None:
        return None
    carried = request.get(HEADER) or (getattr(request, "headers", None) or {}).get(HEADER)
    return context.accepted_request_id(carried)


def enter_task(sender=None, task_id=None, task=None, **kwargs) -> None:
    if task is None or task_id is None:
        return
    # A task run in-process (eager) inside a request keeps that request's id.
    request_id = queued_request_id(task) or context.request_id.get() or context.new_request_id()
    tokens: list[tuple] = [
        (context.request_id, context.request_id.set(request_id)),
        (context.task, context.task.set((task.name, task_id))),
        (context.current_request, context.current_request.set(None)),
    ]
    _running[task_id] = (tokens, time.perf_counter())


def leave_task(sender=None, task_id=None, task=None, state=None, **kwargs) -> None:
    entered = _running.pop(task_id, None) if task_id is not None else None
    if entered is None:
        return
    tokens, started = entered
    if task is not None and (sweep := sweeps.sweep_for_task(task.name)) is not None:
        record_sweep(sweep, started=started, ok=state == "SUCCESS")
    for variable, token in reversed(tokens):
        _reset(variable, token)


def record_sweep(sweep: sweeps.Sweep, *, started: float, ok: bool) -> None:
    duration = time.perf_counter() - started
    try:
        sweeps.record_run(sweep.task, finished_at=time.time(), duration=duration, ok=ok)
    except (RedisError, OSError):
        # The sweep's work is done; only its record is lost (healthz shows it stale later).
        log.warning("Could not record the %s sweep's run", sweep.name, exc_info=True)


def _reset(variable, token: Token) -> None:
    try:
        variable.reset(token)
    except ValueError:
        variable.set(None)  # set in another context (a thread pool's worker): nothing to restore


def connect() -> None:
    before_task_publish.connect(carry_request_id, dispatch_uid="pinnacle.telemetry.publish")
    task_prerun.connect(enter_task, dispatch_uid="pinnacle.telemetry.prerun")
    task_postrun.connect(leave_task, dispatch_uid="pinnacle.telemetry.postrun")
