"""Log lines: every record gets the context's fields (`ContextFilter`), then is written as one
JSON object per line (production) or as text with the ids in brackets (development).

`LOG_FORMAT` chooses (json | text); without it, JSON unless DEBUG is on. The fields are ids and
slugs only (request id, partnership, user id, task): never an email address or a name.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from pinnacle.telemetry.context import current_fields

FIELDS = ("request_id", "partnership", "partnership_id", "user_id", "task", "task_id")
LOG_FORMATS = ("json", "text")


class ContextFilter(logging.Filter):
    """Puts the context's fields on each record (a field the call gave in `extra` stays)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        for name, value in current_fields(error).items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the context's fields, and
    the traceback as one string when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **{name: getattr(record, name, None) for name in FIELDS},
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Development: `time LEVEL logger [request=… partnership=… user=… task=…] message`."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s%(context)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        shown = {
            "request": getattr(record, "request_id", None),
            "partnership": getattr(record, "partnership", None)
            or getattr(record, "partnership_id", None),
            "user": getattr(record, "user_id", None),
            "task": getattr(record, "task", None),
        }
        parts = [f"{name}={value}" for name, value in shown.items() if value is not None]
        record.context = f" [{' '.join(parts)}]" if parts else ""
        return super().format(record)


def log_format(chosen: str, *, debug: bool) -> str:
    """LOG_FORMAT's value checked (an unknown one is an error at start, not plain text)."""
    if not chosen:
        return "text" if debug else "json"
    if chosen not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {chosen!r}")
    return chosen


def logging_settings(*, chosen_format: str, level: str) -> dict:
    """Django's LOGGING: one console handler, its format chosen, the context filter on it (so
    every logger's lines carry the fields, Celery's and gunicorn's included)."""
    formatter = "pinnacle.telemetry.logs.JsonFormatter"
    if chosen_format == "text":
        formatter = "pinnacle.telemetry.logs.TextFormatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "pinnacle.telemetry.logs.ContextFilter"}},
        "formatters": {"line": {"()": formatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": "line",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
