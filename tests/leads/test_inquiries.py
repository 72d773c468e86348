"""Prospects connect with a member; the member answers within the partnership's reply window."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from leads.models import Inquiry, InquiryResponse, Lead
from leads.services import LeadRefused
from leads.services import inquiries as inquiry_services
from leads.services.inquiries import express_interest
from leads.tokens import make_access_token
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.leads.factories import InquiryFactory, LeadFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# A Tuesday morning in New York; every timed test starts here.
START = datetime.datetime(2025, 3, 4, 9, 0, tzinfo=NEW_YORK)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def lead(partnership):
    return LeadFactory(partnership=partnership, name="Dana Prospect", email="dana@example.com")


@pytest.fixture
def prospect_client(lead):
    """A browser that followed the lead's access link from the welcome email."""
    client = client_for(lead.partnership)
    assert client.get(reverse("prospect_access", args=[make_access_token(lead)])).status_code == 200
    return client


@pytest.fixture
def inquiry(clock, lead, member):
    return express_interest(
        lead=lead, member=member, message="We are moving in June and need a 3-bedroom home."
    )


def deliver(message: OutboxMessage):
    delivery.deliver(message.pk)
    (sent,) = [m for m in mail.outbox if m.to == [message.to_email]][-1:]
    return sent


def reply(client, inquiry, body="Happy to help, Dana. Are you free for a call on Thursday?"):
    return client.post(inquiry.get_absolute_url(), {"kind": "reply", "reply-body": body})


def acknowledge(client, inquiry, follow_up_on, body="Thanks Dana, I got your message."):
    return client.post(
        inquiry.get_absolute_url(),
        {"kind": "ack", "ack-body": body, "ack-follow_up_on": str(follow_up_on or "")},
    )


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
    # revisions open for a vote, referred leads, open inquiries, the member's transactions, the
    # appreciation touches due this week: one aggregate when none are due), run by the dashboard
    # view itself. Profile completion costs none; so does the post-close panel, which is
    # leadership's (its one query: test_post_close.py, leadership's dashboard). The advocate CRM's
    # "Referrers to update" panel costs one.
    make_inquiries(member, 2)
    with django_assert_num_queries(9):
        member_client.get("/dashboard/")
    make_inquiries(member, 48)
    with django_assert_num_queries(9):
        page = member_client.get("/dashboard/")
    assert "and 20 more open inquiries" in page.text  # 25 open, 5 shown


# --- Answering ---------------------------------------------------------------------------------


def test_detail_shows_the_lead_their_message_and_the_deadline(clock, inquiry, member_client, lead):
    lead.phone = "(512) 555-0199"
    lead.save()
    clock.shift(datetime.timedelta(hours=1))
    page = member_client.get(inquiry.get_absolute_url())
    assert page.status_code == 200
    for text in [
        "Dana Prospect",
        'href="mailto:dana@example.com"',
        "(512) 555-0199",
        "Buy a home",
        "Within 3 months",
        "We are moving in June and need a 3-bedroom home.",
        "Reply by",
        "Wed, Mar 5, 9:00 AM EST",
        "23 h left",
    ]:
        assert text in page.text, text
    assert "Your answers" not in page.text
    # Both forms, labelled; the acknowledgement is prefilled and dated tomorrow at the earliest.
    assert '<label for="id_reply-body">Your reply' in page.text
    assert '<label for="id_ack-follow_up_on">I will follow up by' in page.text
    assert "Thank you for reaching out, Dana. I have received your message" in page.text
    assert 'min="2025-03-04"' in page.text and 'value="2025-03-05"' in page.text


