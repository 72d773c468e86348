"""Prospects connect with a member; the member's inquiry list and dashboard panel, in the
member's time zone, with their query budget."""

import datetime
import re

import pytest
from django.utils import timezone

from leads.models import Inquiry, Lead
from leads.services.inquiries import express_interest
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.leads import inquiry_helpers
from tests.leads.factories import InquiryFactory, LeadFactory
from tests.leads.inquiry_helpers import START, deliver
from tests.members.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]

# The shared fixtures, bound here so that pytest finds them in this module.
inquiry = inquiry_helpers.inquiry
lead = inquiry_helpers.lead
prospect_client = inquiry_helpers.prospect_client


# --- The prospect side ------------------------------------------------------------------------


def test_prospect_connects_and_the_member_is_emailed(clock, prospect_client, lead, member):
    form = prospect_client.get(f"/directory/{member.slug}/connect/")
    assert form.status_code == 200
    assert "Connect with Alice Agent" in form.text

    response = prospect_client.post(
        f"/directory/{member.slug}/connect/",
        {"message": "Could you help us find a condo downtown?"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == member.get_absolute_url()
    assert "Your message is on its way to Alice Agent" in response.text

    inquiry = Inquiry.objects.get()
    assert (inquiry.lead, inquiry.member) == (lead, member)
    assert inquiry.due_at == START + datetime.timedelta(hours=24)
    notice = OutboxMessage.objects.get(template="leads/inquiry_notice")
    assert notice.to_email == member.email
    assert notice.subject == "Dana Prospect wants to connect with you: reply within 24 hours"
    assert notice.object_id == lead.pk
    email = deliver(notice)
    assert "Could you help us find a condo downtown?" in email.body
    assert "even if just to acknowledge receipt and indicate follow-up timing" in email.body
    assert f"http://localhost/inquiries/{inquiry.pk}/" in email.body
    # The deadline in the member's own timezone.
    assert "March 5, 2025, 9 a.m. (America/New_York)" in email.body


def test_a_second_message_while_the_first_is_open_is_refused(clock, prospect_client, member):
    url = f"/directory/{member.slug}/connect/"
    prospect_client.post(url, {"message": "Hello, we want to sell our house."})
    again = prospect_client.post(url, {"message": "Hello again?"}, follow=True)
    assert (
        "You already contacted Alice Agent; they will reply by March 5, 2025, 9 a.m." in again.text
    )
    assert Inquiry.objects.count() == 1
    assert OutboxMessage.objects.filter(template="leads/inquiry_notice").count() == 1


def test_without_an_access_link_connect_leads_to_the_join_form(anon_client, member):
    profile = anon_client.get(member.get_absolute_url())
    assert f'href="/join/?ref={member.slug}"' in profile.text
    response = anon_client.get(f"/directory/{member.slug}/connect/")
    assert response.status_code == 302 and response.url == f"/join/?ref={member.slug}"
    assert not Inquiry.objects.exists()


# --- The member's list and dashboard -----------------------------------------------------------


def test_member_sees_the_open_inquiry_with_time_left(clock, inquiry, member_client):
    clock.shift(datetime.timedelta(hours=3, minutes=15))
    page = member_client.get("/inquiries/")
    assert page.status_code == 200
    open_section = page.text.split('id="answered-heading"')[0]
    assert "Dana Prospect" in open_section
    assert "We are moving in June and need a 3-bedroom home." in open_section
    assert "20 h 45 min left" in open_section
    assert "Wed, Mar 5, 9:00 AM EST" in open_section  # the deadline, member's timezone
    assert 'data-deadline="2025-03-05T14:00:00+00:00"' in open_section
    assert "No answered inquiries yet." in page.text

    dashboard = member_client.get("/dashboard/")
    assert "Inquiries waiting for your reply" in dashboard.text
    assert f'href="/inquiries/{inquiry.pk}/"' in dashboard.text
    assert "20 h 45 min left" in dashboard.text
    assert 'href="/inquiries/">See all inquiries' in dashboard.text


def test_times_show_in_the_members_own_timezone(clock, lead, partnership):
    member = MemberFactory(partnership=partnership, timezone="America/Los_Angeles")
    express_interest(lead=lead, member=member, message="Hi!")
    page = client_for(partnership, member).get("/inquiries/")
    assert "Wed, Mar 5, 6:00 AM PST" in page.text


def test_until_the_member_chooses_a_zone_times_show_in_the_partnerships(clock, lead, partnership):
    partnership.timezone = "America/Denver"
    partnership.save()
    member = MemberFactory(partnership=partnership, timezone="")
    express_interest(lead=lead, member=member, message="Hi!")
    page = client_for(partnership, member).get("/inquiries/")
    assert "Wed, Mar 5, 7:00 AM MST" in page.text
    email = deliver(OutboxMessage.objects.get(template="leads/inquiry_notice"))
    assert "March 5, 2025, 7 a.m. (America/Denver)" in email.body


def test_the_countdown_turns_red_in_the_reminder_window_and_when_overdue(
    clock, inquiry, member_client
):
    assert "countdown-ok" in member_client.get("/inquiries/").text
    clock.shift(datetime.timedelta(hours=21))
    page = member_client.get("/dashboard/").text
    assert "3 h left" in page and "countdown-soon" in page
    clock.shift(datetime.timedelta(hours=5, minutes=30))
    page = member_client.get("/inquiries/").text
    assert "overdue by 2 h" in page and "countdown-overdue" in page


def test_empty_states(member_client, member):
    page = member_client.get("/inquiries/").text
    assert "No open inquiries &mdash; prospects who connect with you from the directory" in page
    assert "No answered inquiries yet." in page
    dashboard = member_client.get("/dashboard/").text
    assert (
        "No open inquiries &mdash; prospects who connect with you from the directory" in dashboard
    )


def test_dashboard_counts_the_leads_that_named_the_member(member, member_client, partnership):
    LeadFactory.create_batch(3, partnership=partnership, referring_member=member)
    LeadFactory(partnership=partnership, referring_member=MemberFactory(partnership=partnership))
    dashboard = member_client.get("/dashboard/").text
    assert re.search(
        r'href="/leads/\?mine=1"><strong>3</strong> leads named you as their referrer', dashboard
    )


def test_list_shows_only_my_inquiries_split_into_open_and_answered(clock, member, member_client):
    partnership = member.partnership
    waiting = InquiryFactory(partnership=partnership, member=member, lead__name="Wendy Waiting")
    done = InquiryFactory(
        partnership=partnership,
        member=member,
        lead__name="Andy Answered",
        responded_at=timezone.now() + datetime.timedelta(hours=2, minutes=5),
    )
    InquiryFactory(partnership=partnership, lead__name="Colin Colleague")
    page = member_client.get("/inquiries/").text
    open_section, answered_section = page.split('id="answered-heading"')
    assert "Wendy Waiting" in open_section and "Andy Answered" not in open_section
    assert "Andy Answered" in answered_section and "Wendy Waiting" not in answered_section
    assert "2 h 5 min" in answered_section and "On time" in answered_section
    assert "Colin Colleague" not in page
    assert f'href="/inquiries/{waiting.pk}/"' in page and f'href="/inquiries/{done.pk}/"' in page


def test_open_inquiries_are_listed_nearest_deadline_first(member, member_client):
    now = timezone.now()
    for name, hours in [("Later Larry", 20), ("Soon Sam", 2), ("Middle Mia", 10)]:
        InquiryFactory(
            partnership=member.partnership,
            member=member,
            lead__name=name,
            due_at=now + datetime.timedelta(hours=hours),
        )
    page = member_client.get("/inquiries/").text
    assert page.index("Soon Sam") < page.index("Middle Mia") < page.index("Later Larry")


def test_answered_inquiries_are_paginated_twenty_a_page(member, member_client):
    now = timezone.now()
    for n in range(23):
        InquiryFactory(
            partnership=member.partnership,
            member=member,
            lead__name=f"Answered Lead {n:02d}",
            responded_at=now + datetime.timedelta(minutes=n),
        )
    first = member_client.get("/inquiries/").text
    assert first.count("Answered Lead") == 20 and "Answered Lead 22" in first
    assert 'href="?page=2#answered"' in first
    second = member_client.get("/inquiries/?page=2").text
    assert second.count("Answered Lead") == 3 and "Answered Lead 00" in second


def make_inquiries(member, count):
    """`count` inquiries to `member` (every other one answered) and `count` leads they referred,
    in a few queries."""
    now = timezone.now()
    partnership = member.partnership
    asking = Lead.objects.bulk_create(LeadFactory.build_batch(count, partnership=partnership))
    Inquiry.objects.bulk_create(
        InquiryFactory.build(
            lead=lead,
            member=member,
            responded_at=now if n % 2 else None,
            reminded_at=now if n % 3 == 0 else None,
        )
        for n, lead in enumerate(asking)
    )
    Lead.objects.bulk_create(
        LeadFactory.build_batch(count, partnership=partnership, referring_member=member)
    )


@pytest.mark.parametrize("count", [10, 1000])
def test_list_query_count_does_not_grow(count, member, member_client, django_assert_num_queries):
    make_inquiries(member, count)
    # Partnership, user, membership; open inquiries; answered count and page: the same six for
    # 10 inquiries or 1,000.
    with django_assert_num_queries(6):
        response = member_client.get("/inquiries/")
    assert response.status_code == 200


def test_dashboard_panel_query_count_does_not_grow(
    member, member_client, django_assert_num_queries
):
    # Partnership, user, membership (the session is cached); the panels' queries (policy
    # revisions open for a vote, referred leads, the first open inquiries and how many are open
    # (two, each through the open inquiries' index), the member's transactions, the
    # appreciation touches due this week: one aggregate when none are due), run by the dashboard
    # view itself. Profile completion costs none; so does the post-close panel, which is
    # leadership's (its one query: test_post_close_board.py, leadership's dashboard). The advocate
    # CRM's "Referrers to update" panel costs one.
    make_inquiries(member, 2)
    with django_assert_num_queries(10):
        member_client.get("/dashboard/")
    make_inquiries(member, 48)
    with django_assert_num_queries(10):
        page = member_client.get("/dashboard/")
    assert "and 20 more open inquiries" in page.text  # 25 open, 5 shown
