"""Errors reach Sentry (through the SDK's real Django integration, into a transport that keeps
the envelopes instead of sending them) tagged with the partnership, and with no personal data:
no request body, cookie, query string, address or email."""

import json

import pytest
import sentry_sdk
from django.test import Client
from sentry_sdk.transport import Transport

from leads.views import public
from pinnacle.telemetry import sentry
from tests.leads.test_intake import form_data

pytestmark = pytest.mark.django_db

PROSPECT_EMAIL = "dana.private@example.com"


class KeptEnvelopes(Transport):
    def __init__(self):
        super().__init__()
        self.events: list[dict] = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if (event := item.get_event()) is not None:
                self.events.append(event)


@pytest.fixture
def events():
    transport = KeptEnvelopes()
    sentry.init("https://key@sentry.invalid/1", environment="test", transport=transport)
    yield transport.events
    sentry_sdk.init()  # no DSN: the integrations stay installed, and inert


@pytest.fixture
def failing_submission(monkeypatch):
    def submit_lead(**kwargs):
        raise ValueError(f"Could not store the lead of {kwargs['email']}, {kwargs['name']}")

    monkeypatch.setattr(public, "submit_lead", submit_lead)


def test_an_error_in_a_view_is_reported_with_the_partnership_and_no_personal_data(
    partnership, events, failing_submission
):
    client = Client(HTTP_HOST=partnership.host, raise_request_exception=False)
    client.cookies["prospect_hint"] = PROSPECT_EMAIL
    response = client.post(
        f"/join/?email={PROSPECT_EMAIL}",
        form_data(email=PROSPECT_EMAIL, name="Dana Private"),
        HTTP_X_REQUEST_ID="req-0123456789",
    )
    assert response.status_code == 500
    [event] = [event for event in events if event.get("exception")]
    assert event["tags"]["partnership"] == "pinnacle"
    assert event["tags"]["request_id"] == "req-0123456789"
    [error] = event["exception"]["values"]
    assert error["type"] == "ValueError"
    assert error["value"] == "Could not store the lead of [email], Dana Private"
    request = event["request"]
    assert set(request) <= {"method", "url", "headers"} and "?" not in request.get("url", "")
    assert {name.lower() for name in request.get("headers", {})} <= sentry.KEPT_HEADERS
    assert "user" not in event or set(event["user"]) == {"id"}
    everything = json.dumps(events)
    assert PROSPECT_EMAIL not in everything and "dana.private" not in everything
    assert "555-0199" not in everything  # the form's phone, in the body and a frame's locals


def test_a_logged_in_member_is_named_by_id_only(member, events):
    client = Client(HTTP_HOST=member.partnership.host, raise_request_exception=False)
    client.force_login(member.user, backend="members.auth.PartnershipMemberBackend")
    client.get("/dashboard/")  # loads the user
    sentry_sdk.capture_message(f"a note about {member.user.email}")
    # Outside a request nothing names a user; within one, only the id would.
    [event] = events
    assert member.user.email not in json.dumps(event)
    assert event["message"] == "a note about [email]"
    assert "user" not in event


def test_scrub_walks_nested_values():
    event = {"a": ["x@example.com", ("to y@example.org",)], "b": {"c": "none here"}}
    assert sentry.scrub(event) == {"a": ["[email]", ["to [email]"]], "b": {"c": "none here"}}
