import datetime
import random
import smtplib
import threading
import time

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
from pinnacle.mail.models import OutboxMessage, Suppression
from pinnacle.mail.services import MailRefused, preview_email, queue_email, suppress
from pinnacle.mail.signals import message_status_changed
from pinnacle.mail.tokens import read_unsubscribe_token
from tests.conftest import client_for
from tests.pinnacle.backends import FlakyBackend, RaisingBackend, RefusingBackend

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def flaky(settings):
    """An ESP that fails `failures_left` times; reset even when the test fails."""
    settings.EMAIL_BACKEND = "tests.pinnacle.backends.FlakyBackend"
    FlakyBackend.failures_left = 0
    yield FlakyBackend
    FlakyBackend.failures_left = 0


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.pinnacle.backends.RefusingBackend"
    RefusingBackend.calls = 0
    yield RefusingBackend
    RefusingBackend.calls = 0


@pytest.fixture
def raising(settings):
    """An ESP (or SMTP server) that answers every send with `raising.error`."""
    settings.EMAIL_BACKEND = "tests.pinnacle.backends.RaisingBackend"
    yield RaisingBackend
    RaisingBackend.error = ConnectionError("ESP unreachable")


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
def clock():
    """A frozen clock the test moves by hand."""
    with time_machine.travel(
        datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False
    ) as traveller:
        yield traveller


@pytest.fixture
def top_of_the_jitter(monkeypatch):
    """Full jitter picks anywhere from zero to the ceiling: here always the ceiling."""
    monkeypatch.setattr(random, "uniform", lambda low, high: high)


@pytest.fixture
def outreach_notice(register_outreach):
    """The "mail/notice" template is outreach in this test, as an app's outreach template is."""
    register_outreach("mail/notice")


def notice(partnership, key="notice:1", to="lead@example.com", **kwargs):
    return queue_email(
        partnership=partnership,
        key=key,
        template="mail/notice",
        to=to,
        context={"subject": "Hello there", "body": "First line.\nSecond line."},
        **kwargs,
    )


def reply(partnership, key="reply:1", to="lead@example.com"):
    """A direct answer to the person's own request: never outreach."""
    return queue_email(
        partnership=partnership,
        key=key,
        template="account/generic",
        to=to,
        context={"subject": "Your answer", "body": "Here it is."},
    )


def suppress_lead(partnership, reason, email="Lead@Example.com"):
    return suppress(partnership=partnership, email=email, reason=reason, source="esp")


def test_same_key_twice_sends_once(partnership, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks() as callbacks:
        first = notice(partnership)
        second = notice(partnership)
    assert first.pk == second.pk
    assert OutboxMessage.objects.for_partnership(partnership).count() == 1
    assert len(callbacks) == 1  # only the first queueing schedules a delivery

    delivery.deliver(first.pk)
    delivery.deliver(first.pk)  # a duplicate task (redelivered by the broker) sends nothing
    assert len(mail.outbox) == 1
    first.refresh_from_db()
    assert first.status == Status.SENT and first.attempts == 1 and first.sent_at


def test_the_same_key_in_another_partnership_is_another_message(partnership, other_partnership):
    assert notice(partnership).pk != notice(other_partnership).pk


def test_message_is_multipart_and_branded(partnership):
    message = notice(partnership, sender_name="Alice Agent", reply_to="alice@example.com")
    delivery.deliver(message.pk)
    sent = mail.outbox[0]
    assert sent.from_email == f"Alice Agent <{partnership.from_email}>"
    assert sent.reply_to == ["alice@example.com"]
    html = sent.alternatives[0][0]
    assert partnership.seal_url in html and partnership.website_url in html
    assert partnership.website_url in sent.body


def test_message_rolls_back_with_the_callers_transaction(partnership):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        notice(partnership)
        raise RuntimeError("the event failed")
    assert not OutboxMessage.objects.exists()


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


def test_the_pipeline_decides_the_category_from_the_template(partnership, register_outreach):
    assert notice(partnership, key="before").category == OutboxMessage.Category.TRANSACTIONAL
    register_outreach("mail/notice")
    assert notice(partnership, key="after").category == OutboxMessage.Category.OUTREACH
    assert reply(partnership).category == OutboxMessage.Category.TRANSACTIONAL
    with pytest.raises(TypeError):
        notice(partnership, key="chosen", category=OutboxMessage.Category.TRANSACTIONAL)


def test_outreach_carries_one_click_opt_out_naming_its_message(partnership, outreach_notice):
    message = notice(partnership)
    delivery.deliver(message.pk)
    sent = mail.outbox[0]
    url = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url.startswith(partnership.base_url + "/unsubscribe/")
    html = sent.alternatives[0][0]
    assert f"Opt out of future outreach from Pinnacle Partnerships members: {url}" in sent.body
    assert f'<a href="{url}" style="color:#5b6475;">Opt out of future outreach</a>' in html
    token = read_unsubscribe_token(url.rstrip("/").rsplit("/", 1)[1])
    assert token == (partnership.pk, "lead@example.com", message.pk)


def test_a_preview_is_the_queued_message_but_saves_sends_and_opts_out_nothing(
    partnership, outreach_notice, django_capture_on_commit_callbacks
):
    args = {
        "partnership": partnership,
        "template": "mail/notice",
        "to": "lead@example.com",
        "context": {"subject": "Hello there", "body": "First line."},
        "sender_name": "Alice Agent",
    }
    with django_capture_on_commit_callbacks() as callbacks:
        preview = preview_email(**args)
    assert not OutboxMessage.objects.exists() and callbacks == []
    link = preview.headers["List-Unsubscribe"].strip("<>")
    assert preview.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert client_for(partnership).post(link.split(partnership.host, 1)[1]).status_code == 404

    queued = queue_email(key="notice:1", **args)
    real_link = queued.headers["List-Unsubscribe"].strip("<>")
    for field in ("subject", "from_email", "category"):
        assert getattr(preview, field) == getattr(queued, field)
    assert preview.body_text.replace(link, real_link) == queued.body_text
    assert preview.body_html.replace(link, real_link) == queued.body_html


def test_a_transactional_message_has_no_opt_out(partnership):
    delivery.deliver(reply(partnership).pk)
    sent = mail.outbox[0]
    assert "List-Unsubscribe" not in sent.extra_headers
    assert "Opt out" not in sent.body and "Opt out" not in sent.alternatives[0][0]


def test_outreach_to_an_opted_out_address_is_refused_when_queued(
    partnership, outreach_notice, django_capture_on_commit_callbacks
):
    suppress_lead(partnership, Suppression.Reason.UNSUBSCRIBED)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(MailRefused, match=r"lead@example\.com gets no outreach from Pinnacle"),
    ):
        notice(partnership, to=" LEAD@example.com ")
    assert not OutboxMessage.objects.exists()
    assert callbacks == [] and mail.outbox == []
    assert delivery.sweep() == 0


