"""A member acknowledges a prospect's inquiry with a follow-up date: the form names the policy's
limit, a date beyond it is refused with the reason, a date within it is sent and the inquiry
shows the promised day."""

import datetime

import pytest
from django.utils.formats import date_format
from playwright.sync_api import expect

from leads.models import Inquiry
from tests.e2e.conftest import member_page
from tests.leads.factories import InquiryFactory, LeadFactory
from tests.members.factories import MemberFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_an_acknowledgement_promises_a_follow_up_within_the_limit(
    site, browser, partnership, shot_sizes
):
    sam = MemberFactory(
        partnership=partnership,
        display_name="Sam Lender",
        user=UserFactory(email="sam@example.com"),
    )
    lead = LeadFactory(partnership=partnership, name="Dana Prospect")
    inquiry = InquiryFactory(lead=lead, member=sam)
    days = partnership.acknowledgement_follow_up_days
    today = partnership.today()

    page = member_page(browser, site, "sam@example.com")
    page.goto(f"{site}/inquiries/{inquiry.pk}/")
    ack = page.get_by_role("form", name="Acknowledge with follow-up date")
    expect(ack.get_by_text(f"Within {days} days: today up to")).to_be_visible()
    shot_sizes(page, "inquiry-acknowledge")

    # A date beyond the limit is refused, with the latest day allowed.
    too_late = today + datetime.timedelta(days=days + 20)
    ack.get_by_label("I will follow up by").fill(too_late.isoformat())
    ack.get_by_role("button", name="Send acknowledgement").click()
    ack = page.get_by_role("form", name="Acknowledge with follow-up date")
    latest = date_format(today + datetime.timedelta(days=days))
    expect(
        ack.get_by_text(f"Follow up within {days} days: choose a date no later than {latest}.")
    ).to_be_visible()
    shot_sizes(page, "inquiry-acknowledge-refused")
    assert Inquiry.objects.get().responded_at is None

    # A date within it is sent; the inquiry shows the promise.
    promised = today + datetime.timedelta(days=3)
    ack.get_by_label("I will follow up by").fill(promised.isoformat())
    ack.get_by_role("button", name="Send acknowledgement").click()
    expect(page.get_by_text("They know you will follow up by")).to_be_visible()
    expect(
        page.get_by_text(f"You promised to follow up by {promised:%A, %B} {promised.day}")
    ).to_be_visible()
    shot_sizes(page, "inquiry-follow-up-promised")
    inquiry.refresh_from_db()
    assert inquiry.follow_up_promised_on == promised
