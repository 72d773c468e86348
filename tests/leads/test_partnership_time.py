"""Each partnership counts days in its own time zone, whoever asks and wherever the server is.

Los Angeles and Berlin are 9 hours apart: at 11:30 pm on March 4 in Los Angeles it is already
8:30 am on March 5 in Berlin (and 2:30 am in New York, the server's default zone).
"""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from leads.models import InquiryResponse
from leads.selectors.compliance import response_compliance
from leads.services import LeadRefused
from leads.services.inquiries import express_interest, respond_to_inquiry
from tests.conftest import client_for
from tests.leads.factories import InquiryFactory, LeadFactory
from tests.members.factories import LeadershipFactory, MemberFactory
from tests.pinnacle.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

LATE_EVENING_IN_LA = datetime.datetime(2025, 3, 4, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
MARCH_4, MARCH_5 = datetime.date(2025, 3, 4), datetime.date(2025, 3, 5)


@pytest.fixture
def west(db):
    return PartnershipFactory(slug="west", timezone="America/Los_Angeles")


@pytest.fixture
def east(db):
    return PartnershipFactory(slug="east", timezone="Europe/Berlin")


@pytest.fixture
def at_the_moment(time_machine):
    time_machine.move_to(LATE_EVENING_IN_LA, tick=False)


def inquiry_in(partnership, **member_fields):
    member = MemberFactory(partnership=partnership, **member_fields)
    return express_interest(
        lead=LeadFactory(partnership=partnership), member=member, message="Hello there"
    )


def acknowledge(inquiry, follow_up_on):
    return respond_to_inquiry(
        inquiry=inquiry,
        member=inquiry.member,
        kind=InquiryResponse.Kind.ACKNOWLEDGEMENT,
        body="Got it, thanks.",
        follow_up_on=follow_up_on,
    )


def test_today_is_the_partnerships_date_whoever_answers(west, east, at_the_moment):
    # A member who lives in Berlin answers in the Los Angeles partnership: March 4 is still today.
    assert acknowledge(inquiry_in(west, timezone="Europe/Berlin"), MARCH_4).follow_up_on == MARCH_4
    # In the Berlin partnership March 4 is yesterday, for a member in Los Angeles too.
    with pytest.raises(LeadRefused, match="today or later"):
        acknowledge(inquiry_in(east, timezone="America/Los_Angeles"), MARCH_4)


def test_the_answer_does_not_depend_on_the_active_time_zone(west, east, at_the_moment):
    for active in ("Pacific/Auckland", "America/Los_Angeles", "UTC"):
        with timezone.override(ZoneInfo(active)):
            assert west.today() == MARCH_4 and east.today() == MARCH_5


def test_the_acknowledge_form_offers_the_partnerships_today(west, at_the_moment):
    inquiry = inquiry_in(west, timezone="Europe/Berlin")
    page = client_for(west, inquiry.member).get(inquiry.get_absolute_url()).text
    assert 'min="2025-03-04"' in page


def test_compliance_periods_are_the_partnerships_days(west, east, at_the_moment):
    for partnership in (west, east):
        InquiryFactory(lead=LeadFactory(partnership=partnership))  # created now, March 5 05:30 UTC

    def received(partnership, day):
        rows = response_compliance(partnership=partnership, start=day, end=day)
        return sum(row.received for row in rows)

    for active in ("UTC", "Asia/Tokyo"):
        with timezone.override(ZoneInfo(active)):
            assert (received(west, MARCH_4), received(west, MARCH_5)) == (1, 0)
            assert (received(east, MARCH_4), received(east, MARCH_5)) == (0, 1)


def test_the_leads_list_filters_by_the_partnerships_days(west, at_the_moment):
    LeadFactory(partnership=west, name="Late Evening Lead")
    client = client_for(west, MemberFactory(partnership=west))
    assert (
        "Late Evening Lead"
        in client.get("/leads/?created_from=2025-03-04&created_to=2025-03-04").text
    )
    assert "Late Evening Lead" not in client.get("/leads/?created_from=2025-03-05").text


def test_csv_timestamps_are_in_the_partnerships_zone(west, at_the_moment):
    LeadFactory(partnership=west, name="Late Evening Lead")
    response = client_for(west, LeadershipFactory(partnership=west)).get("/leads/export.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["created"] == "2025-03-04 23:30"
    assert response["Content-Disposition"].endswith('leads-west-2025-03-04.csv"')


def test_pages_show_the_partnerships_time_to_visitors(west, east, at_the_moment):
    for partnership, day in ((west, "March 4"), (east, "March 5")):
        member = MemberFactory(partnership=partnership)
        inquiry = InquiryFactory(lead=LeadFactory(partnership=partnership), member=member)
        leader = LeadershipFactory(partnership=partnership)
        page = client_for(partnership, leader).get(f"/leads/{inquiry.lead.pk}/").text
        assert f"{day[:3]}. {day.split()[1]}, 2025" in page or f"{day}, 2025" in page


def test_a_partnership_time_zone_must_be_a_real_one(west):
    west.timezone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError, match="not a time zone name"):
        west.full_clean()


def test_leadership_sets_the_time_zone_in_admin(west):
    leader = LeadershipFactory(partnership=west)
    page = client_for(west, leader).get(f"/admin/pinnacle/partnership/{west.pk}/change/")
    assert page.status_code == 200 and 'name="timezone"' in page.text
