"""A lender invites two agents by address and a third person found by name, previews and sends;
one agent opens the link and registers; the lender's menu shows them Active with a profile
progress bar; the lender creates a single property site; a prospect submits its form; both
partners see the shared lead."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from comarketing.models import Connection, SharedLead, Status
from leads.models import Lead
from tests.advocates.factories import ContactFactory
from tests.e2e.conftest import SCREENSHOTS, deliver_queued, log_in
from tests.leads.factories import LeadFactory
from tests.members.factories import PASSWORD, MemberFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_invite_preview_send_register_and_see_active(
    page, site, shot, partnership, settings, browser
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    base = site.replace("127.0.0.1", "localhost")  # the host the emails' links use
    MemberFactory(
        partnership=partnership,
        display_name="Lena Lender",
        kind="lender",
        user=UserFactory(email="lena@example.com"),
    )
    LeadFactory(partnership=partnership, name="Carla Contact", email="carla@example.com")

    log_in(page, base, "lena@example.com")
    page.get_by_role("link", name="Co-marketing").click()
    expect(page.get_by_text("No co-marketing connections yet.")).to_be_visible()
    page.get_by_role("link", name="Invite New Connections").first.click()

    page.get_by_label("Search your contacts by name").fill("carla")
    page.get_by_role("button", name="Search").click()
    page.get_by_label(re.compile("Carla Contact")).check()
    page.get_by_label("Email addresses").fill("nina.new@example.com, omar.other@example.com")
    page.get_by_role("button", name="Create Invitation").click()
    expect(
        page.get_by_role("heading", name="Preview of the co-marketing invitation")
    ).to_be_visible()
    # Chromium paints the preview frame once it has been in view.
    page.locator("iframe.email-preview").scroll_into_view_if_needed()
    expect(
        page.frame_locator("iframe.email-preview").get_by_text("Register as my partner")
    ).to_be_visible()
    shot("comarketing-preview")
    page.get_by_role("button", name=re.compile("Send Invitations")).click()
    expect(page.get_by_text("Invitation sent to")).to_be_visible()
    assert Connection.objects.count() == 3
    expect(page.get_by_text("Pending - Email Not Delivered")).to_have_count(3)

    deliver_queued()
    invitation = next(m for m in mail.outbox if m.to == ["nina.new@example.com"])
    link = re.search(r"(http://localhost:\d+/comarketing/join/\S+/)", invitation.body).group(1)

    invitee = browser.new_context().new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", name="Co-market with Lena Lender")).to_be_visible()
    invitee.get_by_label("First name").fill("Nina")
    invitee.get_by_label("Last name").fill("New")
    invitee.get_by_label("Cell phone").fill("(512) 555-0110")
    invitee.locator("input[name=password1]").fill("a-long-enough-passphrase-7")
    invitee.locator("input[name=password2]").fill("a-long-enough-passphrase-7")
    invitee.get_by_role("button", name="Create my account").click()
    expect(invitee.get_by_text("You and Lena Lender are now co-marketing partners")).to_be_visible()

    page.reload()
    expect(
        page.get_by_role("row", name=re.compile("Nina New")).get_by_text("Active")
    ).to_be_visible()
    expect(page.locator("progress")).to_have_count(1)
    shot("comarketing-menu")
    nina = Connection.objects.get(email="nina.new@example.com")
    assert nina.status == Status.ACTIVE and nina.partner.cell_phone == "(512) 555-0110"

    # The lender makes a single property site with Nina; the site is Nina's.
    page.get_by_role("link", name="Nina New").click()
    page.get_by_role("link", name="Create co-branded media").click()
    page.get_by_label("Kind").select_option("property_site")
    page.get_by_label("Whose is it?").select_option(label="Nina New")
    page.get_by_label("Title").fill("Charming Bungalow on Elm")
    page.get_by_label("Headline").fill("Open house Saturday")
    page.get_by_label("Property address").fill("12 Elm St, Austin, TX")
    page.get_by_label("Price ($)").fill("525000")
    page.get_by_role("button", name=re.compile("Create|Save")).click()
    expect(page.get_by_text("Charming Bungalow on Elm")).to_be_visible()

    # A prospect finds the site and asks about it.
    prospect = browser.new_context().new_page()
    prospect.goto(f"{base}/m/charming-bungalow-on-elm/")
    expect(prospect.get_by_text("$525,000")).to_be_visible()
    shot_page = prospect
    prospect.get_by_label("Your name").fill("Pat Prospect")
    prospect.get_by_label("Email").fill("pat@example.com")
    prospect.get_by_label("What do you need?").select_option("buy")
    prospect.get_by_label("When?").select_option("3m")
    prospect.get_by_label(re.compile("I agree to be contacted")).check()
    shot_page.screenshot(path=str(SCREENSHOTS / "comarketing-property-site.png"), full_page=True)
    prospect.get_by_role("button", name="Send").click()

    lead = Lead.objects.get(email="pat@example.com")
    assert lead.referring_member == nina.partner  # the site's owner
    assert SharedLead.objects.filter(lead=lead, shared_with__display_name="Lena Lender").exists()

    # Both partners see the lead: Nina as hers, Lena as shared with her.
    invitee.goto(f"{base}/leads/?mine=1")
    expect(invitee.get_by_role("link", name="Pat Prospect")).to_be_visible()
    page.goto(f"{base}/comarketing/{nina.pk}/")
    expect(page.get_by_role("link", name="Pat Prospect").first).to_be_visible()
    shot("comarketing-overview")


@pytest.mark.django_db(transaction=True)
def test_an_agent_of_another_partnership_found_in_the_lenders_circle_joins_with_their_login(
    page, site, shot, partnership, other_partnership, settings, browser
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    base = site.replace("127.0.0.1", "localhost")
    lena = MemberFactory(
        partnership=partnership,
        display_name="Lena Lender",
        kind="lender",
        user=UserFactory(email="lena@example.com"),
    )
    oscar = MemberFactory(
        partnership=other_partnership,
        display_name="Oscar Other",
        user=UserFactory(email="oscar@example.com"),
    )
    ContactFactory(owner=lena, name="Oscar from Harbor", email="oscar@example.com")

    # The lender types Oscar's address: the picker shows he is one of her contacts.
    log_in(page, base, "lena@example.com")
    page.goto(f"{base}/comarketing/invite/")
    page.get_by_label("Search your contacts").fill("oscar@example.com")
    page.get_by_role("button", name="Search").click()
    page.get_by_label(re.compile("Oscar from Harbor \\(your inner circle\\)")).check()
    page.get_by_role("button", name="Create Invitation").click()
    expect(
        page.get_by_text("Oscar from Harbor (your inner circle) <oscar@example.com>")
    ).to_be_visible()
    page.get_by_role("button", name=re.compile("Send Invitation")).click()
    expect(page.get_by_text("Invitation sent to oscar@example.com")).to_be_visible()

    deliver_queued()
    invitation = next(m for m in mail.outbox if m.to == ["oscar@example.com"])
    link = re.search(r"(http://localhost:\d+/comarketing/join/\S+/)", invitation.body).group(1)

    # Oscar logs in with the password he has, confirms, and is an unlisted agent here.
    invitee = browser.new_context().new_page()
    invitee.goto(link)
    invitee.get_by_role("button", name="Log in to accept").click()
    invitee.get_by_label("Email").fill("oscar@example.com")
    invitee.get_by_label("Password").fill(PASSWORD)
    invitee.get_by_role("button", name="Log in").click()
    expect(
        invitee.get_by_role("heading", name="Join Pinnacle Partnerships with your account")
    ).to_be_visible()
    invitee.get_by_label("First name").fill("Oscar")
    invitee.get_by_label("Last name").fill("Other")
    invitee.screenshot(path=str(SCREENSHOTS / "comarketing-join-with-account.png"), full_page=True)
    invitee.get_by_role("button", name="Confirm and join Pinnacle Partnerships").click()
    expect(invitee.get_by_text("You and Lena Lender are now co-marketing partners")).to_be_visible()
    connection = Connection.objects.get(email="oscar@example.com")
    assert connection.status == Status.ACTIVE and connection.partner.user == oscar.user
    assert connection.partner.is_listed is False

    page.goto(f"{base}/comarketing/")
    expect(
        page.get_by_role("row", name=re.compile("Oscar Other")).get_by_text("Active")
    ).to_be_visible()
    deliver_queued()
    assert any(m.to == ["lena@example.com"] and "Oscar Other" in m.subject for m in mail.outbox)
    shot("comarketing-joined-with-account")
