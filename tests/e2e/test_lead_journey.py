"""A prospect arrives through a member's referral link, requests access, follows the welcome
email's link and connects with a second member, who answers in the portal within the deadline."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from leads.models import Inquiry, Lead
from tests.e2e.conftest import SCREENSHOTS, deliver_queued, log_in
from tests.members.factories import MemberFactory, UserFactory


def inbox(address):
    return [m for m in mail.outbox if m.to == [address]]


@pytest.mark.django_db(transaction=True)
def test_referral_to_reply(page, site, shot, partnership, settings, browser):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    base = site.replace("127.0.0.1", "localhost")  # the host the emails' links use
    rita = MemberFactory(
        partnership=partnership,
        display_name="Rita Referrer",
        slug="rita",
        job_title="REALTOR\u00ae",
    )
    sam = MemberFactory(
        partnership=partnership,
        display_name="Sam Lender",
        slug="sam",
        kind="lender",
        service_category="mortgage",
        user=UserFactory(email="sam@example.com"),
    )

    # 1. The referral link preselects Rita; the prospect fills in /join/.
    page.goto(f"{base}/join/?ref=rita&utm_source=facebook&utm_campaign=spring")
    expect(page.get_by_label("Which partner member referred you?")).to_have_value("rita")
    page.get_by_label("Your name").fill("Dana Prospect")
    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_label("What do you need?").select_option("buy")
    page.get_by_label("When?").select_option("3m")
    page.get_by_label("Message").fill("Looking for a starter home near Austin.")
    page.get_by_label("I agree to be contacted").check()
    shot("join-form")
    page.get_by_role("button", name="Request access").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    shot("join-thanks")

    lead = Lead.objects.get()
    assert lead.referring_member == rita and lead.channel == "facebook"

    # 2. The welcome email's access link opens the directory for this prospect.
    deliver_queued()
    welcome = next(m for m in inbox("dana@example.com") if m.subject.startswith("Welcome"))
    access = re.search(r"http://localhost:\d+/access/\S+/", welcome.body).group(0)
    page.goto(access)
    expect(page.get_by_role("heading", name="Welcome, Dana Prospect")).to_be_visible()
    page.goto(f"{base}/directory/sam/")
    page.get_by_role("link", name="Connect / express interest").click()
    page.get_by_label("Your message").fill("Can you help me get pre-approved this month?")
    shot("express-interest")
    page.get_by_role("button", name="Send to Sam Lender").click()
    expect(page.get_by_text("Your message is on its way to Sam Lender")).to_be_visible()
    inquiry = Inquiry.objects.get()
    assert inquiry.member == sam and inquiry.lead == lead

    # 3. Sam logs in, sees the inquiry with its countdown on the dashboard, and replies.
    deliver_queued()
    assert inbox("sam@example.com")[0].subject.startswith("Dana Prospect wants to connect")
    member_page = log_in(browser.new_context().new_page(), base, "sam@example.com")
    expect(member_page.get_by_text("Dana Prospect").first).to_be_visible()
    expect(member_page.get_by_text(re.compile(r"\d+ h \d+ min left")).first).to_be_visible()
    member_page.screenshot(path=str(SCREENSHOTS / "inquiry-dashboard.png"), full_page=True)
    member_page.get_by_role("link", name=re.compile("Dana Prospect")).first.click()
    member_page.get_by_label("Your reply").fill("Happy to help, Dana! Let's talk tomorrow.")
    member_page.screenshot(path=str(SCREENSHOTS / "inquiry-reply.png"), full_page=True)
    member_page.get_by_role("button", name="Send reply").click()
    expect(member_page.get_by_text("Your reply was emailed to Dana Prospect")).to_be_visible()

    # 4. The reply reaches the lead's inbox, from Sam, Reply-To Sam.
    deliver_queued()
    reply = inbox("dana@example.com")[-1]
    assert "Happy to help, Dana!" in reply.body
    assert reply.from_email.startswith("Sam Lender <") and reply.reply_to == ["sam@example.com"]
    inquiry.refresh_from_db()
    assert inquiry.responded_at is not None
