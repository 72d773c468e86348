"""Leadership's compliance report, extended with outreach: per member and period (the
partnership's days), attempts by channel, refusals and why, ceased pairs, opt-outs that followed
their messages, bounced messages; CSV export and a drill-down into one member."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest

from leads.models import Inquiry, Lead
from outreach import services
from outreach.models import Attempt, Channel, OutreachPair
from outreach.services import OutreachRefused
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import opt_out
from tests.conftest import client_for
from tests.leads.factories import InquiryFactory, LeadFactory
from tests.members.factories import MemberFactory, bulk_members

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 4, 7, 9, 0, tzinfo=ZoneInfo("America/New_York"))
PERIOD = {"start": "2025-04-01", "end": "2025-04-30"}


@pytest.fixture
def story(partnership, time_machine):
    """Alice emails Dana (who then opts out from it), calls Eli twice and is refused a third
    time; Bob's email to Fay bounces."""
    time_machine.move_to(START, tick=False)
    alice = MemberFactory(partnership=partnership, display_name="Alice Agent", specialization="x")
    bob = MemberFactory(partnership=partnership, display_name="Bob Broker", specialization="y")
    dana, eli, fay = (LeadFactory(partnership=partnership, name=n) for n in ("Dana", "Eli", "Fay"))
    email = services.send_message(
        member=alice, lead=dana, subject="Hi", body="Hello Dana", actor=None
    )
    opt_out(partnership=partnership, email=dana.email, source="link", message_id=email.message_id)
    for _ in range(2):
        services.log_call(member=alice, lead=eli, outcome="no_answer", actor=None)
    with pytest.raises(OutreachRefused):
        services.log_call(member=alice, lead=eli, outcome="no_answer", actor=None)
    bounced = services.send_message(
        member=bob, lead=fay, subject="Hi", body="Hello Fay", actor=None
    )
    OutboxMessage.objects.filter(pk=bounced.message_id).update(status="bounced")
    return {"alice": alice, "bob": bob}


def test_the_report_shows_each_members_outreach(story, leader_client):
    page = leader_client.get("/leads/compliance/", PERIOD).text
    assert "Outreach under the engagement policy" in page
    section = page[page.index("Outreach under the engagement policy") :]
    alice_row = section[
        section.index("Alice Agent") : section.index("</tr>", section.index("Alice Agent"))
    ]
    assert "Email through the portal: 1, Phone call: 2" in alice_row
    assert 'title="Cold attempts per week used up: 1">1<' in alice_row  # refused, and why
    assert '<span class="status bad">1</span>' in alice_row  # Dana opted out after her email
    bob_row = section[section.index("Bob Broker") :]
    assert '<td class="num">1</td>\n            <td><a' in bob_row  # one bounced
    # Each row leads to the member's own details for the same period.
    details = f"/outreach/compliance/{story['alice'].pk}/?start=2025-04-01&amp;end=2025-04-30"
    assert f'<a href="{details}">Details</a>' in alice_row


def test_the_period_is_the_partnerships_days(story, leader_client):
    page = leader_client.get("/leads/compliance/", {"start": "2025-04-08", "end": "2025-04-30"})
    assert "No outreach in this period." in page.text


def test_the_csv_has_a_row_per_member_with_the_outreach_columns(story, leader_client):
    response = leader_client.get("/leads/compliance/export.csv", PERIOD)
    rows = {r["member"]: r for r in csv.DictReader(io.StringIO(b"".join(response).decode()))}
    alice = rows["Alice Agent"]
    assert alice["attempts_portal_email"] == "1" and alice["attempts_call"] == "2"
    assert alice["refused_cadence"] == "1" and alice["opt_outs_after_their_messages"] == "1"
    assert alice["inquiries_received"] == "0"
    assert rows["Bob Broker"]["messages_bounced"] == "1"
    assert response["Content-Disposition"].endswith(
        'compliance-pinnacle-2025-04-01-2025-04-30.csv"'
    )


def test_leadership_drills_into_one_members_outreach(story, leader_client):
    page = leader_client.get(f"/outreach/compliance/{story['alice'].pk}/", PERIOD).text
    assert page.count("Phone call") >= 2 and "Hi" in page
    assert "You have made 2 cold attempts" in page  # the refusal, with its reason
    assert "after &ldquo;Hi&rdquo; (Opt-out link)" in page


def test_only_leadership_sees_the_drilldown(story, partnership):
    member_client = client_for(partnership, story["bob"])
    assert (
        member_client.get(f"/outreach/compliance/{story['alice'].pk}/", PERIOD).status_code == 404
    )
    assert member_client.get("/leads/compliance/export.csv", PERIOD).status_code == 404


def members_with_calls(partnership, count):
    """`count` members ("Member 0000" …), each with one call to a lead of their own, made on
    START, and an inquiry received the same day."""
    members = bulk_members(partnership, count)
    leads = Lead.objects.bulk_create(LeadFactory.build_batch(count, partnership=partnership))
    pairs = OutreachPair.objects.bulk_create(
        OutreachPair(partnership=partnership, member=member, lead=lead)
        for member, lead in zip(members, leads, strict=True)
    )
    Attempt.objects.bulk_create(
        Attempt(
            partnership=partnership,
            pair=pair,
            member=pair.member,
            lead=pair.lead,
            channel=Channel.CALL,
            outcome="spoke",
            was_cold=True,
            made_at=START,
        )
        for pair in pairs
    )
    Inquiry.objects.bulk_create(
        InquiryFactory.build(lead=lead, member=member, due_at=START, remind_at=START)
        for member, lead in zip(members, leads, strict=True)
    )
    return members


@pytest.mark.parametrize("members", [10, 1000])
def test_the_report_reads_outreach_in_a_fixed_number_of_queries(
    partnership, leader_client, members, django_assert_num_queries, time_machine
):
    time_machine.move_to(START, tick=False)
    members_with_calls(partnership, members)
    # Partnership, user, membership; the inquiry table's totals and page; outreach: attempts,
    # refusals, ceased pairs, opt-outs, and the bounced messages of the rows shown.
    with django_assert_num_queries(10):
        response = leader_client.get("/leads/compliance/", PERIOD)
    assert len(response.context["rows"]) == min(members, 25)
    assert response.text.count("Phone call: 1") == min(members, 25)


def test_the_outreach_table_pages_on_its_own(partnership, leader_client, time_machine):
    time_machine.move_to(START, tick=False)
    members_with_calls(partnership, 30)
    first = leader_client.get("/leads/compliance/", PERIOD).text
    section = first[first.index("Outreach under the engagement policy") :]
    assert "Members 1&ndash;25 of 30, most refusals first." in section
    assert "Member 0024" in section and "Member 0025" not in section
    # The next page keeps the period and the inquiry table's own page.
    link = "?start=2025-04-01&amp;end=2025-04-30&amp;outreach_page=2#outreach-compliance-heading"
    assert f'<a class="button secondary" href="{link}" rel="next">' in section

    second = leader_client.get("/leads/compliance/", {**PERIOD, "outreach_page": "2"})
    section = second.text[second.text.index("Outreach under the engagement policy") :]
    assert "Members 26&ndash;30 of 30" in section
    assert "Member 0025" in section and "Member 0024" not in section
    # The inquiry table stays on its first page.
    assert second.context["page"].number == 1
