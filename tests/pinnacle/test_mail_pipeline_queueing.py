"""The mail pipeline's queue: one message per key and partnership, multipart and branded, rolled
back with the caller's transaction, and nothing lost (nor a request slowed) when the broker is
down."""

import time

import pytest
from django.core import mail

from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.pinnacle.mail_pipeline_helpers import Status, notice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_locmem")]


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


def test_the_esp_gets_the_rows_id_header_and_tracking_fields(partnership):
    # The Message-ID is the row's own (the same on every attempt, so a resend collapses), the
    # metadata carries the row and its partnership back in tracking webhooks, the tag names
    # the template; no reply-to when the row has none.
    message = notice(partnership)
    delivery.deliver(message.pk)
    sent = mail.outbox[0]
    assert sent.extra_headers["Message-ID"] == message.message_id_header
    assert sent.message()["Message-ID"] == message.message_id_header
    assert sent.metadata == {"outbox_id": str(message.pk), "partnership": partnership.slug}
    assert sent.tags == ["mail-notice"]
    assert sent.reply_to == []
    assert (sent.subject, sent.to) == ("Hello there", ["lead@example.com"])


def test_message_rolls_back_with_the_callers_transaction(partnership):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        notice(partnership)
        raise RuntimeError("the event failed")
    assert not OutboxMessage.objects.exists()


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
