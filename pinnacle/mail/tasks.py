"""Thin tasks: ids in, delivery module does the work. Idempotent, so late acks are safe.

Each runs within one partnership (row-level security, pinnacle/rls.py): a message's delivery in
its own partnership's scope (its id travels with the task, required: a task without it fails
rather than seeing no row), the sweep in each partnership's in turn.

No Celery retries: the database's `next_attempt_at` is the only retry clock, and the sweep
enqueues each row when it is due.
"""

from celery import shared_task

from pinnacle.mail import delivery
from pinnacle.tenancy import each_partnership, tenant_scope


@shared_task(name="pinnacle.mail.tasks.deliver_message")
def deliver_message(message_id: int, partnership_id: int) -> str | None:
    with tenant_scope(partnership_id):
        return delivery.deliver(message_id)


@shared_task(name="pinnacle.mail.tasks.sweep_outbox")
def sweep_outbox() -> int:
    return sum(delivery.sweep(partnership) for partnership in each_partnership())
