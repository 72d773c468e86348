"""Keyboard-only journeys (Tab, Enter, Space; no mouse) and the site menu on a phone and a
desktop, on the seeded demo (docs/accessibility.md). Screenshots: menu-phone-closed.png,
menu-phone-open.png, menu-desktop.png, menu-desktop-leadership.png."""

import re

from playwright.sync_api import expect

from members.demo.seed import DEMO_PASSWORD
from tests.e2e.a11y_checks import focus_problems
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS

GROUPS = ["Leads", "Outreach", "Partners", "Inner circle", "Transactions", "Policy"]
LEADER, AGENT = "leader@pinnacle.localhost", "agent@pinnacle.localhost"

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return { tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || '').trim(),
           name: el.getAttribute('name'), outline: style.outlineStyle,
           width: parseFloat(style.outlineWidth) || 0, inThead: !!el.closest('thead') };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, matches, limit: int = 120) -> dict:
    """Presses Tab until the focused element `matches` (a function of `focused`'s answer);
    every stop on the way must show the site's focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["tag"] != "body":
            assert now["outline"] not in ("none", "auto") and now["width"] >= 2, now
        if matches(now):
            return now
    raise AssertionError(f"never reached by Tab; last {focused(page)}")


def keyboard_log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    tab_to(page, lambda f: f["id"] == "id_login")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Log in")


def test_a_prospect_requests_access_by_keyboard_and_hears_the_errors(live_demo, site, browser):
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(f"{site}/join/")
    # The first stop is the skip link, shown when focused; Enter moves focus to the content.
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Skip to content" and first["width"] >= 2
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    # Only the name, then the form's button: the errors are announced.
    tab_to(page, lambda f: f["name"] == "name")
    page.keyboard.type("Dana Keyboard")
    tab_to(page, lambda f: f["text"] == "Request access" and f["tag"] == "button")
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("Please correct the fields marked below")
    invalid = page.locator('[aria-invalid="true"]')
    expect(invalid.first).to_be_visible()
    described = page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid="true"]')].map((el) => [
             el.name, (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
               .map((id) => [id, !!document.getElementById(id)])])"""
    )
    assert {name for name, _ in described} >= {"email", "consent"}, described
    for name, ids in described:
        assert ids and all(exists for _, exists in ids), (name, ids)
        assert any(id.endswith("_error") for id, _ in ids), (name, ids)
    page.screenshot(path=str(SCREENSHOTS / "keyboard-join-errors.png"), full_page=True)

    # Fixed by keyboard alone: typing, arrows in a list, Space on the consent box, Enter.
    tab_to(page, lambda f: f["name"] == "email")
    page.keyboard.type("dana.keyboard@example.com")
    for choice in ("need", "timeframe", "referrer"):
        tab_to(page, lambda f, choice=choice: f["name"] == choice)
        page.keyboard.press("ArrowDown")
    tab_to(page, lambda f: f["name"] == "consent")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["text"] == "Request access" and f["tag"] == "button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()


def test_a_member_logs_in_sorts_the_leads_and_opens_one_by_keyboard(live_demo, site, browser):
    page = browser.new_context(viewport=DESKTOP).new_page()
    keyboard_log_in(page, site, AGENT)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    assert not focus_problems(page)

    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Leads")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/leads/$"))
    menu_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Leads")
    expect(menu_link).to_have_attribute("aria-current", "page")
    assert page.locator('nav[aria-label="Main"] [aria-current]').count() == 1

    tab_to(page, lambda f: f["text"] == "Name" and f["inThead"])
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=name"))
    expect(page.locator('th[aria-sort="ascending"]')).to_have_text(re.compile("Name"))
    # The scroll box of the table takes focus with the site's ring, then the first lead.
    tab_to(page, lambda f: f["tag"] == "div")
    first_lead = page.locator(".leads-table tbody th a").first
    name = first_lead.inner_text()
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == name)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def test_on_a_phone_the_menu_is_one_button_grouped_by_what_members_do(live_demo, site, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    keyboard_log_in(page, site, LEADER)
    page.goto(f"{site}/leads/")
    button = page.get_by_role("button", name="Menu")
    menu = page.locator("#site-menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-menu")
    expect(menu).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / "menu-phone-closed.png"))

    # The leads table's sort links are no focus stops on a phone (the form's Sort is).
    assert not page.locator(".leads-table thead a").first.is_visible()
    assert not focus_problems(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]

    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    names = menu.locator(".nav-group-name").all_inner_texts()
    assert [n.strip().lower() for n in names] == [g.lower() for g in [*GROUPS, "Leadership"]]
    leadership = page.get_by_role("list", name="Leadership")
    for label in ("Invitations", "Response compliance", "Post-close board", "Breach reports"):
        expect(leadership.get_by_role("link", name=label)).to_be_visible()
    current = menu.locator('[aria-current="page"]')
    expect(current).to_have_text("Leads")
    page.screenshot(path=str(SCREENSHOTS / "menu-phone-open.png"))
    assert not focus_problems(page)
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert focused(page)["text"] == "Menu"

    # A transaction's page, as leadership sees it, fits the phone's width.
    page.goto(f"{site}/transactions/")
    page.locator(".table-scroll tbody a").first.click()
    expect(page).to_have_url(re.compile(r"/transactions/\d+/$"))
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]

    # An agent's menu has no Leadership group.
    agent = browser.new_context(viewport=PHONE).new_page()
    keyboard_log_in(agent, site, AGENT)
    agent.get_by_role("button", name="Menu").click()
    names = agent.locator("#site-menu .nav-group-name").all_inner_texts()
    assert [n.strip().lower() for n in names] == [g.lower() for g in GROUPS]

    # Without JavaScript there is no button: every group is shown.
    plain = browser.new_context(viewport=PHONE, java_script_enabled=False)
    plain.add_cookies(context.cookies())
    still = plain.new_page()
    still.goto(f"{site}/leads/")
    expect(still.get_by_role("button", name="Menu")).to_be_hidden()
    expect(still.locator("#site-menu")).to_be_visible()
    expect(still.get_by_role("list", name="Leadership")).to_be_visible()


def test_on_a_desktop_the_menu_is_a_row_and_leadership_opens_its_group(live_demo, site, browser):
    page = browser.new_context(viewport=DESKTOP).new_page()
    keyboard_log_in(page, site, LEADER)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Transactions")).to_be_visible()
    expect(nav.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    page.screenshot(path=str(SCREENSHOTS / "menu-desktop.png"))
    toggle = nav.get_by_role("button", name="Leadership")
    expect(nav.get_by_role("link", name="Invitations")).to_be_hidden()
    tab_to(page, lambda f: f["text"] == "Leadership")
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Invitations"
    page.screenshot(path=str(SCREENSHOTS / "menu-desktop-leadership.png"))
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Invitations")).to_be_hidden()
    assert focused(page)["text"] == "Leadership"
