"""/healthz: the dependencies, beat's sweeps (each ran within its period) and the outbox's oldest
due row; `failing` names what is wrong. An unreachable dependency is a 503 (the web process
cannot serve); a stale beat or an email backlog is a 503 only with `?strict` (an uptime monitor's
alert), so a load balancer never takes every web process out for the beat's sake. A system that
just started, whose beat has not run yet, is healthy ("pending")."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from pinnacle.mail.models import OutboxMessage
from pinnacle.telemetry import sweeps
from tests.conftest import client_for
from tests.pinnacle.mail_pipeline_helpers import notice

pytestmark = pytest.mark.django_db

DEPENDENCIES = ("database", "redis", "broker")


def healthz(partnership) -> tuple[int, dict]:
    response = client_for(partnership).get("/healthz")
    return response.status_code, response.json()


def strict_status(partnership) -> int:
    return client_for(partnership).get("/healthz?strict").status_code


def ran(task: str, seconds_ago: float, *, ok: bool = True) -> None:
    """A run of the sweep `task` recorded as the worker records it, ended `seconds_ago`."""
    sweeps.record_run(task, finished_at=time.time() - seconds_ago, duration=0.2, ok=ok)


def all_ran(seconds_ago: float = 5) -> None:
    for sweep in sweeps.beat_sweeps():
        ran(sweep.task, seconds_ago)


def test_a_system_just_started_is_healthy_with_beat_pending(partnership):
    status, body = healthz(partnership)
    assert status == 200
    assert {name: body[name] for name in DEPENDENCIES} == dict.fromkeys(DEPENDENCIES, "ok")
    assert body["beat"] == "pending" and body["outbox"] == "ok" and body["failing"] == []
    assert body["sweeps"]["sweep-outbox"] == {
        "state": "pending",
        "last_run_seconds_ago": None,
        "stale_after_seconds": 180,
    }


def test_every_sweep_run_within_its_period_is_ok(partnership):
    all_ran()
    status, body = healthz(partnership)
    assert status == 200 and body["beat"] == "ok" and body["failing"] == []
    assert strict_status(partnership) == 200
    assert {entry["state"] for entry in body["sweeps"].values()} == {"ok"}
    assert body["sweeps"]["refresh-advocate-scores"]["last_run_seconds_ago"] == 5


def test_a_sweep_not_run_within_its_period_is_named_stale(partnership):
    all_ran()
    ran("pinnacle.mail.tasks.sweep_outbox", seconds_ago=181)
    status, body = healthz(partnership)
    assert status == 200 and body["beat"] == "stale" and body["failing"] == ["beat"]
    assert strict_status(partnership) == 503
    stale = [name for name, entry in body["sweeps"].items() if entry["state"] != "ok"]
    assert stale == ["sweep-outbox"]
    assert body["sweeps"]["sweep-outbox"]["last_run_seconds_ago"] == 181


def test_a_sweep_whose_last_run_raised_is_failed(partnership):
    all_ran()
    ran("policy.tasks.close_policy_votes", seconds_ago=3, ok=False)
    status, body = healthz(partnership)
    assert status == 200 and body["beat"] == "failed" and body["failing"] == ["beat"]
    assert strict_status(partnership) == 503
    assert body["sweeps"]["close-policy-votes"]["state"] == "failed"


def test_a_sweep_never_run_long_after_start_is_stale(partnership, monkeypatch):
    all_ran()
    monkeypatch.setattr(sweeps, "STARTED_AT", time.time() - 3 * 3600)
    sweeps._client().delete(sweeps._key("advocates.tasks.refresh_due_scores"))
    status, body = healthz(partnership)
    assert status == 200 and body["failing"] == ["beat"]
    assert strict_status(partnership) == 503
    assert body["sweeps"]["refresh-advocate-scores"]["state"] == "stale"
    assert body["sweeps"]["sweep-outbox"]["state"] == "ok"


def test_an_email_due_too_long_is_a_backlog(partnership, other_partnership, settings):
    """Read across partnerships (the owner's view): the row is another tenant's."""
    all_ran()
    settings.HEALTHZ_OUTBOX_DUE_SECONDS = 600
    message = notice(other_partnership)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=601)
    )
    status, body = healthz(partnership)
    assert status == 200 and body["outbox"] == "backlog" and body["failing"] == ["outbox"]
    assert strict_status(partnership) == 503
    assert 601 <= body["outbox_oldest_due_seconds"] < 620
    assert body["outbox_due_limit_seconds"] == 600

    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=30)
    )
    status, body = healthz(partnership)
    assert status == 200 and body["outbox"] == "ok"
    assert 30 <= body["outbox_oldest_due_seconds"] < 50


def test_redis_down_is_named_and_beat_unknown(partnership, redis_down):
    status, body = healthz(partnership)
    assert status == 503
    assert (body["database"], body["redis"], body["broker"]) == ("ok", "unreachable", "unreachable")
    assert body["beat"] == "unknown" and body["failing"] == ["redis", "broker"]


def test_healthz_is_503_when_broker_is_down(partnership, broker_down):
    status, body = healthz(partnership)
    assert status == 503 and body["broker"] == "unreachable" and body["failing"] == ["broker"]
