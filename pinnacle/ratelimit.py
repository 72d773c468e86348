"""The per-IP limit on forms anyone may post without logging in (a prospect's lead form, a
visitor's breach report, a co-marketing capture page): each form counts in its own group."""

import logging

from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Per-IP limit on public form submissions (shared by all web processes through Redis).
SUBMISSION_RATE = "5/10m"
TOO_MANY_SUBMISSIONS = (
    "Too many submissions from your network in the last few minutes. "
    "Please wait ten minutes and try again."
)


def too_many_submissions(request, *, group: str, rate: str = SUBMISSION_RATE) -> bool:
    """Counts this POST against the visitor's IP in `group`; True once the limit is passed."""
    try:
        return is_ratelimited(
            request, group=group, key="ip", rate=rate, method="POST", increment=True
        )
    except (RedisError, OSError):
        # Redis is down: the limiter fails open for this request, so a valid submission is saved.
        log.warning("Rate limiter unavailable; %s accepted without it", group, exc_info=True)
        return False
