"""The health check, and the error pages Django shows with DEBUG off (never a traceback)."""

import sys

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from pinnacle.celery import app as celery_app

# How long a visitor's browser (or a proxy) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _redis_ok() -> bool:
    try:
        cache.get("healthz")
        return True
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@never_cache
def healthz(request):
    """Each dependency, "ok" or "unreachable"; 503 when any is unreachable."""
    checks = {"database": _database_ok(), "redis": _redis_ok(), "broker": _broker_ok()}
    status = 200 if all(checks.values()) else 503
    return JsonResponse(
        {name: "ok" if up else "unreachable" for name, up in checks.items()}, status=status
    )


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
