"""Leadership's page for a person's data in the admin: export downloads the JSON; erasing asks
for the address again and erases only when it matches; all within the host's partnership."""

import json

import pytest

from leads.models import Lead
from leads.services.intake import submit_lead
from pinnacle.mail.services import opt_out
from pinnacle.models import AuditEvent
from tests.conftest import client_for
from tests.members.factories import LeadershipFactory

URL = "/admin/personal-data/"
EMAIL = "Quincy.Vale@example.org"


@pytest.fixture
def person(partnership, other_partnership, member):
    for where in (partnership, other_partnership):
        submit_lead(
            partnership=where, form="join", name="Quincy Vale", email=EMAIL, need="buy",
            timeframe="3m", referrer=member if where == partnership else None,
        )  # fmt: skip
    opt_out(partnership=partnership, email=EMAIL, source="link", message_id=None)


def test_leadership_downloads_everything_the_partnership_holds_about_an_address(
    leader_client, person, partnership
):
    assert 'href="/admin/personal-data/"' in leader_client.get("/admin/").text
    response = leader_client.post(URL, {"email": EMAIL, "action": "export"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["partnership"] == partnership.slug
    (lead,) = next(r for r in data["records"] if r["model"] == "leads.Lead")["rows"]
    assert lead["name"] == "Quincy Vale"
    assert AuditEvent.objects.filter(action="privacy.exported", partnership=partnership).exists()


def test_erasing_needs_the_address_typed_again(leader_client, person, partnership):
    review = leader_client.post(URL, {"email": EMAIL, "action": "review"})
    assert review.status_code == 200
    assert "The person as a lead" in review.text and "Type the address again" in review.text

    mistyped = leader_client.post(
        URL, {"email": EMAIL, "confirm": "quincy@example.org", "action": "erase"}
    )
    assert mistyped.status_code == 400 and "does not match" in mistyped.text
    assert Lead.objects.for_partnership(partnership).get().name == "Quincy Vale"

    erased = leader_client.post(URL, {"email": EMAIL, "confirm": EMAIL.upper(), "action": "erase"})
    assert erased.status_code == 302
    assert Lead.objects.for_partnership(partnership).get().name == "Erased"


def test_another_partnerships_leadership_erases_only_their_own(
    person, partnership, other_partnership
):
    harbor = client_for(other_partnership, LeadershipFactory(partnership=other_partnership))
    harbor.post(URL, {"email": EMAIL, "confirm": EMAIL, "action": "erase"})
    assert Lead.objects.for_partnership(partnership).get().name == "Quincy Vale"
    assert Lead.objects.for_partnership(other_partnership).get().name == "Erased"


def test_a_bad_address_is_a_clear_error(leader_client, person):
    response = leader_client.post(URL, {"email": "not an address", "action": "export"})
    assert response.status_code == 400 and "Enter a valid email address" in response.text


def test_an_erasure_of_a_bad_address_is_a_clear_error(leader_client, person, partnership):
    response = leader_client.post(URL, {"email": "nope", "confirm": "nope", "action": "erase"})
    assert response.status_code == 400 and "Enter a valid email address" in response.text
    assert Lead.objects.for_partnership(partnership).get().name == "Quincy Vale"
