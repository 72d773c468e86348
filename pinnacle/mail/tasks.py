"""Thin tasks: ids in, delivery module does the work. Idempotent, so late acks are safe."""

from celery import shared_task

from pinnacle.mail import delivery


@shared_task(
    name="pinnacle.mail.tasks.deliver_message",
    autoretry_for=(delivery.TransientDeliveryError,),
    retry_backoff=delivery.BACKOFF_BASE_SECONDS,
    retry_backoff_max=delivery.BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=delivery.MAX_ATTEMPTS,
)
def deliver_message(message_id: int) -> str | None:
    return delivery.deliver(message_id)


@shared_task(name="pinnacle.mail.tasks.sweep_outbox")
def sweep_outbox() -> int:
    return delivery.sweep()
