"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live_server."""

import os
import shutil
from pathlib import Path

import pytest

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
