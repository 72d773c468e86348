from celery import shared_task

from comarketing.services import sweep_reminders


@shared_task(name="comarketing.tasks.sweep_reminders")
def sweep_comarketing_reminders() -> tuple[int, int]:
    return sweep_reminders()