def test_reply_is_emailed_from_the_member_and_stops_the_clock(
    clock, inquiry, member, member_client, partnership
):
    clock.shift(datetime.timedelta(hours=2))
    response = reply(member_client, inquiry)
    assert response.status_code == 302 and response.url == inquiry.get_absolute_url()
    page = member_client.get(response.url).text
    assert "Your reply was emailed to Dana Prospect." in page
    assert "Are you free for a call on Thursday?" in page
    assert "Answered" in page and "2 h" in page and "within the deadline" in page

    inquiry.refresh_from_db()
    assert inquiry.responded_at == START + datetime.timedelta(hours=2)
    answer = InquiryResponse.objects.get()
    assert answer.kind == "reply" and answer.member == member

    outbox = OutboxMessage.objects.get(template="leads/inquiry_response")
    email = deliver(outbox)
    assert email.to == ["dana@example.com"]
    assert email.from_email == f"Alice Agent <{partnership.from_email}>"
    assert email.reply_to == [member.email]
    assert email.subject == "Re: your message to Alice Agent"
    assert "Happy to help, Dana. Are you free for a call on Thursday?" in email.body
    assert "We are moving in June" in email.body  # what they wrote, quoted
    assert "Alice Agent" in email.alternatives[0][0]

    listing = member_client.get("/inquiries/").text
    assert "No open inquiries" in listing
    assert "2 h" in listing.split('id="answered-heading"')[1]


def test_later_replies_continue_the_conversation_without_moving_the_clock(
    clock, inquiry, member_client
):
    reply(member_client, inquiry, "First answer.")
    clock.shift(datetime.timedelta(hours=30))
    assert reply(member_client, inquiry, "Second answer.").status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.responded_at == START
    assert OutboxMessage.objects.filter(template="leads/inquiry_response").count() == 2
    page = member_client.get(inquiry.get_absolute_url()).text
    assert page.index("First answer.") < page.index("Second answer.")
    assert "Continue the conversation" in page


def test_acknowledgement_with_a_follow_up_date(clock, inquiry, member_client):
    response = acknowledge(member_client, inquiry, datetime.date(2025, 3, 7))
    assert response.status_code == 302
    page = member_client.get(response.url).text
    assert "Your reply was emailed to Dana Prospect." in page
    assert "They know you will follow up by March 7, 2025." in page
    assert "Follow-up promised by <strong>Friday, March 7, 2025</strong>" in page
    # The deadline is the end of the promised day, never shown as the next day's midnight.
    assert "the end of that day (America/New_York time)" in page and "Mar 8" not in page
    inquiry.refresh_from_db()
    assert inquiry.responded_at is not None
    answer = InquiryResponse.objects.get()
    assert answer.kind == "ack" and answer.follow_up_on == datetime.date(2025, 3, 7)
    email = deliver(OutboxMessage.objects.get(template="leads/inquiry_response"))
    assert email.subject == "Alice Agent received your message"
    assert "Thanks Dana, I got your message." in email.body
    assert "I will follow up with you by March 7, 2025." in email.body


@pytest.mark.parametrize(
    ("follow_up_on", "error"),
    [
        (datetime.date(2025, 3, 3), "Choose the date you will follow up (today or later)."),
        (None, "Choose the date you will follow up (today or later)."),
        ("next week", "Enter the follow-up date as a date"),
    ],
)
def test_acknowledgement_needs_a_date_today_or_later(
    clock, inquiry, member_client, follow_up_on, error
):
    response = acknowledge(member_client, inquiry, follow_up_on)
    assert response.status_code == 400
    assert error in response.text
    assert "Thanks Dana, I got your message." in response.text  # what they typed is kept
    assert not InquiryResponse.objects.exists()
    inquiry.refresh_from_db()
    assert inquiry.responded_at is None


@pytest.mark.parametrize("follow_up_on", [datetime.date(2025, 3, 12), datetime.date(2099, 1, 1)])
def test_acknowledgement_promises_a_follow_up_within_seven_days(
    clock, inquiry, member_client, follow_up_on
):
    form = member_client.get(inquiry.get_absolute_url()).text
    assert "Within 7 days: today up to March 11, 2025." in form
    assert 'max="2025-03-11"' in form
    response = acknowledge(member_client, inquiry, follow_up_on)
    assert response.status_code == 400
    assert "Follow up within 7 days: choose a date no later than March 11, 2025." in response.text
    assert not InquiryResponse.objects.exists()
    inquiry.refresh_from_db()
    assert inquiry.responded_at is None and inquiry.follow_up_due_at is None
    assert acknowledge(member_client, inquiry, datetime.date(2025, 3, 11)).status_code == 302


