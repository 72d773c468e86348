"""The member answers an inquiry within the partnership's reply window: replies,
acknowledgements with a follow-up date, refusals, and who may see and answer."""

import datetime

import pytest

from leads.models import InquiryResponse
from leads.services import LeadRefused
from leads.services import inquiries as inquiry_services
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.leads import inquiry_helpers
from tests.leads.factories import InquiryFactory
from tests.leads.inquiry_helpers import START, acknowledge, deliver, reply
from tests.members.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]

# The shared fixtures, bound here so that pytest finds them in this module.
inquiry = inquiry_helpers.inquiry
lead = inquiry_helpers.lead


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
