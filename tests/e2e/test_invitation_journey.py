"""An invited person follows the emailed link, creates an account and completes their profile."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from members import services
from members.models import Invitation, Member
from pinnacle.mail.models import OutboxMessage

PASSWORD = "violet-harbor-lantern-42"


@pytest.mark.django_db(transaction=True)
def test_invited_person_joins_and_uploads_a_photo(
    site, page, shot, partnership, leader, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    invitation = services.invite_member(
        partnership=partnership,
        invited_by=leader.user,
        email="nina.new@example.com",
        display_name="Nina New",
        kind=Member.Kind.LENDER,
        service_category=Member.ServiceCategory.MORTGAGE,
        role=Member.Role.MEMBER,
    )
    message = OutboxMessage.objects.for_partnership(partnership).get(object_id=invitation.pk)
    link = re.search(r"https?://[^/\s]+(/invitations/accept/[^/\s]+/)", message.body_text)
    assert link, message.body_text

    # The emailed link names the partnership's host; the browser stays on one origin.
    page.goto(site + link.group(1))
    expect(page.get_by_role("heading", name="Join Pinnacle Partnerships")).to_be_visible()
    expect(page.get_by_text("Lee Leadership")).to_be_visible()
    shot("invitation-accept")
    page.get_by_role("button", name="Accept and create your account").click()

    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("nina.new@example.com")
    expect(page.get_by_label("Email address")).not_to_be_editable()
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    shot("signup")
    page.get_by_role("button", name="Create account and join").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Welcome, Nina New")).to_be_visible()
    shot("dashboard")

    photo = tmp_path / "portrait.png"
    Image.new("RGB", (640, 480), (31, 78, 121)).save(photo)
    page.goto(site + "/dashboard/profile/")
    expect(page.get_by_role("heading", name="Edit your profile")).to_be_visible()
    page.locator("input[name=photo]").set_input_files(str(photo))
    page.get_by_label("Job title").fill("Loan officer")
    shot("profile-edit")
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    member = Member.objects.for_partnership(partnership).get(user__email="nina.new@example.com")
    assert member.photo and member.job_title == "Loan officer"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
