from celery import shared_task


@shared_task(name="pinnacle.mail.tasks.deliver_message")
def deliver_message(message_id: int) -> None:
    from pinnacle.mail.delivery import deliver

    deliver(message_id)


@shared_task(name="pinnacle.mail.tasks.sweep_outbox")
def sweep_outbox() -> int:
    from pinnacle.mail.delivery import sweep

    return sweep()
