"""Thin tasks: ids in, delivery module does the work. Idempotent, so late acks are safe.

No Celery retries: the database's `next_attempt_at` is the only retry clock, and the sweep
enqueues each row when it is due.
"""

from celery import shared_task

from pinnacle.mail import delivery


@shared_task(name="pinnacle.mail.tasks.deliver_message")
def deliver_message(message_id: int) -> str | None:
    return delivery.deliver(message_id)


@shared_task(name="pinnacle.mail.tasks.sweep_outbox")
def sweep_outbox() -> int:
    return delivery.sweep()
