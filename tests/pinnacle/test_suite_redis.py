"""The suite never touches `make run`'s Redis, and parallel workers never flush each other's."""

import os

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from tests.settings import worker_redis_url


def redis_database(url: str) -> int:
    return int(url.rsplit("/", 1)[1])


def test_the_suite_runs_with_its_own_settings():
    # `make test` imports `pinnacle`, whose Celery app sets DJANGO_SETTINGS_MODULE to
    # production's; the suite's own settings are what give each worker its own Redis database.
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "tests.settings"


def test_the_suite_never_uses_the_database_make_run_uses():
    assert redis_database(settings.CACHES["default"]["LOCATION"]) != 0
    assert redis_database(settings.CELERY_BROKER_URL) != 0


def test_clearing_the_suites_cache_leaves_make_runs_keys_alone():
    location = settings.CACHES["default"]["LOCATION"]
    make_run = redis.Redis.from_url(location.rsplit("/", 1)[0] + "/0")
    make_run.set("pinnacle-suite-probe", "kept", ex=60)
    try:
        cache.clear()  # what the autouse fixture does before every test
        assert make_run.get("pinnacle-suite-probe") == b"kept"
    finally:
        make_run.delete("pinnacle-suite-probe")


@pytest.mark.parametrize(
    ("url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/0", "gw0", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379/0", "gw1", "redis://127.0.0.1:6379/2"),
        ("redis://127.0.0.1:6379", "gw2", "redis://127.0.0.1:6379/3"),
        ("redis://127.0.0.1:6379/5", "gw1", "redis://127.0.0.1:6379/6"),
        ("redis://:secret@cache:6380/3", "gw0", "redis://:secret@cache:6380/3"),
    ],
)
def test_each_worker_counts_from_the_named_database_skipping_zero(url, worker, expected):
    assert worker_redis_url(url, worker) == expected


def test_more_workers_than_redis_databases_is_a_clear_error():
    with pytest.raises(RuntimeError, match="run fewer workers"):
        worker_redis_url("redis://127.0.0.1:6379/5", "gw11")
