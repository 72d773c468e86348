from celery import shared_task

from leads.services.inquiries import sweep_inquiry_deadlines
from pinnacle.tenancy import each_partnership, totals


@shared_task(name="leads.tasks.sweep_inquiries")
def sweep_inquiries() -> tuple[int, int]:
    return totals(sweep_inquiry_deadlines() for _ in each_partnership())
