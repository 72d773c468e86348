"""What delivery records of each send: the error cut to its columns, the sent stamp, the
signal's sender, the log lines, the ESP id and tag within their columns, rows a webhook moved on,
and the sweep handing due rows to the task (the retries themselves: test_mail_pipeline_retries)."""

import datetime
import logging
import smtplib
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.signals import message_status_changed
from tests.pinnacle.mail_pipeline_helpers import Status, notice

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_locmem"),
    pytest.mark.clock_at(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)),
]


def test_an_error_is_recorded_by_its_class_and_cut_to_its_columns(partnership, raising):
    raising.error = smtplib.SMTPResponseException(550, "z" * 3000)  # permanent: 5xx
    message = notice(partnership)
    assert delivery.deliver(message.pk) == Status.FAILED
    message.refresh_from_db()
    assert message.last_error.startswith("SMTPResponseException: (550, 'zzz")
    assert (len(message.last_error), len(message.status_reason)) == (2000, 500)


def test_the_sent_status_is_stamped_when_it_is_recorded(partnership, clock):
    message = notice(partnership)
    clock.shift(datetime.timedelta(minutes=3))
    assert delivery.deliver(message.pk) == Status.SENT
    message.refresh_from_db()
    assert message.status_changed_at == timezone.now()


def test_listeners_hear_the_outbox_model_as_the_sender(partnership):
    heard = []

    def listener(sender, message, status, **kwargs):
        heard.append((message.pk, status))

    message_status_changed.connect(listener, sender=OutboxMessage)
    try:
        message = notice(partnership)
        delivery.deliver(message.pk)
    finally:
        message_status_changed.disconnect(listener, sender=OutboxMessage)
    assert heard == [(message.pk, Status.SENT)]


def test_each_outcome_is_logged_with_the_row_and_the_error(partnership, raising, caplog):
    caplog.set_level(logging.INFO, logger="pinnacle.mail.delivery")
    retried = notice(partnership, key="notice:retried")
    delivery.deliver(retried.pk)
    raising.error = smtplib.SMTPResponseException(550, "no such user")
    failed = notice(partnership, key="notice:failed")
    delivery.deliver(failed.pk)
    lost = notice(partnership, key="notice:lost")
    assert not delivery._finish(lost, uuid.uuid4(), Status.FAILED)  # a token not (or no longer) its
    assert [r.getMessage() for r in caplog.records if r.name == "pinnacle.mail.delivery"] == [
        f"Outbox message {retried.pk}: attempt 1 failed, retried later: "
        "ConnectionError: ESP unreachable",
        f"Outbox message {failed.pk} failed for good: SMTPResponseException: (550, 'no such user')",
        f"Outbox message {lost.pk}: claim lost before recording failed",
    ]


def test_a_failure_recorded_by_another_worker_meanwhile_is_not_reported_as_ours(
    partnership, raising, clock, monkeypatch
):
    raising.error = smtplib.SMTPResponseException(550, "no such user")
    message = notice(partnership)
    build = delivery.build_email

    def outlasting_the_lease(msg):
        monkeypatch.setattr(delivery, "build_email", build)
        clock.shift(datetime.timedelta(minutes=10, seconds=1))
        assert delivery.deliver(msg.pk) == Status.FAILED  # the second worker records it
        return build(msg)

    monkeypatch.setattr(delivery, "build_email", outlasting_the_lease)
    assert delivery.deliver(message.pk) is None


def test_a_row_a_webhook_moved_past_sent_keeps_its_status_and_its_time(partnership, clock):
    message = notice(partnership)
    token = delivery._claim(message.pk)
    delivered_at = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.DELIVERED, status_changed_at=delivered_at
    )
    clock.shift(datetime.timedelta(seconds=5))
    assert delivery._finish(message, token, Status.SENT, attempts=1)
    message.refresh_from_db()
    assert (message.status, message.status_changed_at) == (Status.DELIVERED, delivered_at)


def test_a_backend_that_reports_no_message_id_leaves_the_esp_id_empty(partnership):
    message = notice(partnership)  # the locmem backend: Django's, no ESP behind it
    assert delivery.deliver(message.pk) == Status.SENT
    message.refresh_from_db()
    assert message.esp_message_id == ""


