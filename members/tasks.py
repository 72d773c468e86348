from celery import shared_task

from members.governance import close_due_votes


@shared_task(name="members.tasks.close_policy_votes")
def close_policy_votes() -> int:
    return close_due_votes()
