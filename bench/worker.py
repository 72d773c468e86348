"""The project's Celery app as the throughput benchmark's worker runs it: every project task, and
two of the benchmark's own, a no-op and a clock mark.

    celery -A bench.worker worker --pool=solo   (started by `python -m bench.sweeps`)

The marks bracket a batch in the queue: the first task stamps the start, the last the end, so the
worker's start-up is not counted, and a solo worker takes the queue in order.
"""

import time

import redis
from django.conf import settings

from pinnacle.celery import app

__all__ = ["app", "mark", "noop"]


@app.task(name="bench.noop")
def noop() -> None:
    return None


@app.task(name="bench.mark")
def mark(key: str) -> None:
    redis.Redis.from_url(settings.REDIS_URL).set(key, repr(time.time()))
