"""Leadership's report: did members answer prospect inquiries within the 24-hour deadline?"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from leads.models import Inquiry, Lead
from leads.selectors.compliance import response_compliance
from pinnacle.formats import duration_text as format_duration
from tests.leads.factories import InquiryFactory, LeadFactory
from tests.members.factories import MemberFactory, bulk_members

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime.datetime(2025, 3, 20, 12, 0, tzinfo=NEW_YORK)
HOUR = datetime.timedelta(hours=1)

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(NOW)]


def inquiry(member, *, received, answered_after=None):
    """An inquiry received at `received`, due 24 h later, answered `answered_after` later."""
    created = InquiryFactory(
        partnership=member.partnership,
        lead__partnership=member.partnership,
        member=member,
        due_at=received + 24 * HOUR,
        remind_at=received + 20 * HOUR,
        responded_at=received + answered_after if answered_after is not None else None,
    )
    Inquiry.objects.filter(pk=created.pk).update(created_at=received)  # auto_now_add


@pytest.fixture
def inquiries(clock, partnership, member):
    """Alice: one answered in 2 h, one in 30 h (late), one never (overdue). Bob: all in time."""
    received = NOW - 72 * HOUR
    inquiry(member, received=received, answered_after=2 * HOUR)
    inquiry(member, received=received, answered_after=30 * HOUR)
    inquiry(member, received=received)
    bob = MemberFactory(partnership=partnership, display_name="Bob Broker")
    inquiry(bob, received=received, answered_after=45 * datetime.timedelta(minutes=1))
    inquiry(bob, received=NOW - 2 * HOUR)  # open, still within its deadline
    return {"alice": member, "bob": bob}


def test_numbers_per_member_worst_first(inquiries, partnership, django_assert_num_queries):
    with django_assert_num_queries(1):
        alice, bob = response_compliance(
            partnership=partnership, start=datetime.date(2025, 3, 1), end=datetime.date(2025, 3, 20)
        )
    assert alice.member_name == "Alice Agent"
    assert (alice.received, alice.on_time, alice.answered_late) == (3, 1, 1)
    assert (alice.open, alice.overdue) == (0, 1)
    assert alice.share_on_time == 33
    assert alice.median_response == 16 * HOUR  # the median of 2 h and 30 h
    assert alice.median_label == "16 h"
    assert alice.tone == "bad"

    assert (bob.received, bob.on_time, bob.open, bob.overdue) == (2, 1, 1, 0)
    assert bob.share_on_time == 100  # the open inquiry is still within its deadline
    assert bob.median_label == "45 min"


def test_the_period_is_inclusive_in_partnership_time(clock, partnership, member):
    # 23:30 on March 1 in New York is March 2 in UTC: it belongs to March 1.
    inquiry(member, received=datetime.datetime(2025, 3, 1, 23, 30, tzinfo=NEW_YORK))
    inquiry(member, received=datetime.datetime(2025, 3, 2, 0, 30, tzinfo=NEW_YORK))

    def received(start, end):
        rows = response_compliance(partnership=partnership, start=start, end=end)
        return rows[0].received if rows else 0

    assert received(datetime.date(2025, 3, 1), datetime.date(2025, 3, 1)) == 1
    assert received(datetime.date(2025, 3, 2), datetime.date(2025, 3, 2)) == 1
    assert received(datetime.date(2025, 3, 1), datetime.date(2025, 3, 2)) == 2
    assert received(datetime.date(2025, 3, 3), datetime.date(2025, 3, 9)) == 0


def test_other_partnerships_inquiries_are_not_counted(clock, partnership, other_member):
    inquiry(other_member, received=NOW - HOUR)
    assert response_compliance(partnership=partnership, start=NOW.date(), end=NOW.date()) == []


def test_report_page_defaults_to_the_last_30_days(leader_client, inquiries, clock):
    inquiry(inquiries["alice"], received=NOW - 40 * 24 * HOUR, answered_after=HOUR)
    response = leader_client.get("/leads/compliance/")
    assert response.status_code == 200
    assert response.context["period"] == {
        "start": datetime.date(2025, 2, 19),
        "end": datetime.date(2025, 3, 20),
    }
    page = response.text
    assert 'value="2025-02-19"' in page and 'value="2025-03-20"' in page
    # Only the three inquiries of the period count for Alice, and she is listed first.
    assert page.index("Alice Agent") < page.index("Bob Broker")
    assert '<td class="num">3</td>' in page
    assert 'class="badge badge-bad">33%</span>' in page
    assert "16 h" in page and "45 min" in page
    assert "<strong>5</strong>, of which <strong>50%</strong> answered in time" in page


def test_report_for_a_chosen_period(leader_client, inquiries):
    response = leader_client.get("/leads/compliance/", {"start": "2025-03-20", "end": "2025-03-20"})
    (row,) = response.context["rows"]
    assert row.member_name == "Bob Broker" and row.open == 1


def test_a_backwards_period_is_explained(leader_client, inquiries):
    response = leader_client.get("/leads/compliance/", {"start": "2025-03-20", "end": "2025-03-01"})
    assert response.status_code == 200
    assert "Choose a date on or after the" in response.text


def test_an_empty_period(leader_client, clock):
    page = leader_client.get("/leads/compliance/").text
    assert "No inquiries in this period." in page


def members_with_inquiries(partnership, count, *, answered_after=lambda n: n % 30 * HOUR):
    """`count` members ("Member 0000" …), each with one inquiry received two days ago."""
    members = bulk_members(partnership, count)
    leads = Lead.objects.bulk_create(LeadFactory.build_batch(count, partnership=partnership))
    received = NOW - 48 * HOUR
    Inquiry.objects.bulk_create(
        InquiryFactory.build(
            lead=lead,
            member=member,
            due_at=received + 24 * HOUR,
            remind_at=received + 20 * HOUR,
            responded_at=received + answered_after(n),
        )
        for n, (member, lead) in enumerate(zip(members, leads, strict=True))
    )
    return members


@pytest.mark.parametrize("count", [10, 1000])
def test_report_page_query_count_does_not_grow(
    leader_client, clock, partnership, count, django_assert_num_queries
):
    members_with_inquiries(partnership, count)

    # Partnership, user, membership; the period's totals (with the number of rows), a page of
    # rows: 10 members with inquiries or 1,000; the outreach app's section (attempts,
    # refusals, ceased pairs, opt-outs; none, so no page of bounced messages to read).
    with django_assert_num_queries(9):
        response = leader_client.get("/leads/compliance/")

    assert len(response.context["rows"]) == min(count, 25)
    assert response.context["totals"].received == count
    assert response.context["page"].paginator.count == count


def test_the_report_pages_its_members_worst_first_with_totals_over_all(
    leader_client, clock, partnership
):
    # Member n answered after n hours: members 25 to 29 were late, the rest in time.
    members_with_inquiries(partnership, 30, answered_after=lambda n: n * HOUR)
    first = leader_client.get("/leads/compliance/")
    second = leader_client.get("/leads/compliance/", {"page": "2"})

    names = [row.member_name for row in first.context["rows"]]
    names += [row.member_name for row in second.context["rows"]]
    late = [f"Member {n:04d}" for n in range(25, 30)]
    assert names == late + [f"Member {n:04d}" for n in range(25)]
    assert len(first.context["rows"]) == 25
    # The totals speak for every member, on every page.
    for page in (first.text, second.text):
        assert "<strong>30</strong>, of which <strong>83%</strong> answered in time" in page
    assert "Members 1&ndash;25 of 30" in first.text
    assert "Members 26&ndash;30 of 30" in second.text
    assert 'href="?page=2#inquiries-heading"' in first.text
    # The CSV export still has every member.
    export = leader_client.get("/leads/compliance/export.csv")
    assert b"".join(export).decode().count("Member 00") == 30


def test_only_leadership_sees_the_report(member_client, anon_client):
    assert member_client.get("/leads/compliance/").status_code == 404
    assert anon_client.get("/leads/compliance/").status_code == 302


@pytest.mark.parametrize(
    ("duration", "label"),
    [
        (None, "\u2014"),
        (datetime.timedelta(seconds=20), "under 1 min"),
        (datetime.timedelta(minutes=59), "59 min"),
        (datetime.timedelta(hours=2, minutes=5), "2 h 5 min"),
        (datetime.timedelta(hours=30), "30 h"),
    ],
)
def test_durations_read_as_hours_and_minutes(duration, label):
    assert format_duration(duration) == label


def test_a_member_with_only_open_inquiries_is_not_marked_late(clock, partnership):
    newcomer = MemberFactory(partnership=partnership, display_name="Nia Newcomer")
    inquiry(newcomer, received=NOW - 2 * HOUR)
    (row,) = response_compliance(
        partnership=partnership, start=datetime.date(2025, 3, 1), end=datetime.date(2025, 3, 20)
    )
    assert (row.received, row.open, row.share_on_time, row.tone) == (1, 1, None, "neutral")
