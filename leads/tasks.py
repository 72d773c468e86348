from celery import shared_task

from leads.services.inquiries import sweep_inquiry_deadlines


@shared_task(name="leads.tasks.sweep_inquiries")
def sweep_inquiries() -> tuple[int, int]:
    return sweep_inquiry_deadlines()
