"""Mail faults with real processes: a broker (a Redis of the test's own) stopped while prospects
submit forms, then started again; a real `celery worker` killed with SIGKILL in the middle of a
batch, between the ESP's acceptance of a message and the outbox recording it.

The data is committed (the workers read the same test database); mail goes through Django's file
backend into a directory of the test's, so what was sent is counted across processes, with each
message's `Message-ID`.
"""

from __future__ import annotations

import datetime
import email
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection as db_connection
from django.db.models import F
from django.utils import timezone

from comarketing.models import Status as ConnectionStatus
from leads.models import Lead
from pinnacle.celery import app
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.tasks import sweep_outbox
from tests.comarketing.factories import ConnectionFactory
from tests.comarketing.media_helpers import lead_data, make
from tests.conftest import client_for
from tests.leads.test_intake import form_data
from tests.members.factories import CompanyFactory, MemberFactory
from tests.pinnacle.mail_pipeline_helpers import notice
from tests.processes import RedisServer, celery_worker, database_url, stop_group, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # Django's file backend, between two messages
FAST_ANSWER_SECONDS = (
    3  # one refused connection at most, on a busy machine (a retrying publish: 6 s+)
)
WORKER_WAIT = 45


@pytest.fixture
def broker(tmp_path, settings):
    """A Redis of the test's own as the Celery broker, running; the test stops and starts it."""
    server = RedisServer(tmp_path)
    server.start()
    settings.CELERY_BROKER_URL = server.url()
    reset_publishing_pools()
    yield server
    server.stop()
    reset_publishing_pools()  # rebuilt from the restored settings on next use


def reset_publishing_pools():
    app.amqp._producer_pool = None
    app._pool = None


def worker_env(broker: RedisServer, sent: Path, pause: float = 0) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url(db_connection.settings_dict),
        "REDIS_URL": broker.url(),  # the broker follows it (tests/settings.py)
        "EMAIL_BACKEND": "tests.pinnacle.backends.SlowFileBackend",
        "EMAIL_FILE_PATH": str(sent),
        "SEND_PAUSE_SECONDS": str(pause),
    }


def sent_message_ids(directory: Path) -> Counter[str]:
    """How many copies of each Message-ID went out, across every file the workers wrote."""
    got: Counter[str] = Counter()
    for path in directory.iterdir():
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                got[email.message_from_bytes(chunk)["Message-ID"]] += 1
    return got


def all_sent() -> bool:
    return not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()


def capture_page(partnership):
    lender = MemberFactory(partnership=partnership, kind="lender", company=CompanyFactory())
    agent = MemberFactory(partnership=partnership, kind="agent")
    link = ConnectionFactory(
        partnership=partnership,
        lender=lender,
        partner=agent,
        email=agent.email,
        status=ConnectionStatus.ACTIVE,
        accepted_at=timezone.now(),
    )
    return make(link, lender, title="Guide")


def test_with_the_broker_down_prospects_are_answered_at_once_and_mailed_once_it_returns(
    partnership, broker, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    capture_page(partnership)
    broker.stop()
    submissions = [("/join/", form_data(email=f"join{n}@example.com")) for n in range(3)]
    submissions += [("/m/guide/embed/", lead_data(email=f"embed{n}@example.com")) for n in range(3)]

    for url in ("/join/", "/m/guide/embed/"):
        assert client_for(partnership).get(url).status_code == 200  # templates loaded, warm
    for n, (url, data) in enumerate(submissions):
        client = client_for(partnership)
        started = time.monotonic()
        response = client.post(url, data, REMOTE_ADDR=f"192.0.2.{n + 1}")
        took = time.monotonic() - started
        assert response.status_code == 302, response.text
        assert response.url in ("/join/thanks/", "/m/guide/embed/?sent=1")
        assert took < FAST_ANSWER_SECONDS, f"{url} took {took:.2f} s with the broker down"

    assert Lead.objects.count() == len(submissions)
    rows = list(OutboxMessage.objects.all())
    assert len(rows) >= len(submissions)  # each prospect is welcomed (the member told too)
    assert {(row.status, row.attempts) for row in rows} == {(OutboxMessage.Status.QUEUED, 0)}

    broker.start()
    sent = tmp_path / "sent"
    sent.mkdir()
    with celery_worker(worker_env(broker, sent), tmp_path / "worker.log"):
        sweep_outbox.apply_async()  # what beat publishes every minute
        wait_until(all_sent, WORKER_WAIT, "the worker to send every queued email")
    assert sent_message_ids(sent) == Counter({row.message_id_header: 1 for row in rows})
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}


def test_a_worker_killed_mid_batch_leaves_nothing_unsent_and_its_resend_has_the_same_message_id(
    partnership, broker, tmp_path
):
    """docs/reliability.md: delivery is at least once. The worker is killed (SIGKILL) after the
    ESP accepted a message and before the outbox recorded it; a new worker sends the rest of the
    batch, and once the claim's lease is over the sweep sends that message again, with the same
    Message-ID, so the recipient's mail client and the ESP collapse the copy."""
    batch = 6
    sent = tmp_path / "sent"
    sent.mkdir()
    with celery_worker(worker_env(broker, sent, pause=1.5), tmp_path / "first.log") as first:
        rows = [notice(partnership, key=f"n:{n}", to=f"lead{n}@example.com") for n in range(batch)]
        # The third message is accepted by the "ESP" (written): the worker is inside its pause.
        wait_until(lambda: len(list(sent.iterdir())) >= 3, WORKER_WAIT, "three messages sent")
        stop_group(first, signal.SIGKILL)
    assert first.returncode == -signal.SIGKILL

    held = OutboxMessage.objects.filter(claimed_at__isnull=False)
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 2
    assert held.count() == 1, "the kill missed the window between acceptance and record"
    killed_in_flight = held.get()
    assert sent_message_ids(sent)[killed_in_flight.message_id_header] == 1

    with celery_worker(worker_env(broker, sent), tmp_path / "second.log"):
        # The rest of the batch is still in the broker's queue: the new worker sends it.
        wait_until(
            lambda: OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 5,
            WORKER_WAIT,
            "the rest of the batch",
        )
        # The dead worker's claim holds for the lease (10 minutes): until then nothing resends.
        sweep_outbox.apply_async()
        time.sleep(1)
        assert not all_sent()
        # Ten minutes pass for the claim (the workers' clock cannot be moved from here).
        held.update(claimed_at=F("claimed_at") - delivery.CLAIM_LEASE - datetime.timedelta(1))
        sweep_outbox.apply_async()
        wait_until(all_sent, WORKER_WAIT, "the sweep to resend the killed worker's message")

    copies = sent_message_ids(sent)
    assert copies == Counter(
        {row.message_id_header: 2 if row.pk == killed_in_flight.pk else 1 for row in rows}
    )
    assert killed_in_flight.message_id_header.startswith(f"<outbox.{killed_in_flight.pk}.")
    assert OutboxMessage.objects.count() == batch
