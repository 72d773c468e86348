"""The per-IP limit on public lead forms, shared by every page that takes a prospect's
submission (the leads app's forms and other apps' capture pages)."""

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


def too_many_submissions(request) -> bool:
    """Counts this POST against the visitor's IP; True once the limit is passed."""
    try:
        return is_ratelimited(
            request,
            group="lead-intake",
            key="ip",
            rate=SUBMISSION_RATE,
            method="POST",
            increment=True,
        )
    except (RedisError, OSError):
        # Redis is down: the limiter fails open for this request, so a valid submission is saved.
        log.warning("Rate limiter unavailable; lead intake accepted without it", exc_info=True)
        return False
