"""The health check, and the error pages Django shows with DEBUG off (never a traceback)."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from pinnacle.telemetry import health

# How long a visitor's browser (or a proxy) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


@never_cache
def healthz(request):
    """Each dependency ("ok" or "unreachable"), beat's sweeps and the outbox's oldest due row,
    and `failing`: what is wrong. 503 when a dependency is unreachable, or with `?strict` when
    anything fails (pinnacle.telemetry.health)."""
    status, body = health.report(strict="strict" in request.GET)
    return JsonResponse(body, status=status)


def server_error(request):
    """Django's handler500 (only ever called with DEBUG off): a plain page that needs neither the
    database nor the request's context. When the exception is the database being unreachable
    (restarting, or refusing new connections: "too many clients"), it says so with a 503 and a
    Retry-After, so proxies and people try again; the error is logged by Django as any 500 is."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        page = render_to_string("503.html")
        response = HttpResponseServerError(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(render_to_string("500.html"))
