from celery import shared_task

from advocates.services.score import refresh_due_scores
from advocates.services.touches import send_due_digests
from pinnacle.tenancy import each_partnership


@shared_task(name="advocates.tasks.refresh_due_scores")
def refresh_scores_due() -> int:
    return sum(refresh_due_scores() for _ in each_partnership())


@shared_task(name="advocates.tasks.send_due_digests")
def send_touch_digests() -> int:
    return sum(send_due_digests() for _ in each_partnership())
