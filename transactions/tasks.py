from celery import shared_task

from pinnacle.tenancy import each_partnership, totals
from transactions.services.postclose.sweep import sweep_post_close


@shared_task(name="transactions.tasks.sweep_post_close_steps")
def sweep_post_close_steps() -> tuple[int, int]:
    return totals(sweep_post_close() for _ in each_partnership())
