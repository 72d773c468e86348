"""The mail pipeline's delivery: retries on the database's clock with jittered, doubling backoff,
claims that keep two workers from sending one row, permanent versus transient errors, and a
killed worker's resend."""

import datetime
import random
import smtplib
import threading

import pytest
import requests
import time_machine
from anymail.exceptions import (
    AnymailAPIError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
    AnymailRequestsAPIError,
)
from django.core import mail
from django.db import connection
from django.utils import timezone

from pinnacle.mail import delivery
from pinnacle.mail.signals import message_status_changed
from tests.conftest import client_for
from tests.members.factories import LeadershipFactory
from tests.pinnacle.backends import (
    RecoveringBackend,
    RefusingBackend,
)
from tests.pinnacle.mail_pipeline_helpers import Status, notice

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_locmem"),
    pytest.mark.clock_at(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)),
]


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.pinnacle.backends.RefusingBackend"
    RefusingBackend.calls = 0
    yield RefusingBackend
    RefusingBackend.calls = 0


@pytest.fixture
def status_signals():
    """Every (message id, status) that pinnacle.mail told its listeners, in order."""
    heard = []

    def listener(sender, message, status, **kwargs):
        heard.append((message.pk, status))

    message_status_changed.connect(listener)
    yield heard
    message_status_changed.disconnect(listener)


@pytest.fixture
def top_of_the_jitter(monkeypatch):
    """Full jitter picks anywhere from zero to the ceiling: here always the ceiling."""
    monkeypatch.setattr(random, "uniform", lambda low, high: high)


def test_transient_failure_is_retried_with_backoff_by_the_sweep(partnership, flaky):
    flaky.failures_left = 1
    message = notice(partnership)

    assert delivery.deliver(message.pk) is None  # left queued for a later attempt
    message.refresh_from_db()
    assert message.status == Status.QUEUED and message.attempts == 1
    assert "ESP unreachable" in message.last_error
    assert message.next_attempt_at > timezone.now()
    assert message.claimed_at is None and message.claim_token is None
    assert delivery.due_message_ids() == []  # not due before its backoff ends

    with time_machine.travel(message.next_attempt_at + datetime.timedelta(seconds=1)):
        assert delivery.due_message_ids() == [message.pk]
        delivery.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 2
    assert len(mail.outbox) == 1


def test_the_database_is_the_only_retry_clock(partnership, flaky):
    """A task arriving early (a broker redelivery, a stray retry) cannot resend before the row's
    next attempt is due."""
    flaky.failures_left = 1
    message = notice(partnership)
    delivery.deliver(message.pk)
    message.refresh_from_db()

    assert delivery.deliver(message.pk) is None
    with time_machine.travel(message.next_attempt_at - datetime.timedelta(seconds=1)):
        assert delivery.deliver(message.pk) is None
    message.refresh_from_db()
    assert message.attempts == 1 and mail.outbox == []


def test_the_delivery_task_has_no_retry_clock_of_its_own():
    from pinnacle.mail.tasks import deliver_message

    assert not getattr(deliver_message, "autoretry_for", ())


def test_a_worker_that_lost_its_claim_records_nothing(partnership):
    """A slow worker whose lease expired must not overwrite what the next holder recorded."""
    message = notice(partnership)
    slow_token = delivery._claim(message.pk)
    with time_machine.travel(timezone.now() + delivery.CLAIM_LEASE + datetime.timedelta(1)):
        assert delivery.deliver(message.pk) == Status.SENT
    delivery._finish(message, slow_token, Status.FAILED, last_error="timed out", attempts=1)
    message.refresh_from_db()
    assert message.status == Status.SENT and message.last_error == ""


def test_a_worker_that_lost_its_claim_tells_no_listener(
    partnership, clock, monkeypatch, status_signals
):
    """The first worker's ESP call outlasts the 10-minute lease; a second worker sends and records
    the row meanwhile. The first worker's late result is neither recorded nor announced."""
    message = notice(partnership)
    build = delivery.build_email

    def outlasting_the_lease(msg):
        monkeypatch.setattr(delivery, "build_email", build)  # the second worker is quick
        clock.shift(datetime.timedelta(minutes=10, seconds=1))
        assert delivery.deliver(msg.pk) == Status.SENT
        return build(msg)

    monkeypatch.setattr(delivery, "build_email", outlasting_the_lease)
    assert delivery.deliver(message.pk) is None  # the first worker: its result is not recorded
    assert status_signals == [(message.pk, Status.SENT)]
    assert len(mail.outbox) == 2  # at least once: the slow copy went out too


