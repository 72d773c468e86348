"""One beat task run in a process of its own, started together with its twin: what a worker
does with the task when two beats (a deploy's overlap, an operator's second one) both sent it.

    python -m tests.beat_runner <task name> <rendezvous directory> <how many processes>

Waits until every process of the rendezvous is ready (the imports done), then runs the task
the way a worker would (its mail delivered in this process, eagerly, through the configured
backend) and prints the task's result as JSON on its last line. Used by tests/test_two_beats.py.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

RENDEZVOUS_TIMEOUT = 30.0


def main(task_name: str, rendezvous: Path, processes: int) -> None:
    import django

    django.setup()
    from pinnacle.celery import app

    # The deliveries the sweep queues run here, as a worker would run them.
    app.conf.task_always_eager = True
    app.loader.import_default_modules()
    task = app.tasks[task_name]

    (rendezvous / f"ready-{os.getpid()}").touch()
    deadline = time.monotonic() + RENDEZVOUS_TIMEOUT
    while len(list(rendezvous.glob("ready-*"))) < processes:
        if time.monotonic() > deadline:
            raise SystemExit("the other beat never came")
        time.sleep(0.005)
    result = task.apply().get()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))
