"""Shared fixtures: two partnerships with members, so every test can check tenant isolation;
the suite's tiers (markers), its frozen clock and the demo seeded once per run."""

import datetime
import time
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client

from members.models import Member
from tests.members.factories import LeadershipFactory, MemberFactory
from tests.pinnacle.factories import PartnershipFactory
from tests.seeded_demo import DemoSnapshot, seed_snapshot
from tests.xdist_groups import LoadGroupIds

E2E_DIRECTORY = Path(__file__).parent / "e2e"
DEMO_GROUP = "demo"  # the xdist_group of the tests that read the seeded demo
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def pytest_configure(config):
    config.pluginmanager.register(LoadGroupIds(), "pinnacle-load-group-ids")


# First: pytest-xdist reads the xdist_group marks in its own hook.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Each test gets its tier: `e2e` (a browser, by directory), `db` (uses the database) or
    `unit` (neither, and not marked `slow` by hand), so `pytest -m unit` runs in seconds and
    `-m "not e2e"` skips the browsers."""
    for item in items:
        in_browser = E2E_DIRECTORY in Path(item.path).parents
        if "demo_snapshot" in item.fixturenames:
            # Under `--dist loadgroup` one worker runs them all and seeds the demo once (the
            # browser walks of the demo on a second worker, which seeds it again: together they
            # would be the suite's longest worker). A demo test module says so itself too
            # (`pytestmark`): the same group, whatever its tests ask for.
            item.add_marker(
                pytest.mark.xdist_group(f"{DEMO_GROUP}-browser" if in_browser else DEMO_GROUP)
            )
        if in_browser:
            item.add_marker(pytest.mark.e2e)
        elif item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.db)
        elif not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.unit)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate-limit counters and cached sessions live in Redis: start every test from nothing.
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _just_started(monkeypatch):
    # Each test is a system that just started (its Redis flushed above): beat's sweeps, none
    # recorded yet, are "pending" in /healthz, however long the suite has been running.
    monkeypatch.setattr("pinnacle.telemetry.sweeps.STARTED_AT", time.time())


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path_factory):
    # Transaction documents and signed authorizations: never in the repository's .data/.
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.getbasetemp() / "private-media"


@pytest.fixture(autouse=True)
def _broker_reachable(monkeypatch):
    # A test that broke the broker must not leave the next one skipping it.
    monkeypatch.setattr("pinnacle.mail.services._broker_down_until", 0.0)


CLOCK_START = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(request, time_machine):
    """Time stands still at the test's `@pytest.mark.clock_at(moment)` (a module sets it with
    `pytestmark`), else at CLOCK_START, until the test moves it (`clock.move_to`, `clock.shift`)."""
    marker = request.node.get_closest_marker("clock_at")
    time_machine.move_to(marker.args[0] if marker else CLOCK_START, tick=False)
    return time_machine


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory) -> DemoSnapshot:
    """The demo, seeded once per test run (per worker under xdist); see tests/seeded_demo.py."""
    with django_db_blocker.unblock():
        return seed_snapshot(
            media=tmp_path_factory.mktemp("demo-media"),
            private_media=tmp_path_factory.mktemp("demo-private-media"),
        )


@pytest.fixture
def seeded_demo(db, demo_snapshot, settings, tmp_path) -> str:
    """This test's database holds the seeded demo, its media files are under this test's
    MEDIA_ROOT; returns what the first `seed_demo` printed."""
    settings.MEDIA_ROOT = tmp_path
    yield demo_snapshot.restore(media_root=tmp_path, private_media_root=settings.PRIVATE_MEDIA_ROOT)
    # The rollback brings back the content types the restore replaced: forget the demo's ids.
    ContentType.objects.clear_cache()


# Nothing listens on port 1: connections are refused at once, as with a stopped Redis.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down(settings):
    """The Celery broker is unreachable (a real refused connection, not a mock)."""
    from pinnacle.celery import app

    def reset_pools():
        app.amqp._producer_pool = None
        app._pool = None

    settings.CELERY_BROKER_URL = DEAD_REDIS  # the Celery app reads Django's settings lazily
    reset_pools()
    yield
    reset_pools()  # rebuilt from the restored settings on next use


@pytest.fixture
def redis_down(settings, broker_down):
    """Redis is unreachable: cache, rate limits, session cache and broker all fail."""
    settings.CACHES = {
        "default": {
            "BACKEND": "pinnacle.cache.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }


@pytest.fixture
def register_outreach(monkeypatch):
    """`register_outreach("mail/notice")`: that template is outreach for this test only (apps
    register their own from AppConfig.ready(); the registry is restored after the test)."""
    from pinnacle.mail import categories

    monkeypatch.setattr(categories, "OUTREACH_TEMPLATES", set(categories.OUTREACH_TEMPLATES))
    return categories.register_outreach_template


@pytest.fixture
def partnership(db, settings):
    return PartnershipFactory(
        slug=settings.DEFAULT_PARTNERSHIP,
        name="Pinnacle Partnerships",
        website_url="https://www.pinnaclepartnerships.example",
    )


@pytest.fixture
def other_partnership(db):
    return PartnershipFactory(slug="harbor", name="Harbor Alliance")


@pytest.fixture
def member(partnership):
    return MemberFactory(partnership=partnership, display_name="Alice Agent")


@pytest.fixture
def leader(partnership):
    return LeadershipFactory(partnership=partnership, display_name="Lee Leadership")


@pytest.fixture
def other_member(other_partnership):
    return MemberFactory(partnership=other_partnership, display_name="Oscar Other")


def client_for(partnership, member: Member | None = None) -> Client:
    """A test client on the partnership's host, logged in as `member` when given."""
    client = Client(HTTP_HOST=partnership.host)
    if member is not None:
        client.force_login(member.user, backend="members.auth.PartnershipMemberBackend")
    return client


@pytest.fixture
def anon_client(partnership):
    return client_for(partnership)


@pytest.fixture
def member_client(member):
    return client_for(member.partnership, member)


@pytest.fixture
def leader_client(leader):
    return client_for(leader.partnership, leader)
