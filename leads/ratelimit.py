"""The per-IP limit on public lead forms, shared by every page that takes a prospect's
submission (the leads app's forms and other apps' capture pages). The limiter itself is
`pinnacle.ratelimit`; lead intake counts in its own group."""

from pinnacle.ratelimit import SUBMISSION_RATE, TOO_MANY_SUBMISSIONS
from pinnacle.ratelimit import too_many_submissions as _too_many_submissions

__all__ = ["SUBMISSION_RATE", "TOO_MANY_SUBMISSIONS", "too_many_submissions"]


def too_many_submissions(request) -> bool:
    """Counts this POST against the visitor's IP; True once the limit is passed."""
    return _too_many_submissions(request, group="lead-intake")
