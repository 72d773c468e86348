"""Input no one should send, refused on the page with a clear message, never a server error."""

import pytest

from leads.models import InquiryResponse, Lead
from tests.leads.factories import InquiryFactory, LeadFactory

pytestmark = pytest.mark.django_db

TOO_LONG = "Enter an email address of at most 254 characters."
OUT_OF_RANGE = "Enter a date from 2000 to 2100."

# Well-formed and 300 characters long: the longest mailbox (64) at a 235-character domain.
LONG_ADDRESS = "d" * 64 + "@" + ".".join(["x" * 55] * 4) + ".example.com"


@pytest.mark.parametrize("path", ["/join/", "/contact/"])
def test_an_address_longer_than_we_store_is_refused_on_the_lead_form(anon_client, path):
    response = anon_client.post(
        path,
        {
            "name": "Dana Prospect",
            "email": LONG_ADDRESS,
            "need": "buy",
            "timeframe": "3m",
            "referrer": "none",
            "message": "Looking for a starter home.",
            "consent": "on",
        },
    )
    assert response.status_code == 400
    assert TOO_LONG in response.text
    assert not Lead.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("field", ["created_from", "created_to"])
def test_the_leads_list_explains_a_date_out_of_range(member_client, field, day):
    response = member_client.get(f"/leads/?{field}={day}")
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.text


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_export_is_refused_with_a_date_out_of_range(leader_client, day):
    response = leader_client.get(f"/leads/export.csv?created_to={day}")
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.text
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    "query",
    ["end=9999-12-31", "start=2025-01-01&end=9999-12-31", "start=0001-01-01&end=2025-01-01"],
)
def test_the_compliance_report_explains_a_date_out_of_range(leader_client, query):
    response = leader_client.get(f"/leads/compliance/?{query}")
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.text


def test_a_follow_up_date_out_of_range_is_refused(member, member_client):
    inquiry = InquiryFactory(lead=LeadFactory(partnership=member.partnership), member=member)
    response = member_client.post(
        inquiry.get_absolute_url(),
        {"kind": "ack", "ack-body": "Thanks Dana.", "ack-follow_up_on": "9999-12-31"},
    )
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.text
    assert not InquiryResponse.objects.exists()