def test_a_freshly_claimed_row_is_not_delivered_by_another_worker(partnership, clock):
    """A claim holds for 10 minutes: until then the row is not due and no other worker sends it;
    after that its holder is presumed dead and the row is sent."""
    message = notice(partnership)
    assert delivery._claim(message.pk)  # the first worker is sending
    assert delivery.deliver(message.pk) is None
    clock.shift(datetime.timedelta(minutes=9, seconds=59))
    assert delivery.due_message_ids() == []
    assert delivery.deliver(message.pk) is None
    assert mail.outbox == []
    clock.shift(datetime.timedelta(seconds=2))
    assert delivery.due_message_ids() == [message.pk]
    assert delivery.deliver(message.pk) == Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_row_at_once_send_it_once(partnership):
    message = notice(partnership)
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(delivery.deliver(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [None, Status.SENT]
    assert len(mail.outbox) == 1


def test_a_failing_message_is_tried_eight_times_on_a_doubling_schedule(
    partnership, flaky, clock, top_of_the_jitter
):
    """Seven retries after the first attempt, each waiting up to twice as long as the one before
    (30 s, 1 min, 2 min ... 32 min); the eighth failure is final."""
    flaky.failures_left = 8
    message = notice(partnership)
    results, waits = [], []
    for _ in range(8):
        message.refresh_from_db()
        clock.move_to(message.next_attempt_at)
        results.append(delivery.deliver(message.pk))
        message.refresh_from_db()
        if message.next_attempt_at:
            waits.append((message.next_attempt_at - timezone.now()).total_seconds())
    assert results == [None] * 7 + [Status.FAILED]
    assert waits == [30, 60, 120, 240, 480, 960, 1920]
    assert message.status == Status.FAILED and message.attempts == 8
    assert delivery.due_message_ids() == [] and len(mail.outbox) == 0


def test_a_message_that_goes_through_on_its_eighth_attempt_is_sent(partnership, flaky, clock):
    flaky.failures_left = 7
    message = notice(partnership)
    for _ in range(8):
        message.refresh_from_db()
        clock.move_to(message.next_attempt_at)
        result = delivery.deliver(message.pk)
    assert result == Status.SENT and len(mail.outbox) == 1


def test_refused_recipient_fails_at_once_without_retry(partnership, refusing):
    message = notice(partnership)
    assert delivery.deliver(message.pk) == Status.FAILED
    message.refresh_from_db()
    assert "recipients refused" in message.status_reason
    assert delivery.due_message_ids() == []
    assert refusing.calls == 1


def test_backoff_doubles_from_30_seconds_up_to_a_six_hour_ceiling(top_of_the_jitter):
    """Eight attempts never wait longer than 32 minutes; the ceiling holds if more are allowed."""
    waits = [delivery.backoff(attempts).total_seconds() for attempts in (1, 2, 3, 10, 11, 12, 60)]
    assert waits == [30, 60, 120, 15360, 6 * 3600, 6 * 3600, 6 * 3600]


def test_backoff_is_fully_jittered(monkeypatch):
    """Anywhere from zero to the ceiling, so failed rows do not retry in a herd."""
    drawn = []

    def uniform(low, high):
        drawn.append((low, high))
        return low

    monkeypatch.setattr(random, "uniform", uniform)
    assert delivery.backoff(5) == datetime.timedelta(0)
    assert drawn == [(0, 480)]


def esp_error(status_code):
    """What anymail's API backends raise for an ESP's HTTP error answer."""
    response = requests.Response()
    response.status_code, response.reason = status_code, "ESP says so"
    response._content = b'{"Message": "ESP says so"}'
    return AnymailRequestsAPIError(
        "ESP API call failed", status_code=status_code, response=response, esp_name="Postmark"
    )


def smtp_error(code):
    return smtplib.SMTPResponseException(code, b"server says so")


@pytest.mark.parametrize(
    "error, permanent",
    [
        pytest.param(esp_error(399), False, id="esp-399"),
        pytest.param(esp_error(400), True, id="esp-400"),
        pytest.param(esp_error(407), True, id="esp-407"),
        pytest.param(esp_error(408), False, id="esp-408-timeout"),
        pytest.param(esp_error(409), True, id="esp-409"),
        pytest.param(esp_error(428), True, id="esp-428"),
        pytest.param(esp_error(429), False, id="esp-429-rate-limited"),
        pytest.param(esp_error(430), True, id="esp-430"),
        pytest.param(esp_error(499), True, id="esp-499"),
        pytest.param(esp_error(500), False, id="esp-500"),
        pytest.param(esp_error(599), False, id="esp-599"),
        pytest.param(AnymailAPIError("no answer"), False, id="esp-no-status"),
        pytest.param(smtp_error(399), False, id="smtp-399"),
        pytest.param(smtp_error(400), False, id="smtp-400"),
        pytest.param(smtp_error(499), False, id="smtp-499"),
        pytest.param(smtp_error(500), True, id="smtp-500"),
        pytest.param(smtp_error(599), True, id="smtp-599"),
        pytest.param(smtp_error(600), False, id="smtp-600"),
        pytest.param(
            smtplib.SMTPRecipientsRefused({"lead@example.com": (550, b"no such user")}),
            True,
            id="smtp-recipients-refused",
        ),
        pytest.param(AnymailRecipientsRefused(), True, id="esp-recipients-refused"),
        pytest.param(AnymailInvalidAddress("not an address"), True, id="esp-invalid-address"),
        pytest.param(ConnectionError("ESP unreachable"), False, id="network"),
        pytest.param(smtplib.SMTPServerDisconnected("gone"), False, id="smtp-disconnected"),
    ],
)
def test_permanent_errors_fail_at_once_and_transient_ones_are_retried(
    partnership, raising, clock, error, permanent
):
    """ESP: 4xx fails now, except 408 and 429; 5xx retries. SMTP: 5xx fails now, 4xx retries.
    Refused or invalid recipients fail now; a network error retries."""
    raising.error = error
    message = notice(partnership)
    result = delivery.deliver(message.pk)
    message.refresh_from_db()
    assert message.attempts == 1
    if permanent:
        assert result == Status.FAILED and message.status == Status.FAILED
        assert message.next_attempt_at is None
    else:
        assert result is None and message.status == Status.QUEUED
        assert message.next_attempt_at > timezone.now() - datetime.timedelta(seconds=1)
        clock.move_to(message.next_attempt_at + datetime.timedelta(seconds=1))
        assert delivery.due_message_ids() == [message.pk]


def esp_timeout():
    """What anymail's API backends raise when the ESP does not answer in time: an error that is
    both anymail's and requests' own (anymail/backends/base_requests.py)."""
    error = requests.ReadTimeout("Read timed out. (read timeout=30)")
    both = type("AnymailRequestsAPIError", (AnymailRequestsAPIError, requests.ReadTimeout), {})
    try:
        raise both("Error posting to https://api.postmarkapp.com/email:") from error
    except AnymailRequestsAPIError as raised:
        return raised


def test_an_esp_outage_backs_off_shows_its_attempts_and_ends_in_one_delivery(
    partnership, settings, clock, top_of_the_jitter
):
    """The ESP answers 500, 503, then times out, then recovers: each attempt is counted on the
    row, each wait is longer, leadership sees the attempts and the last error in the admin while
    it lasts, and the message goes out once when the ESP is back."""
    settings.EMAIL_BACKEND = "tests.pinnacle.backends.RecoveringBackend"
    RecoveringBackend.errors = [esp_error(500), esp_error(503), esp_timeout()]
    message = notice(partnership)
    waits, errors = [], []
    for _ in range(3):
        message.refresh_from_db()
        clock.move_to(message.next_attempt_at)
        assert delivery.due_message_ids() == [message.pk]
        assert delivery.deliver(message.pk) is None
        message.refresh_from_db()
        waits.append((message.next_attempt_at - timezone.now()).total_seconds())
        errors.append(message.last_error)
        assert delivery.due_message_ids() == []  # nothing is sent again before its wait ends
    assert waits == [30, 60, 120]
    assert message.status == Status.QUEUED and message.attempts == 3
    assert "500" in errors[0] and "503" in errors[1] and "timed out" in errors[2]
    leader = LeadershipFactory(partnership=partnership)
    page = client_for(partnership, leader).get(f"/admin/mail/outboxmessage/{message.pk}/change/")
    assert "Read timed out" in page.text and "Queued" in page.text

    clock.move_to(message.next_attempt_at)
    for message_id in delivery.due_message_ids():
        assert delivery.deliver(message_id) == Status.SENT
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 4 and message.last_error == ""
    assert [m.subject for m in mail.outbox] == ["Hello there"]
    clock.shift(datetime.timedelta(days=1))
    assert delivery.due_message_ids() == []  # and never again


class Killed(BaseException):
    """SIGKILL: the worker is gone before it records anything."""


def test_a_resend_after_a_killed_worker_carries_the_same_message_id(partnership, monkeypatch):
    message = notice(partnership)

    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(delivery, "_finish", killed)
    with pytest.raises(Killed):
        delivery.deliver(message.pk)  # the ESP accepted it; recording it never happened
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + delivery.CLAIM_LEASE + datetime.timedelta(1)):
        assert delivery.deliver(message.pk) == Status.SENT

    first, second = (sent.message()["Message-ID"] for sent in mail.outbox)
    assert first == second == message.message_id_header
    assert first.startswith(f"<outbox.{message.pk}.") and first.endswith(">")


def test_a_dead_workers_claim_expires(partnership):
    message = notice(partnership)
    assert delivery._claim(message.pk)
    assert delivery.due_message_ids() == []  # held by a (possibly alive) worker
    with time_machine.travel(timezone.now() + delivery.CLAIM_LEASE + datetime.timedelta(1)):
        assert delivery.due_message_ids() == [message.pk]
        assert delivery.deliver(message.pk) == Status.SENT
