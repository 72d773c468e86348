"""A real Celery worker, consuming from the real Redis broker, delivers a queued message."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from pinnacle.celery import app
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import queue_email


@pytest.mark.django_db(transaction=True)
def test_worker_delivers_a_message_queued_on_commit(partnership, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    app.control.purge()  # tasks left by earlier tests point at rows that no longer exist
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        message = queue_email(  # autocommit: the delivery task is published on commit
            partnership=partnership,
            key="worker:1",
            template="mail/notice",
            to="lead@example.com",
            context={"subject": "Through the broker", "body": "Hello"},
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            message.refresh_from_db()
            if message.status == OutboxMessage.Status.SENT:
                break
            time.sleep(0.1)
    assert message.status == OutboxMessage.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Through the broker"]
