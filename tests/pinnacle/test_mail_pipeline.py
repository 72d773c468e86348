import datetime
import time

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage, Suppression
from pinnacle.mail.services import MailRefused, preview_email, queue_email, suppress
from pinnacle.mail.tokens import read_unsubscribe_token
from tests.conftest import client_for
from tests.pinnacle.backends import FlakyBackend, RefusingBackend

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


def test_gives_up_after_max_attempts(partnership, flaky):
    flaky.failures_left = delivery.MAX_ATTEMPTS
    message = notice(partnership)
    results = []
    for _ in range(delivery.MAX_ATTEMPTS):
        message.refresh_from_db()
        with time_machine.travel(message.next_attempt_at):
            results.append(delivery.deliver(message.pk))
    assert results == [None] * (delivery.MAX_ATTEMPTS - 1) + [Status.FAILED]
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == delivery.MAX_ATTEMPTS


def test_refused_recipient_fails_at_once_without_retry(partnership, refusing):
    message = notice(partnership)
    assert delivery.deliver(message.pk) == Status.FAILED
    message.refresh_from_db()
    assert "recipients refused" in message.status_reason
    assert delivery.due_message_ids() == []
    assert refusing.calls == 1


def test_backoff_grows_is_capped_and_fully_jittered():
    def seconds(attempts):
        return [delivery.backoff(attempts).total_seconds() for _ in range(300)]

    assert max(seconds(1)) <= 30
    assert max(seconds(5)) <= 480 and max(seconds(5)) > 240
    assert max(seconds(40)) <= 6 * 3600
    # Full jitter: anywhere from zero to the ceiling, so failed rows do not retry in a herd.
    assert min(seconds(5)) < 120


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
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        messages = [notice(partnership, key=f"notice:{n}") for n in range(3)]
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
