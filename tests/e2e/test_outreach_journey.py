"""A member writes to a lead from one of their templates, made personal, previews and sends; the
lead opts out from the email's link; the member's next attempt, a call, is refused with the
reason on the lead's page; leadership sees the opt-out against the member in the report."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from leads.models import FormKind
from outreach.models import Attempt, Refusal
from pinnacle.mail.models import OutboxMessage, Suppression
from tests.e2e.conftest import SCREENSHOTS, deliver_queued, log_in, member_page
from tests.leads.factories import LeadFactory, SubmissionFactory
from tests.members.factories import LeadershipFactory, MemberFactory, UserFactory
from tests.outreach.factories import TemplateFactory

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 720}


def in_view(shot, iframe):
    """Screenshots of a page with the preview: Chromium paints a frame only once it has been in
    view, so the preview is scrolled into view and its images loaded first."""

    def take(name):
        iframe.scroll_into_view_if_needed()
        images = iframe.content_frame.locator("img")
        for index in range(images.count()):
            expect(images.nth(index)).to_have_js_property("complete", True)
        shot(name)

    return take


@pytest.mark.django_db(transaction=True)
def test_template_preview_send_opt_out_refusal_and_report(
    page, site, shot, partnership, settings, browser
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    base = site.replace("127.0.0.1", "localhost")  # the host the emails' links use
    alice = MemberFactory(
        partnership=partnership,
        display_name="Alice Agent",
        job_title="REALTOR\u00ae",
        specialization="helping first-time buyers find homes in North Austin",
        user=UserFactory(email="alice@example.com"),
    )
    LeadershipFactory(
        partnership=partnership,
        display_name="Lee Leadership",
        user=UserFactory(email="lee@example.com", is_staff=True),
    )
    lead = LeadFactory(partnership=partnership, name="Dana Prospect", email="dana@example.com")
    SubmissionFactory(lead=lead, message="Looking for a starter home near the Domain.")
    TemplateFactory(
        partnership=partnership,
        member=alice,
        name="Following up with listings",
        subject="Three homes worth a look",
        body="Following up with three homes that match what you described.",
        stages=["contacted"],
    )
    template = TemplateFactory(
        partnership=partnership,
        member=alice,
        name="First hello to a new buyer",
        subject="Your home search",
        body="I help first-time buyers find homes near good schools. Could we talk this week?",
        stages=["new"],
    )

    # 1. Alice opens Dana's page from the leads list and writes to her from a template.
    log_in(page, base, "alice@example.com")
    page.goto(f"{base}/leads/")
    page.get_by_role("link", name="Dana Prospect").click()
    expect(page.get_by_role("heading", name="Your outreach to Dana Prospect")).to_be_visible()
    page.get_by_role("link", name="Write to Dana Prospect").click()
    picker = page.get_by_label("Start from one of your templates")
    expect(picker.locator("option").nth(1)).to_have_text(
        "First hello to a new buyer (suits this stage)"
    )
    picker.select_option(str(template.pk))
    page.get_by_role("button", name="Use it").click()
    expect(page.get_by_label("Subject")).to_have_value("Your home search")
    body = page.get_by_label("Your message")
    expect(body).to_have_value(template.body)

    # 2. She makes it personal and previews the exact email.
    body.fill(
        "Dana, you mentioned a starter home near the Domain. Three homes within a short walk "
        "of it came on the market this week; could we see them on Saturday morning?"
    )
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview: exactly what Dana Prospect receives")
    expect(preview).to_be_visible()
    email_html = page.frame_locator("iframe.email-preview")
    expect(
        email_html.get_by_text("helping first-time buyers find homes in North Austin")
    ).to_be_visible()
    expect(email_html.get_by_text("Three homes within a short walk")).to_be_visible()
    expect(email_html.get_by_role("link", name="Opt out of future outreach")).to_be_visible()
    shot_preview = in_view(shot, page.locator("iframe.email-preview"))
    shot_preview("outreach-preview")
    page.set_viewport_size(PHONE)
    shot_preview("outreach-preview-phone")
    page.set_viewport_size(DESKTOP)
    assert not OutboxMessage.objects.filter(to_email="dana@example.com").exists()

    page.get_by_role("button", name="Send to dana@example.com").click()
    expect(page.get_by_text("Your message to Dana Prospect is on its way.")).to_be_visible()
    attempt = Attempt.objects.get()
    assert attempt.member == alice and attempt.was_cold and attempt.channel == "portal_email"

    # 3. The email arrives with the opt-out link; Dana, with no cookies, opts out from it.
    deliver_queued()
    sent = next(m for m in mail.outbox if m.to == ["dana@example.com"])
    assert "Dana, you mentioned a starter home near the Domain." in sent.body
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"Opt out of future outreach[^\n]*?(http://localhost:\d+/\S+)", sent.body)
    lead_page = browser.new_context().new_page()
    lead_page.goto(link.group(1))
    expect(lead_page.get_by_text("dana@example.com").first).to_be_visible()
    lead_page.screenshot(path=str(SCREENSHOTS / "outreach-opt-out.png"), full_page=True)
    lead_page.get_by_role("button", name=re.compile("dana@example.com")).click()
    expect(lead_page.get_by_role("heading", name="You have opted out")).to_be_visible()
    lead_page.screenshot(path=str(SCREENSHOTS / "outreach-opted-out.png"), full_page=True)
    opt_out = Suppression.objects.get()
    assert opt_out.source == "link" and opt_out.source_message == attempt.message

    # 4. Alice, still on Dana's page from before, logs a call: refused, and the page says why.
    call = page.locator("details").filter(has_text="Log a call")
    call.get_by_text("Log a call").click()
    call.get_by_label("Voicemail left").check()
    call.get_by_label("Note").fill("Left a message about Saturday's showings.")
    call.get_by_role("button", name="Log the call").click()
    expect(page.get_by_text("Not recorded. Dana Prospect opted out of outreach")).to_be_visible()
    panel = page.get_by_role("region", name="Your outreach to Dana Prospect")
    expect(
        panel.get_by_text("Dana Prospect opted out of outreach from every member")
    ).to_be_visible()
    expect(panel.get_by_text("Log a call")).to_have_count(0)
    shot("outreach-refused")
    page.set_viewport_size(PHONE)
    shot("outreach-refused-phone")
    page.set_viewport_size(DESKTOP)
    assert Attempt.objects.count() == 1
    assert Refusal.objects.get().reason == Refusal.Reason.OPTED_OUT

    # 5. Leadership sees the opt-out after Alice's message in the compliance report.
    leader_page = browser.new_context().new_page()
    log_in(leader_page, base, "lee@example.com")
    leader_page.goto(f"{base}/leads/compliance/")
    section = leader_page.get_by_role(
        "region", name="Outreach under the engagement policy", exact=True
    )
    headers = section.locator("thead th").all_inner_texts()
    row = section.locator("tbody tr").filter(has_text="Alice Agent")
    cells = row.locator("th, td")
    expect(cells.nth(headers.index("Opt-outs after their messages"))).to_have_text("1")
    expect(cells.nth(headers.index("Refused"))).to_have_text("1")
    leader_page.screenshot(path=str(SCREENSHOTS / "outreach-compliance.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_the_scripts_and_the_email_say_where_a_capture_page_leads_details_came_from(
    site, browser, partnership, shot_sizes
):
    MemberFactory(
        partnership=partnership,
        display_name="Alice Agent",
        user=UserFactory(email="alice@example.com"),
    )
    lead = LeadFactory(partnership=partnership, name="Carla Capture", email="carla@example.com")
    SubmissionFactory(lead=lead, form=FormKind.CAPTURE, message="Is the Oak Lane house open?")
    origin = "you left them on a property or information page published by Pinnacle Partnerships"

    page = member_page(browser, site, "alice@example.com")
    page.goto(f"{site}{lead.get_absolute_url()}")
    page.get_by_text("What to say on a call, a voicemail or a text").click()
    for key in ("call", "voicemail", "text"):
        expect(page.locator(f"#script-{key}")).to_contain_text(origin)
    expect(page.get_by_text("because you accessed")).to_have_count(0)
    page.locator("#script-call").scroll_into_view_if_needed()
    shot_sizes(page, "outreach-scripts-origin")

    page.get_by_role("link", name="Write to Carla Capture").click()
    page.get_by_label("Subject").fill("The Oak Lane house")
    page.get_by_label("Your message").fill(
        "It is open on Saturday from 10; shall I meet you there?"
    )
    page.get_by_role("button", name="Preview").click()
    email_html = page.frame_locator("iframe.email-preview")
    expect(email_html.get_by_text(origin)).to_be_visible()
    shot_preview = in_view(
        lambda name: page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True),
        page.locator("iframe.email-preview"),
    )
    shot_preview("outreach-preview-origin")
    page.set_viewport_size(PHONE)
    shot_preview("outreach-preview-origin-phone")
