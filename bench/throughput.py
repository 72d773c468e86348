"""Outbox delivery throughput of one Celery worker process, against the same worker draining no-ops.

The queue (the project's Redis broker, REDIS_URL's database) is filled first: a start mark, N
tasks, an end mark; then one worker process starts (`celery -A bench.worker worker --pool=solo`,
the project's app and settings, DEBUG off) and takes them in order. Throughput is N over the time
between the marks. The deliveries go to Django's dummy email backend (set for the worker only):
everything but the network, i.e. claim, suppression check, build, record.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings
from django.utils import timezone

from bench.rows import clone_rows
from bench.worker import app, mark, noop
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.tasks import deliver_message
from pinnacle.models import Partnership
from pinnacle.services import create_partnership

ROOT = Path(__file__).resolve().parent.parent
START, END = "bench:throughput:start", "bench:throughput:end"
TIMEOUT = 600
WORKER = [sys.executable, "-m", "celery", "-A", "bench.worker", "worker", "--pool=solo"]


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="pinnacle.settings",
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-only-secret-key",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    env.pop("CELERY_BROKER_URL", None)  # the broker is REDIS_URL's database, as in settings
    return env


def _drain(publish) -> float:
    """Fill the queue (`publish` adds the tasks), start one worker, wait for the end mark; the
    seconds between the marks."""
    store = redis.Redis.from_url(settings.REDIS_URL)
    store.delete(START, END)
    app.control.purge()
    mark.delay(START)
    publish()
    mark.delay(END)
    worker = subprocess.Popen(
        [*WORKER, "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "warning"],
        cwd=ROOT,
        env=_worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while store.get(END) is None:
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError("the worker did not drain the queue")
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    return float(store.get(END) or 0) - float(store.get(START) or 0)


def _queued(partnership: Partnership, template: OutboxMessage, count: int, tag: str) -> list[int]:
    return clone_rows(
        OutboxMessage,
        template.pk,
        count,
        idempotency_key=f"'{tag}-' || n",
        to_email=f"'{tag}-' || n || '@bench.example.com'",
        status="'queued'",
        next_attempt_at="now() - interval '1 minute'",
    )


def measure(count: int, rounds: int) -> dict:
    """Tasks per second for no-ops and for deliveries, `rounds` times each, alternating."""
    partnership = create_partnership(
        partnership=Partnership(
            name="Bench outbox", slug=f"bench-outbox-{os.getpid()}", website_url="https://b.example"
        )
    )
    try:
        template = OutboxMessage.objects.create(
            partnership=partnership,
            idempotency_key="template",
            template="mail/notice",
            to_email="template@bench.example.com",
            from_email="Bench <portal@bench.example.com>",
            subject="Your listing alert",
            body_text="Hello,\n\n" + "A home you may like is on the market. " * 40,
            body_html="<p>Hello,</p>" + "<p>A home you may like is on the market.</p>" * 40,
            status=OutboxMessage.Status.SENT,
            sent_at=timezone.now(),
        )
        noops, deliveries = [], []
        for round_ in range(rounds):
            seconds = _drain(lambda: [noop.delay() for _ in range(count)])
            noops.append(count / seconds)
            ids = _queued(partnership, template, count, f"r{round_}")
            seconds = _drain(
                lambda ids=ids: [deliver_message.delay(pk, partnership.pk) for pk in ids]
            )
            deliveries.append(count / seconds)
            sent = OutboxMessage.objects.filter(pk__in=ids, status="sent").count()
            if sent != count:
                raise RuntimeError(f"{sent} of {count} messages sent")
    finally:
        OutboxMessage.objects.filter(partnership=partnership).delete()
        partnership.delete()
    return {"tasks": count, "rounds": rounds, "noop_per_s": noops, "delivery_per_s": deliveries}
