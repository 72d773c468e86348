"""Log lines carry the request id, partnership and user id (never an email), in JSON in
production; a Celery task carries the id of the request that queued it, its own name and id,
and the partnership it works for."""

import io
import json
import logging
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from pinnacle.celery import app
from pinnacle.mail.models import OutboxMessage
from pinnacle.telemetry import context
from pinnacle.telemetry.logs import ContextFilter, JsonFormatter, log_format, logging_settings
from pinnacle.tenancy import each_partnership, tenant_scope
from tests.conftest import client_for
from tests.pinnacle.backends import FlakyBackend
from tests.pinnacle.mail_pipeline_helpers import notice


class JsonLines:
    """The JSON lines every logger writes during the test, through the production handler's
    filter and formatter."""

    def __init__(self):
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.addFilter(ContextFilter())
        self.handler.setFormatter(JsonFormatter())
        self.attach()

    def attach(self):
        """(Again, after a worker's start has configured logging from settings.LOGGING.)"""
        logging.getLogger().addHandler(self.handler)

    def __call__(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


@pytest.fixture
def json_lines():
    lines = JsonLines()
    yield lines
    logging.getLogger().removeHandler(lines.handler)


def test_the_format_is_json_in_production_and_text_in_development():
    assert log_format("", debug=False) == "json"
    assert log_format("", debug=True) == "text"
    assert log_format("json", debug=True) == "json"
    with pytest.raises(ValueError, match="LOG_FORMAT must be one of json, text"):
        log_format("xml", debug=False)
    config = logging_settings(chosen_format="json", level="INFO")
    assert config["handlers"]["console"]["filters"] == ["context"]
    assert config["formatters"]["line"]["()"].endswith("JsonFormatter")


@pytest.mark.django_db
def test_a_request_line_has_its_request_id_partnership_and_user(member, json_lines):
    client = client_for(member.partnership, member)
    response = client.get("/leads/999999/", HTTP_X_REQUEST_ID="edge-7f3a9c01")
    assert response.status_code == 404 and response["X-Request-ID"] == "edge-7f3a9c01"
    [line] = [line for line in json_lines() if line["logger"] == "django.request"]
    assert line["message"] == "Not Found: /leads/999999/" and line["level"] == "WARNING"
    assert line["request_id"] == "edge-7f3a9c01"
    assert line["partnership"] == "pinnacle"
    assert line["partnership_id"] == member.partnership.pk
    assert line["user_id"] == member.user.pk
    assert member.user.email not in json.dumps(json_lines())
    # The response is finished: the next lines of the thread carry nothing of the request.
    assert context.current_fields()["request_id"] is None


@pytest.mark.django_db
def test_a_request_id_that_is_no_plain_token_is_replaced(partnership):
    client = client_for(partnership)
    for offered in ("a b c d e f g h", "x" * 200, "<script>", "short"):
        answered = client.get("/healthz", HTTP_X_REQUEST_ID=offered)["X-Request-ID"]
        assert answered != offered and len(answered) == 32
    first = client.get("/healthz")["X-Request-ID"]
    assert first != client.get("/healthz")["X-Request-ID"]  # each request its own


@pytest.mark.django_db(transaction=True)
def test_a_task_carries_the_request_id_that_queued_it(partnership, settings, json_lines):
    """Through the real broker and a real worker: the id goes in the message's headers."""
    settings.EMAIL_BACKEND = "tests.pinnacle.backends.FlakyBackend"
    FlakyBackend.failures_left = 1  # one failed attempt: the delivery logs it
    mail.outbox = []
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        json_lines.attach()
        token = context.request_id.set("queued-by-request-42")
        try:
            message = notice(partnership, to="person@example.com")
        finally:
            context.request_id.reset(token)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not _attempted(message):
            time.sleep(0.1)
    [line] = [line for line in json_lines() if "attempt 1 failed" in line["message"]]
    assert line["request_id"] == "queued-by-request-42"
    assert line["task"] == "pinnacle.mail.tasks.deliver_message" and line["task_id"]
    assert line["partnership_id"] == partnership.pk
    assert "person@example.com" not in json.dumps(line)


def _attempted(message: OutboxMessage) -> bool:
    message.refresh_from_db()
    return message.attempts > 0


@app.task(name="tests.log_each_partnership")
def log_each_partnership():
    for partnership in each_partnership():
        logging.getLogger("tests").info("working for %s", partnership.pk)


@pytest.mark.django_db
def test_a_task_run_in_process_names_each_partnership_it_works_for(
    partnership, other_partnership, json_lines
):
    """Run eagerly (`apply`), through the real task signals; queued outside any request, the
    run gets an id of its own, which its lines share."""
    log_each_partnership.apply()
    logging.getLogger("tests").info("after the task")
    working = [line for line in json_lines() if line["message"].startswith("working")]
    assert [line["partnership"] for line in working] == ["pinnacle", "harbor"]
    assert {line["task"] for line in working} == {"tests.log_each_partnership"}
    assert len({line["request_id"] for line in working}) == 1 and working[0]["request_id"]
    [after] = [line for line in json_lines() if line["message"] == "after the task"]
    assert (after["task"], after["partnership"], after["request_id"]) == (None, None, None)


@app.task(name="tests.fail_for_partnership")
def fail_for_partnership(partnership_id):
    with tenant_scope(partnership_id):
        raise RuntimeError("the task failed")


@pytest.mark.django_db
def test_a_tasks_error_line_names_the_partnership_it_failed_for(other_partnership, json_lines):
    """Celery writes the error after the task's scope has closed: the exception carries it."""
    fail_for_partnership.apply((other_partnership.pk,))
    [line] = [line for line in json_lines() if line["level"] == "ERROR"]
    assert "RuntimeError: the task failed" in line["exception"]
    assert line["partnership_id"] == other_partnership.pk
    assert line["task"] == "tests.fail_for_partnership"
