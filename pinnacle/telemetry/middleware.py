"""The request's telemetry, first of all middleware: its id (the caller's X-Request-ID when it
is a plain token, else a new one; echoed in the response), the context every log line and error
of the request reads, and the request metrics (by URL name and status, with latency).

The context is not reset when the response leaves: Django logs a 4xx/5xx after the middleware
has returned, and that line belongs to the request too. It is cleared when the response is
finished (`request_finished`) and replaced at the next request's start.
"""

from __future__ import annotations

import time

from pinnacle.telemetry import context
from pinnacle.telemetry.metrics import observe_request

HEADER = "X-Request-ID"
STATIC_PREFIXES = ("/static/", "/media/")


class RequestTelemetryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = context.accepted_request_id(request.headers.get(HEADER))
        request.request_id = request_id or context.new_request_id()
        start_request_context(request)
        response = self.get_response(request)
        response[HEADER] = request.request_id
        observe_request(view_name(request), response.status_code, started)
        return response


def start_request_context(request) -> None:
    context.request_id.set(request.request_id)
    context.current_request.set(request)
    context.partnership.set(None)
    context.task.set(None)


def clear_request_context(**kwargs) -> None:
    """`request_finished`: the thread's next lines (or next request) carry nothing of this one."""
    context.request_id.set(None)
    context.current_request.set(None)
    context.partnership.set(None)


def view_name(request) -> str:
    """The metrics' `view` label: the URL's name (bounded: one per URL pattern, never a path)."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match._func_path
    if request.path.startswith(STATIC_PREFIXES):
        return "static"
    return "unmatched"
