from celery import shared_task

from pinnacle.tenancy import each_partnership
from policy.services.revisions import close_due_votes


@shared_task(name="policy.tasks.close_policy_votes")
def close_policy_votes() -> int:
    return sum(close_due_votes() for _ in each_partnership())
