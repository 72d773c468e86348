from celery import shared_task

from comarketing.services import sweep_reminders
from pinnacle.tenancy import each_partnership, totals


@shared_task(name="comarketing.tasks.sweep_reminders")
def sweep_comarketing_reminders() -> tuple[int, int]:
    return totals(sweep_reminders() for _ in each_partnership())
