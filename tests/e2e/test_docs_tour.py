"""The guided tour behind docs/guides/: the seeded demo as each role meets it, one screenshot per
step (tests/e2e/screenshots/tour-*.png). `make screenshots` runs this journey and copies the
shots the guides show into docs/images/ (tests/e2e/docs_screenshots.py), so the pictures in the
docs are always the product as it is, never drawn by hand.

Each step also checks what the guide says the page shows, so a guide that no longer matches
the product fails here first.
"""

import re
from collections.abc import Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from playwright.sync_api import expect

from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.seeded_demo import DemoSnapshot

DEMO_PASSWORD = "pinnacle-demo"
ACCESS_LINK = re.compile(r"/access/([^/\s]+)/")


@pytest.fixture
def demo_site(live_server, demo_snapshot: DemoSnapshot, settings, tmp_path) -> Iterator[str]:
    """The live server serving the seeded demo (committed: the server runs in its own thread)."""
    settings.MEDIA_ROOT = tmp_path
    with transaction.atomic():  # the foreign keys are checked at the commit, not table by table
        demo_snapshot.restore(media_root=tmp_path, private_media_root=settings.PRIVATE_MEDIA_ROOT)
    settings.SITE_PORT = live_server.url.rsplit(":", 1)[1]
    yield live_server.url.replace("localhost", "127.0.0.1")
    # The flush after the test empties the content types the restore put back: forget their ids.
    ContentType.objects.clear_cache()


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"tour-{name}.png"))


def _log_in(browser, base: str, email: str, viewport=DESKTOP):
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)
    return page


def _deliver_queued() -> None:
    for pk in OutboxMessage.objects.filter(status="queued").values_list("pk", flat=True):
        delivery.deliver(pk)


@pytest.mark.slow
def test_prospect_tour(demo_site, browser):
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(f"{demo_site}/")
    expect(page.get_by_role("link", name="Browse the partner directory").first).to_be_visible()
    _shoot(page, "home")

    page.goto(f"{demo_site}/directory/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("directory")
    _shoot(page, "directory")

    page.goto(f"{demo_site}/join/")
    page.get_by_label("Your name").fill("Jamie Rivera")
    page.get_by_label("Email").fill("jamie.rivera@example.com")
    page.get_by_label("What do you need?").select_option("buy")
    page.get_by_label("When?").select_option(index=1)
    page.get_by_label("Which partner member referred you?").select_option("none")
    page.get_by_label(re.compile("I agree")).check()
    _shoot(page, "join")
    page.get_by_role("button", name=re.compile("Request access")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank")

    _deliver_queued()
    welcome = OutboxMessage.objects.get(
        to_email="jamie.rivera@example.com", template="leads/welcome"
    )
    page.goto(demo_site + "/access/" + ACCESS_LINK.search(welcome.body_text).group(1) + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Jamie Rivera")
    page.get_by_role("link", name="Open the partner directory").click()
    page.locator("main a[href^='/directory/']").first.click()
    expect(page.get_by_role("link", name=re.compile("Connect"))).to_be_visible()
    _shoot(page, "prospect-profile")


@pytest.mark.slow
def test_member_tour(demo_site, browser):
    agent = _log_in(browser, demo_site, "agent@pinnacle.localhost")
    expect(agent).to_have_url(re.compile("/dashboard/$"))
    _shoot(agent, "dashboard")

    agent.goto(f"{demo_site}/leads/")
    _shoot(agent, "leads")
    agent.get_by_role("link", name="Ethan Brooks").first.click()
    expect(agent.get_by_text(re.compile("next attempt", re.I)).first).to_be_visible()
    _shoot(agent, "lead")

    for path, name in (
        ("/outreach/", "outreach"),
        ("/advocates/", "advocates"),
        ("/transactions/", "transactions"),
        ("/policy/", "policy"),
    ):
        agent.goto(f"{demo_site}{path}")
        expect(agent.locator("main")).to_be_visible()
        _shoot(agent, name)

    phone = _log_in(browser, demo_site, "agent@pinnacle.localhost", viewport=PHONE)
    _shoot(phone, "dashboard-phone")


@pytest.mark.slow
def test_lender_and_leadership_tour(demo_site, browser):
    lender = _log_in(browser, demo_site, "lender@pinnacle.localhost")
    lender.goto(f"{demo_site}/comarketing/")
    expect(lender.get_by_text("Pending - Email").first).to_be_visible()
    _shoot(lender, "comarketing")

    leader = _log_in(browser, demo_site, "leader@pinnacle.localhost")
    _shoot(leader, "leadership-dashboard")
    for path, name in (
        ("/leads/compliance/", "compliance"),
        ("/transactions/post-close/", "post-close-board"),
        ("/policy/revisions/", "revisions"),
        ("/admin/", "admin"),
    ):
        leader.goto(f"{demo_site}{path}")
        expect(leader.locator("body")).not_to_contain_text("Server Error")
        _shoot(leader, name)