def test_a_row_a_webhook_moved_on_while_it_waited_for_a_retry_is_no_longer_due(partnership, flaky):
    # The ESP took the first attempt after all (the worker lost its answer): its webhook moves
    # the row on, and the retry that was pending must not send it again.
    from pinnacle.mail.services import advance_status

    flaky.failures_left = 1
    message = notice(partnership)
    assert delivery.deliver(message.pk) is None
    message.refresh_from_db()
    assert advance_status(message, Status.DELIVERED)
    with time_machine.travel(message.next_attempt_at + datetime.timedelta(seconds=1)):
        assert delivery.due_message_ids() == []


def test_a_retry_that_goes_through_clears_the_last_error(partnership, flaky):
    flaky.failures_left = 1
    message = notice(partnership)
    assert delivery.deliver(message.pk) is None
    message.refresh_from_db()
    with time_machine.travel(message.next_attempt_at + datetime.timedelta(seconds=1)):
        assert delivery.deliver(message.pk) == Status.SENT
    message.refresh_from_db()
    assert message.last_error == "" and message.sent_at


def test_an_esp_id_is_cut_to_its_column(partnership, settings):
    settings.EMAIL_BACKEND = "tests.pinnacle.backends.LongIdBackend"
    message = notice(partnership)
    assert delivery.deliver(message.pk) == Status.SENT
    message.refresh_from_db()
    assert message.esp_message_id == "m" * 200


def test_a_tag_is_the_template_cut_to_50_characters(partnership):
    message = notice(partnership)
    message.template = "mail/" + "t" * 60
    assert delivery.build_email(message).tags == ["mail-" + "t" * 45]


@pytest.fixture
def eager_tasks():
    """Tasks run in this process when queued, as a worker would run them."""
    from pinnacle.celery import app

    previous, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = previous


def test_the_sweep_hands_each_due_row_to_the_delivery_task(partnership, flaky, eager_tasks):
    flaky.failures_left = 1
    message = notice(partnership)
    assert delivery.deliver(message.pk) is None  # a transient failure: due again later
    message.refresh_from_db()
    with time_machine.travel(message.next_attempt_at + datetime.timedelta(seconds=1)):
        assert delivery.sweep() == 1
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 2


def test_the_sweep_of_one_partnership_hands_on_its_due_rows_only(
    partnership, other_partnership, eager_tasks
):
    """The beat's task sweeps each partnership in its own scope (pinnacle/rls.py): given one,
    the due rows are that partnership's, each with its partnership for the task."""
    mine, theirs = notice(partnership), notice(other_partnership)
    OutboxMessage.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=1))
    assert delivery.due_messages(partnership=partnership) == [(mine.pk, partnership.pk)]
    assert sorted(delivery.due_messages()) == sorted(
        [(mine.pk, partnership.pk), (theirs.pk, other_partnership.pk)]
    )
    assert delivery.sweep(partnership) == 1
    statuses = dict(OutboxMessage.objects.values_list("pk", "status"))
    assert statuses == {mine.pk: Status.SENT, theirs.pk: Status.QUEUED}


def test_a_sweep_hands_on_at_most_its_batch_the_longest_due_first(partnership):
    first, second = notice(partnership, key="notice:1"), notice(partnership, key="notice:2")
    now = timezone.now()
    OutboxMessage.objects.filter(pk=second.pk).update(next_attempt_at=now - datetime.timedelta(2))
    OutboxMessage.objects.filter(pk=first.pk).update(next_attempt_at=now - datetime.timedelta(1))
    assert delivery.due_message_ids(limit=1) == [second.pk]
    assert delivery.due_message_ids() == [second.pk, first.pk]


def test_delivery_reads_the_message_with_its_partnership(partnership):
    message = notice(partnership)
    with CaptureQueriesContext(connection) as queries:
        assert delivery.deliver(message.pk) == Status.SENT
    # The partnership (for the suppression check and the ESP's metadata) comes with the row.
    assert not [q for q in queries if 'FROM "pinnacle_partnership"' in q["sql"]]
