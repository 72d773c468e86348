"""The guided tour behind docs/guides/: the seeded demo as each role meets it, one screenshot per
step (tests/e2e/screenshots/tour-*.png). `make screenshots` runs this journey and copies the
shots the guides show into docs/images/ (tests/e2e/docs_screenshots.py), so the pictures in the
docs are always the product as it is, never drawn by hand.

Each step also checks what the guide says the page shows, so a guide that no longer matches
the product fails here first.
"""

import re

import pytest
from playwright.sync_api import expect

from members.demo.seed import DEMO_PASSWORD
from pinnacle.mail.models import OutboxMessage
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, deliver_queued, log_in

ACCESS_LINK = re.compile(r"/access/([^/\s]+)/")


@pytest.fixture
def demo_site(live_demo, site) -> str:
    """The live server serving the seeded demo."""
    return site


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"tour-{name}.png"))


def _log_in(browser, base: str, email: str, viewport=DESKTOP):
    """A page of its own at `viewport`, a demo account logged in."""
    return log_in(browser.new_context(viewport=viewport).new_page(), base, email, DEMO_PASSWORD)


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

    deliver_queued()
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
    phone.get_by_role("button", name="Menu").click()
    expect(phone.get_by_role("link", name="Inner circle")).to_be_visible()
    _shoot(phone, "menu-phone")


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