def test_outreach_to_a_bounced_address_is_refused_when_queued(partnership, outreach_notice):
    suppress_lead(partnership, Suppression.Reason.BOUNCED)
    with pytest.raises(MailRefused, match=r"\(bounced on "):
        notice(partnership)
    assert not OutboxMessage.objects.exists()


def test_a_direct_answer_to_an_opted_out_person_is_still_queued_and_sent(
    partnership, outreach_notice
):
    suppress_lead(partnership, Suppression.Reason.UNSUBSCRIBED)
    assert delivery.deliver(reply(partnership).pk) == Status.SENT
    assert [m.subject for m in mail.outbox] == ["Your answer"]


def test_a_hard_bounce_stops_all_mail_to_the_address(partnership):
    suppress_lead(partnership, Suppression.Reason.BOUNCED)
    welcome = notice(partnership, key="welcome:1")  # transactional: stopped all the same
    assert delivery.deliver(welcome.pk) == Status.SUPPRESSED
    welcome.refresh_from_db()
    assert welcome.status_reason == "Recipient suppressed: Bounced"
    assert mail.outbox == []


def test_a_complaint_stops_all_mail_to_the_address(partnership):
    suppress_lead(partnership, "complained", email="lead@example.com")
    assert delivery.deliver(notice(partnership).pk) == Status.SUPPRESSED
    assert mail.outbox == []


def test_outreach_queued_before_an_opt_out_is_refused_at_delivery(partnership, outreach_notice):
    outreach = notice(partnership)
    answer = reply(partnership)
    suppress_lead(partnership, "unsubscribed")  # between queueing and delivery
    assert delivery.deliver(outreach.pk) == Status.SUPPRESSED
    assert delivery.deliver(answer.pk) == Status.SENT
    assert [m.subject for m in mail.outbox] == ["Your answer"]


def test_suppression_is_per_partnership(partnership, other_partnership, outreach_notice):
    suppress_lead(other_partnership, "unsubscribed", email="lead@example.com")
    message = notice(partnership)
    assert delivery.deliver(message.pk) == Status.SENT
    assert Suppression.objects.for_partnership(partnership).count() == 0


def test_broker_outage_loses_nothing(partnership, monkeypatch, django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from pinnacle.mail.tasks import deliver_message

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_message, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        message = notice(partnership)  # the caller carries on: no exception reaches it
    assert delivery.due_message_ids() == [message.pk]
    monkeypatch.undo()
    delivery.deliver(delivery.due_message_ids()[0])
    assert len(mail.outbox) == 1


def test_a_dead_broker_costs_a_request_almost_nothing(
    partnership, broker_down, django_capture_on_commit_callbacks, caplog
):
    """Enqueue on commit is fire-and-forget: no connection retries, no waiting on a dead broker."""
    with django_capture_on_commit_callbacks() as publish:
        messages = [notice(partnership, key=f"notice:{n}") for n in range(3)]
    started = time.monotonic()  # only the publishing is timed, not writing the rows
    for callback in publish:
        callback()
    assert time.monotonic() - started < 1.5
    assert "Broker unavailable" in caplog.text
    assert sorted(delivery.due_message_ids()) == sorted(m.pk for m in messages)


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
