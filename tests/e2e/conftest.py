"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live_server."""

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from playwright.sync_api import expect

from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.members.factories import PASSWORD

# Playwright's sync API runs an event loop in the test thread (from session setup on); Django
# refuses ORM calls in a thread with a running loop unless told the code is not really async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    # CI sets PINNACLE_REQUIRE_BROWSER=1 so a missing browser fails instead of skipping.
    if not Path(CHROMIUM).exists() and not os.environ.get("PINNACLE_REQUIRE_BROWSER"):
        skip = pytest.mark.skip(reason="Debian chromium missing: apt-get install chromium")
        for item in items:
            if "e2e" in item.nodeid:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-dev-shm-usage"],
    }


@pytest.fixture
def shot(page):
    """Save a full-page screenshot under tests/e2e/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def site(live_server, settings):
    """The live server's base URL; emails link to the same host and port."""
    port = live_server.url.rsplit(":", 1)[1]
    settings.SITE_PORT = port
    return live_server.url.replace("localhost", "127.0.0.1")


def log_in(page, base: str, email: str, password: str = PASSWORD):
    """Log `email` in on `page` (the factories' password unless told) and wait until the portal
    lets them in; returns the page."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)
    return page


def deliver_queued() -> None:
    """What the worker does; the live server publishes to the broker, the test is the worker."""
    for pk in OutboxMessage.objects.filter(status="queued").values_list("pk", flat=True):
        delivery.deliver(pk)


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def shot_sizes():
    """`shot_sizes(page, "name")`: full-page screenshots of `page` at desktop size
    (<name>.png) and at a phone's size (<name>-phone.png), each failing if the page is wider
    than the screen (a wide table scrolls inside its own box); left at desktop size."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str) -> None:
        for size, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
            page.set_viewport_size(size)
            page.screenshot(path=str(SCREENSHOTS / f"{name}{suffix}.png"), full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["width"], f"{name}{suffix}: {width}px wide"
        page.set_viewport_size(DESKTOP)

    return take


def member_page(browser, base: str, email: str):
    """A desktop-sized page of its own with `email` logged in, accepting confirmation dialogs."""
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return log_in(page, base, email)


@pytest.fixture
def live_demo(transactional_db, demo_snapshot, settings, tmp_path):
    """The seeded demo, committed so the live server's thread sees it (the test's flush
    empties the database after it)."""
    settings.MEDIA_ROOT = tmp_path
    with transaction.atomic():
        demo_snapshot.restore(media_root=tmp_path, private_media_root=settings.PRIVATE_MEDIA_ROOT)
    settings.RATELIMIT_ENABLE = False  # one browser reads a hundred pages
    yield demo_snapshot
    # The flush after the test empties the content types the restore put back: forget their ids.
    ContentType.objects.clear_cache()
