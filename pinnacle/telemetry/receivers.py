"""What telemetry listens to: failed logins (Django's `user_login_failed`, which allauth's login
sends through `authenticate`), ESP tracking events (anymail's `tracking`), the end of each
request (its context cleared), and Celery's task signals (pinnacle.telemetry.tasks).
Connected once, from PinnacleConfig.ready()."""

from __future__ import annotations

from anymail.signals import EventType, tracking
from django.contrib.auth.signals import user_login_failed
from django.core.signals import request_finished

from pinnacle.telemetry import context, tasks
from pinnacle.telemetry.metrics import LOGIN_FAILURES, WEBHOOK_EVENTS
from pinnacle.telemetry.middleware import clear_request_context

# anymail's event types: a label outside them (an ESP's own word) is counted as "other", so a
# caller cannot make new time series by posting made-up types.
EVENT_TYPES = {
    value for name, value in vars(EventType).items() if name.isupper() and isinstance(value, str)
}


def count_login_failure(sender=None, credentials=None, request=None, **kwargs) -> None:
    # The partnership only: the credentials name a person (Django has already masked the
    # password, not the email).
    scoped = context.current_fields()
    LOGIN_FAILURES.labels(partnership=scoped["partnership"] or "none").inc()


def count_webhook_event(sender=None, event=None, esp_name="", **kwargs) -> None:
    event_type = getattr(event, "event_type", None)
    WEBHOOK_EVENTS.labels(
        esp=str(esp_name or "unknown"),
        event_type=event_type if event_type in EVENT_TYPES else "other",
    ).inc()


def connect() -> None:
    user_login_failed.connect(count_login_failure, dispatch_uid="pinnacle.telemetry.login")
    tracking.connect(count_webhook_event, dispatch_uid="pinnacle.telemetry.webhook")
    request_finished.connect(clear_request_context, dispatch_uid="pinnacle.telemetry.request")
    tasks.connect()
