"""A member suggests an improvement to the policy, leadership puts a revision to the vote, the
members approve it and it becomes the policy."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from policy.models import PolicyRevision
from policy.services.revisions import close_due_votes
from tests.e2e.conftest import SCREENSHOTS, log_in


def logged_in(browser, site, member):
    """A desktop-sized page with `member` logged in, accepting the confirmation dialogs."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, site, member.email)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    return page


@pytest.mark.django_db(transaction=True)
def test_a_suggestion_becomes_the_policy_by_vote(site, browser, partnership, leader, member):
    # 1. Alice reads the policy and suggests an improvement.
    alice = logged_in(browser, site, member)
    alice.get_by_role("link", name="Policy", exact=True).click()
    expect(alice.get_by_role("heading", name="Engagement policy", exact=True)).to_be_visible()
    expect(alice.get_by_text("attempts to 2 times per week")).to_be_visible()
    alice.screenshot(path=str(SCREENSHOTS / "policy.png"), full_page=True)
    alice.get_by_role("link", name="Critique or suggest").first.click()
    alice.get_by_label("Your critique or suggestion").fill(
        "Relocation buyers answer slowly: allow three cold attempts a week."
    )
    alice.get_by_role("button", name="Send to leadership").click()
    expect(alice.get_by_text("Leadership has your message")).to_be_visible()

    # 2. Leadership takes it into a revision and opens the vote.
    lee = logged_in(browser, site, leader)
    lee.goto(f"{site}/policy/suggestions/")
    lee.get_by_text("Respond").click()
    lee.get_by_role("link", name="Take into a revision").click()
    lee.get_by_label("Title").fill("Three cold attempts a week")
    lee.get_by_label("Cold outreach attempts per member and lead, in any 7 days").fill("3")
    expect(lee.get_by_label(re.compile("Relocation buyers"))).to_be_checked()
    lee.screenshot(path=str(SCREENSHOTS / "policy-revision-new.png"), full_page=True)
    lee.get_by_role("button", name="Save the draft").click()
    expect(lee.get_by_text("Revision drafted")).to_be_visible()
    lee.get_by_role("button", name="Open voting").click()
    expect(lee.get_by_text("Voting is open")).to_be_visible()

    # 3. Alice sees the vote on her dashboard and approves.
    alice.goto(f"{site}/dashboard/")
    expect(alice.get_by_text("A policy revision is open for your vote")).to_be_visible()
    alice.get_by_role("link", name="Read it and vote").click()
    expect(alice.get_by_text("Votes are counted when the window closes")).to_be_visible()
    alice.screenshot(path=str(SCREENSHOTS / "policy-vote.png"), full_page=True)
    alice.get_by_role("button", name="Approve").click()
    expect(alice.get_by_text("Your vote is recorded: approve")).to_be_visible()
    lee.reload()
    lee.get_by_role("button", name="Approve").click()

    # 4. The window closes; the revision is the policy now.
    PolicyRevision.objects.update(voting_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    assert close_due_votes() == 1
    alice.reload()
    expect(alice.get_by_role("heading", name="Approved")).to_be_visible()
    alice.screenshot(path=str(SCREENSHOTS / "policy-result.png"), full_page=True)
    alice.goto(f"{site}/policy/")
    expect(alice.get_by_text("attempts to 3 times per week")).to_be_visible()
    expect(alice.get_by_text(re.compile(r"Version 2, in effect since"))).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_numbers_the_portal_added_show_as_not_yet_voted(
    site, browser, partnership, member, shot_sizes
):
    alice = logged_in(browser, site, member)
    alice.goto(f"{site}/policy/")
    letter = alice.get_by_role("row").filter(has_text="letter")
    expect(letter.get_by_text("added by the portal, not yet voted")).to_be_visible()
    expect(
        alice.get_by_role("row")
        .filter(has_text="Reply to a prospect inquiry within (hours)")
        .get_by_text("not yet voted")
    ).to_have_count(0)
    expect(
        alice.get_by_text("is one the portal enforces that this text does not state")
    ).to_be_visible()
    shot_sizes(alice, "policy-not-yet-voted")
