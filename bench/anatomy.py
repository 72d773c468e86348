"""Where a page's time goes: one process, no load; median time, queries, template rendering share.

Template time is measured at the outermost `render()` of a Django backend template (the page, or an
HTMX fragment); nested renders (includes, form fields) count inside it, once.
"""

from __future__ import annotations

import statistics
import time
from importlib import import_module

REPEAT = 15


def setup(manifest: dict) -> dict[str, str | None]:
    """Django set up with the benchmark's settings; a signed-in session per login."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from members.models import User

    sessions: dict[str, str | None] = {"anonymous": None}
    for who, email in manifest["logins"].items():
        user = User.objects.get(email=email)
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "members.auth.PartnershipMemberBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save(must_create=True)
        sessions[who] = store.session_key
    return sessions


class TemplateClock:
    """Adds up the time spent in outermost template renders while it is installed."""

    def __init__(self):
        from django.template.backends.django import Template

        self.template_class = Template
        self.original = Template.render
        self.depth = 0
        self.seconds = 0.0

    def __enter__(self):
        clock = self

        def render(template, context=None, request=None):
            clock.depth += 1
            start = time.perf_counter()
            try:
                return clock.original(template, context, request)
            finally:
                clock.depth -= 1
                if clock.depth == 0:
                    clock.seconds += time.perf_counter() - start

        self.template_class.render = render
        return self

    def __exit__(self, *exc):
        self.template_class.render = self.original


def measure(manifest: dict, sessions: dict[str, str | None], rows: list[dict]) -> None:
    """Adds `ms`, `template_ms` and `queries` to each row measured under load."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for row in rows:
        client = Client(HTTP_HOST=manifest["host"])
        session = sessions[row["as"]]
        if session:
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        client.get(row["url"])  # warm connections and caches
        times, template_times = [], []
        for _ in range(REPEAT):
            with CaptureQueriesContext(connection) as queries, TemplateClock() as clock:
                start = time.perf_counter()
                response = client.get(row["url"])
                times.append(time.perf_counter() - start)
            template_times.append(clock.seconds)
            assert response.status_code == 200, (row["url"], response.status_code)
        row["ms"] = statistics.median(times) * 1000
        row["template_ms"] = statistics.median(template_times) * 1000
        row["queries"] = len(queries)
