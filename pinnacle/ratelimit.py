"""The per-IP limit on forms anyone may post without logging in (a prospect's lead form, a
visitor's breach report, a co-marketing capture page): each form counts in its own group. And
allauth's limits (login, signup, password reset), made to fail open the same way."""

import functools
import logging

from allauth.core.exceptions import RateLimited
from allauth.core.internal import ratelimit as allauth_ratelimit
from django_ratelimit.core import is_ratelimited
from redis.exceptions import RedisError

from pinnacle.telemetry.metrics import RATE_LIMIT_REFUSALS

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
        limited = is_ratelimited(
            request, group=group, key="ip", rate=rate, method="POST", increment=True
        )
    except (RedisError, OSError):
        # Redis is down: the limiter fails open for this request, so a valid submission is saved.
        log.warning("Rate limiter unavailable; %s accepted without it", group, exc_info=True)
        return False
    if limited:
        RATE_LIMIT_REFUSALS.labels(limit=group).inc()
    return limited


def let_allauth_through_when_redis_is_down() -> None:
    """allauth counts logins, signups and resets in the cache under a cache lock, unguarded: with
    Redis down every login would be a 500. Its `consume` (which its views, forms, decorators and
    adapter all call through the module) and `clear` now let the request through and log it, as
    the limiter above does; each refusal `consume` answers is counted for /metrics. Called once
    from PinnacleConfig.ready()."""
    if getattr(allauth_ratelimit.consume, "fails_open", False):
        return
    allauth_ratelimit.consume = _counting_refusals(
        _fail_open(allauth_ratelimit.consume, allauth_ratelimit.RateLimitUsage(usage=[]))
    )
    allauth_ratelimit.clear = _fail_open(allauth_ratelimit.clear, None)


def _fail_open(limiter, let_through):
    @functools.wraps(limiter)
    def failing_open(request, *, action, **kwargs):
        try:
            return limiter(request, action=action, **kwargs)
        except (RedisError, OSError):
            log.warning(
                "Rate limiter unavailable; allauth's %s accepted without it", action, exc_info=True
            )
            return let_through

    failing_open.fails_open = True
    return failing_open


def _counting_refusals(consume):
    """allauth's `consume` refuses by answering None (or raising RateLimited when asked to); a
    dry run only asks, and is not counted."""

    @functools.wraps(consume)
    def counting(request, *, action, **kwargs):
        try:
            usage = consume(request, action=action, **kwargs)
        except RateLimited:
            RATE_LIMIT_REFUSALS.labels(limit=f"allauth:{action}").inc()
            raise
        if usage is None and not kwargs.get("dry_run"):
            RATE_LIMIT_REFUSALS.labels(limit=f"allauth:{action}").inc()
        return usage

    counting.fails_open = True
    return counting
