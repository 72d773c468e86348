"""/metrics: Prometheus's text, only with the bearer token; requests by view and status with
latency, the outbox read across partnerships, webhook events, sweeps, failed logins and
rate-limit refusals."""

import base64
import json
import os
import subprocess  # nosec B404: the test runs Python processes of its own
import sys
import time
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from pinnacle.ratelimit import too_many_submissions
from pinnacle.telemetry import sweeps
from tests.conftest import client_for
from tests.pinnacle.mail_pipeline_helpers import notice

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-0123456789"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(partnership) -> dict[tuple[str, tuple], float]:
    """Every sample, by name and sorted labels."""
    response = client_for(partnership).get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_do_not_exist_without_a_token(partnership, settings):
    settings.METRICS_TOKEN = ""
    response = client_for(partnership).get("/metrics", HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 404


def test_metrics_need_the_right_bearer_token(partnership, token):
    client = client_for(partnership)
    missing = client.get("/metrics")
    assert missing.status_code == 401 and missing["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 403
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405
    assert b"pinnacle_" not in client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").content


def test_requests_are_counted_by_view_and_status_with_latency(partnership, token):
    before = scrape(partnership)
    client = client_for(partnership)
    client.get("/join/")
    client.get("/leads/1/")  # anonymous: sent to log in
    client.get("/no-such-page/")
    after = scrape(partnership)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("pinnacle_http_requests_total", view="join", status="200") == 1
    assert grew("pinnacle_http_requests_total", view="lead_detail", status="302") == 1
    assert grew("pinnacle_http_requests_total", view="unmatched", status="404") == 1
    assert grew("pinnacle_http_request_duration_seconds_count", view="join") == 1
    assert grew("pinnacle_http_request_duration_seconds_bucket", view="join", le="+Inf") == 1
    assert grew("pinnacle_http_request_duration_seconds_sum", view="join") > 0


def test_the_outbox_is_read_across_partnerships(partnership, other_partnership, token):
    first = notice(partnership, key="a")
    notice(other_partnership, key="b")
    delivery.deliver(notice(other_partnership, key="c").pk)
    OutboxMessage.objects.filter(pk=first.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=300)
    )
    samples = scrape(partnership)
    assert value(samples, "pinnacle_outbox_messages", status="queued") == 2
    assert value(samples, "pinnacle_outbox_messages", status="sent") == 1
    assert 300 <= value(samples, "pinnacle_outbox_oldest_due_age_seconds") < 320


def test_sweeps_report_their_last_run_and_durations(partnership, token):
    from pinnacle.mail.tasks import sweep_outbox

    sweep_outbox.apply()  # through the real task signals, which record the run
    sweeps.record_run("leads.tasks.sweep_inquiries", finished_at=1e9, duration=1.5, ok=False)
    samples = scrape(partnership)
    last = value(samples, "pinnacle_sweep_last_run_timestamp_seconds", sweep="sweep-outbox")
    assert time.time() - 30 < last <= time.time()
    assert value(samples, "pinnacle_sweep_runs_total", sweep="sweep-outbox", outcome="ok") == 1
    assert value(samples, "pinnacle_sweep_duration_seconds_count", sweep="sweep-outbox") == 1
    assert value(samples, "pinnacle_sweep_stale_after_seconds", sweep="sweep-outbox") == 180
    inquiries = {"sweep": "sweep-inquiries"}
    assert value(samples, "pinnacle_sweep_last_duration_seconds", **inquiries) == 1.5
    assert value(samples, "pinnacle_sweep_last_run_timestamp_seconds", **inquiries) == 1e9
    assert value(samples, "pinnacle_sweep_runs_total", outcome="error", **inquiries) == 1
    assert value(samples, "pinnacle_sweep_duration_seconds_sum", **inquiries) == 1.5


def test_failed_logins_and_their_rate_limit_are_counted(member, token):
    partnership = member.partnership
    before = scrape(partnership)
    client = client_for(partnership)
    for _ in range(6):
        client.post("/accounts/login/", {"login": member.user.email, "password": "wrong-one"})
    after = scrape(partnership)
    failures = "pinnacle_login_failures_total"
    refusals = "pinnacle_ratelimit_refusals_total"
    limit = "allauth:login_failed"
    assert (
        value(after, failures, partnership="pinnacle")
        - value(before, failures, partnership="pinnacle")
        == 5
    )
    assert value(after, refusals, limit=limit) - value(before, refusals, limit=limit) == 1
    assert member.user.email not in str(after)


def test_public_form_refusals_are_counted_by_group(partnership, token):
    request = RequestFactory().post("/join/", REMOTE_ADDR="203.0.113.9")
    before = value(scrape(partnership), "pinnacle_ratelimit_refusals_total", limit="test-group")
    limited = [too_many_submissions(request, group="test-group") for _ in range(7)]
    assert limited == [False] * 5 + [True] * 2
    after = value(scrape(partnership), "pinnacle_ratelimit_refusals_total", limit="test-group")
    assert after - before == 2


def test_webhook_events_are_counted_by_esp_and_type(partnership, settings, token):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret-value"}
    auth = base64.b64encode(b"hook:s3cret-value").decode()
    event = {"RecordType": "Delivery", "MessageID": "abc", "Recipient": "x@example.com"}
    name = "pinnacle_webhook_events_total"
    labels = {"esp": "Postmark", "event_type": "delivered"}
    before = value(scrape(partnership), name, **labels)
    response = client_for(partnership).post(
        "/anymail/postmark/tracking/",
        json.dumps(event),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )
    assert response.status_code == 200
    assert value(scrape(partnership), name, **labels) - before == 1


COUNT_ONE_REQUEST = """
import django
django.setup()
from pinnacle.telemetry.metrics import observe_request
import time
observe_request("join", 200, time.perf_counter())
"""
SCRAPE = """
import django
django.setup()
from pinnacle.telemetry.metrics import exposition
print(exposition()[0].decode())
"""


def test_gunicorns_workers_counts_are_added_up_in_multiprocess_mode(tmp_path):
    """PROMETHEUS_MULTIPROC_DIR: each process (three here, as gunicorn's workers) counts into the
    shared directory; a scrape from any process reads them all."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    for _ in range(3):
        run = [sys.executable, "-c", COUNT_ONE_REQUEST]
        subprocess.run(run, env=env, check=True, timeout=60)  # nosec B603: our own script
    scraped = subprocess.run(  # nosec B603: our own script
        [sys.executable, "-c", SCRAPE], env=env, check=True, timeout=60, capture_output=True
    ).stdout.decode()
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
    }
    assert value(samples, "pinnacle_http_requests_total", view="join", status="200") == 3
    assert value(samples, "pinnacle_http_request_duration_seconds_count", view="join") == 3
