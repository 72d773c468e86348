from celery import shared_task

from advocates.services.score import refresh_due_scores
from advocates.services.touches import send_due_digests


@shared_task(name="advocates.tasks.refresh_due_scores")
def refresh_scores_due() -> int:
    return refresh_due_scores()


@shared_task(name="advocates.tasks.send_due_digests")
def send_touch_digests() -> int:
    return send_due_digests()
