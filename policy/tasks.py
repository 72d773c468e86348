from celery import shared_task

from policy.services.revisions import close_due_votes


@shared_task(name="policy.tasks.close_policy_votes")
def close_policy_votes() -> int:
    return close_due_votes()
