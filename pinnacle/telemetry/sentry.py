"""Errors to Sentry when SENTRY_DSN is set: web, worker and beat (each process imports the
settings, which call `init`), through the Django and Celery integrations.

No personal data leaves. sentry-sdk 3 says what integrations collect with `data_collection`
(its `send_default_pii=False` of earlier versions): no user identity (email, username, IP), no
cookies, request bodies, query strings, SQL parameters or stack frames' local variables, and
only a few harmless headers. `before_send` then keeps only the request's method, URL and those
headers, and any email address left anywhere in the event (a message, an exception's text,
a breadcrumb) is replaced by "[email]". What an event does carry: the partnership, the request
id and the task (tags), and the user's id (looked up for the event if the request had not yet).
"""

from __future__ import annotations

import re
from typing import Any

from pinnacle.telemetry.context import current_fields

EMAIL = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[A-Za-z]{2,}")
KEPT_HEADERS = {"host", "user-agent", "x-request-id", "content-type", "accept"}
NOTHING = {"mode": "off"}
DATA_COLLECTION = {
    "user_info": False,
    "cookies": NOTHING,
    "http_headers": {"request": {"mode": "allowlist", "terms": sorted(KEPT_HEADERS)}},
    "http_bodies": [],
    "url_query_params": NOTHING,
    "database_query_data": False,
    "stack_frame_variables": False,
}


def init(dsn: str, *, environment: str, release: str | None = None, transport=None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    # One mapping of plain values: the SDK's own types (TypedDicts) add nothing here.
    options: dict[str, Any] = {
        "dsn": dsn,
        "environment": environment,
        "release": release or None,
        "integrations": [DjangoIntegration(), CeleryIntegration()],
        "data_collection": DATA_COLLECTION,
        "max_request_body_size": "never",
        "traces_sample_rate": 0.0,
        "before_send": before_send,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)


def before_send(event: dict, hint: dict) -> dict:
    error = None
    if exc_info := hint.get("exc_info"):
        error = exc_info[1]
    fields = current_fields(error, load_user=True)
    tags = event.setdefault("tags", {})
    partnership = fields["partnership"] or fields["partnership_id"]
    if partnership is not None:
        tags["partnership"] = str(partnership)
    for name in ("request_id", "task"):
        if fields[name]:
            tags[name] = fields[name]
    if fields["user_id"] is not None:
        event["user"] = {"id": str(fields["user_id"])}
    else:
        event.pop("user", None)
    if "request" in event:
        event["request"] = _bare_request(event["request"])
    return scrub(event)


def _bare_request(request: dict) -> dict:
    """What the SDK gave of method, URL (without its query) and the kept headers: no body,
    cookies, query or address, whatever an integration collects."""
    bare: dict = {}
    if "method" in request:
        bare["method"] = request["method"]
    if "url" in request:
        bare["url"] = str(request["url"]).split("?", 1)[0]
    if headers := request.get("headers"):
        bare["headers"] = {
            name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS
        }
    return bare


def scrub(value):
    """`value` with every email address in its strings replaced (walked without recursion)."""
    root = [value]
    pending: list[tuple[Any, Any]] = [(root, 0)]
    while pending:
        holder, key = pending.pop()
        item = holder[key]
        if isinstance(item, str):
            holder[key] = EMAIL.sub("[email]", item)
        elif isinstance(item, dict):
            pending += [(item, name) for name in item]
        elif isinstance(item, list):
            pending += [(item, index) for index in range(len(item))]
        elif isinstance(item, tuple):
            holder[key] = list(item)
            pending += [(holder[key], index) for index in range(len(item))]
    return root[0]
