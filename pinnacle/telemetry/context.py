"""Who and what a log line or an error is about, kept in context variables.

Set by the request middleware (the request id and the request, whose partnership and logged-in
user are read only when a line is written), by `tenant_scope` (the partnership a task or a
sweep works for) and by the Celery task signals (the task's name and id, and the request id
carried from the request that queued it). Never personal data: ids and slugs only.

Each thread has its own context, and the middleware starts every request with a fresh one, so a
worker thread's next request never carries the last one's ids.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

# An id an upstream proxy or client sent (X-Request-ID): kept when it is a plain token of a
# sensible length, so ids from nginx, a load balancer or another service join the logs up.
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

request_id: ContextVar[str | None] = ContextVar("pinnacle_request_id", default=None)
current_request: ContextVar[Any] = ContextVar("pinnacle_request", default=None)
# (id, slug): the slug is "" when only the id was in hand (a task given a partnership id).
partnership: ContextVar[tuple[int, str] | None] = ContextVar("pinnacle_partnership", default=None)
# (name, id) of the Celery task being run.
task: ContextVar[tuple[str, str] | None] = ContextVar("pinnacle_task", default=None)

# Where a partnership scope leaves its partnership on an exception raised inside it: Celery's
# error log and Sentry see the exception after the scope has closed.
EXCEPTION_ATTRIBUTE = "pinnacle_partnership"


def accepted_request_id(value: str | None) -> str | None:
    """The incoming X-Request-ID when it is a plain token (None: make one)."""
    if value and REQUEST_ID.fullmatch(value):
        return value
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def scoped_partnership(scoped) -> Iterator[None]:
    """The block's lines and errors carry `scoped` (a Partnership or its id)."""
    value = (scoped, "") if isinstance(scoped, int) else (scoped.pk, scoped.slug)
    token = partnership.set(value)
    try:
        yield
    except Exception as error:
        if getattr(error, EXCEPTION_ATTRIBUTE, None) is None:
            with contextlib.suppress(AttributeError, TypeError):
                setattr(error, EXCEPTION_ATTRIBUTE, value)
        raise
    finally:
        # A generator closed in another context (an abandoned `each_partnership` loop collected
        # later) cannot reset; its value went with the context it was set in.
        with contextlib.suppress(ValueError):
            partnership.reset(token)


def _request_partnership(request) -> tuple[int, str] | None:
    found = getattr(request, "partnership", None)
    return (found.pk, found.slug) if found is not None else None


def _request_user_id(request, *, load: bool) -> int | None:
    # A log line takes only a user the request has already loaded (AuthenticationMiddleware
    # caches it there), so writing one never costs a session or user query; an error report
    # (`load`) is rare enough to look the user up, and goes without when that fails too.
    user = getattr(request, "_cached_user", None)
    if user is None and load and hasattr(request, "user"):
        try:  # the lazy user loads here, where a failure is caught
            return request.user.pk if request.user.is_authenticated else None
        except Exception:
            return None
    if user is not None and getattr(user, "is_authenticated", False):
        return user.pk
    return None


def current_fields(error: BaseException | None = None, *, load_user: bool = False) -> dict:
    """The context's fields, for a log line or an error event (absent ones are None); an
    error event may load the request's user (`load_user`), a log line never does."""
    request = current_request.get()
    scoped = partnership.get()
    if scoped is None and request is not None:
        scoped = _request_partnership(request)
    if scoped is None and error is not None:
        scoped = getattr(error, EXCEPTION_ATTRIBUTE, None)
    running = task.get()
    return {
        "request_id": request_id.get(),
        "partnership": (scoped[1] or None) if scoped else None,
        "partnership_id": scoped[0] if scoped else None,
        "user_id": _request_user_id(request, load=load_user) if request is not None else None,
        "task": running[0] if running else None,
        "task_id": running[1] if running else None,
    }