def test_the_service_holds_every_caller_to_the_partnerships_follow_up_days(
    clock, inquiry, member, partnership
):
    partnership.acknowledgement_follow_up_days = 2
    partnership.save()
    inquiry.partnership.refresh_from_db()
    with pytest.raises(LeadRefused, match=r"Follow up within 2 days: .* no later than March 6"):
        inquiry_services.respond_to_inquiry(
            inquiry=inquiry,
            member=member,
            kind="ack",
            body="Soon.",
            follow_up_on=datetime.date(2025, 3, 7),
        )
    assert not InquiryResponse.objects.exists()
    inquiry_services.respond_to_inquiry(
        inquiry=inquiry,
        member=member,
        kind="ack",
        body="Soon.",
        follow_up_on=datetime.date(2025, 3, 6),
    )


def test_an_empty_reply_is_refused(inquiry, member_client):
    response = reply(member_client, inquiry, "   ")
    assert response.status_code == 400
    assert "Write your reply before sending it." in response.text
    assert not InquiryResponse.objects.exists()


def test_a_refusal_from_the_rules_is_shown_on_the_form(inquiry, member_client, monkeypatch):
    def refuse(**kwargs):
        raise LeadRefused("Only the member this prospect contacted can answer.")

    monkeypatch.setattr("leads.views.inquiries.respond_to_inquiry", refuse)
    response = reply(member_client, inquiry, "Hello")
    assert response.status_code == 400
    assert "Only the member this prospect contacted can answer." in response.text
    assert not InquiryResponse.objects.exists()


def test_a_post_without_a_known_kind_sends_nothing(inquiry, member_client):
    response = member_client.post(inquiry.get_absolute_url(), {"kind": "shout", "reply-body": "x"})
    assert response.status_code == 400
    assert "Choose whether to reply or to acknowledge" in response.text
    assert not InquiryResponse.objects.exists()


def test_only_the_contacted_member_sees_the_inquiry(inquiry, partnership, leader, other_member):
    colleague = MemberFactory(partnership=partnership)
    for client in [client_for(partnership, colleague), client_for(partnership, leader)]:
        assert client.get(inquiry.get_absolute_url()).status_code == 404
        assert reply(client, inquiry).status_code == 404
        assert "Dana Prospect" not in client.get("/inquiries/").text
    foreign = InquiryFactory(partnership=other_member.partnership, member=other_member)
    owner_elsewhere = client_for(partnership, MemberFactory(partnership=partnership))
    assert owner_elsewhere.get(f"/inquiries/{foreign.pk}/").status_code == 404
    # Even its own member cannot reach it through another partnership's host.
    assert client_for(partnership, other_member).get(f"/inquiries/{foreign.pk}/").status_code == 404
    assert not InquiryResponse.objects.exists()


def test_inquiry_pages_need_a_login(anon_client, inquiry):
    for url in ["/inquiries/", inquiry.get_absolute_url()]:
        response = anon_client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_service_refuses_an_answer_from_someone_else(inquiry, partnership):
    with pytest.raises(LeadRefused):
        inquiry_services.respond_to_inquiry(
            inquiry=inquiry, member=MemberFactory(partnership=partnership), kind="reply", body="Hi"
        )


def test_the_policy_page_lists_the_follow_up_days(member_client):
    page = member_client.get("/policy/").text
    # The seed names no limit: the number shows as the portal's own until a revision adopts it.
    assert (
        '<tr><th scope="row">Follow up an acknowledged inquiry within (days)</th><td>7 '
        '<span class="tag tag-warn nowrap">added by the portal, not yet voted</span></td></tr>'
    ) in page
