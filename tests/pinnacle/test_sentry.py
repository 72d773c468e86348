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
    client.cookies["prospect_hint"] = "cookie-secret-value"
    response = client.post(
        "/join/?ref=query-secret-value",
        form_data(email=PROSPECT_EMAIL, name="Dana Private"),
        HTTP_X_REQUEST_ID="req-0123456789",
        HTTP_AUTHORIZATION="Bearer header-secret-value",
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
    for secret in ("cookie-secret-value", "query-secret-value", "header-secret-value"):
        assert secret not in everything


def test_a_logged_in_member_is_named_by_id_only(member, events, failing_submission):
    client = Client(HTTP_HOST=member.partnership.host, raise_request_exception=False)
    client.force_login(member.user, backend="members.auth.PartnershipMemberBackend")
    client.post("/join/", form_data(email=PROSPECT_EMAIL))
    [event] = [event for event in events if event.get("exception")]
    assert event["user"] == {"id": str(member.user.pk)}
    assert event["tags"]["partnership"] == "pinnacle"
    assert member.user.email not in json.dumps(event)


def test_a_message_outside_any_request_names_nobody_and_no_address(member, events):
    sentry_sdk.capture_message(f"a note about {member.user.email}")
    [event] = events
    assert event["message"] == "a note about [email]" and "user" not in event


def test_whatever_an_integration_collected_of_the_request_is_cut_down():
    event = {
        "request": {
            "method": "POST",
            "url": "https://pinnacle.example.com/join/?email=a@example.com",
            "query_string": "email=a@example.com",
            "data": {"name": "Dana Private"},
            "cookies": {"sessionid": "abc"},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
            "headers": {"Cookie": "sessionid=abc", "User-Agent": "Firefox", "X-Real-Ip": "1.2.3.4"},
        },
        "user": {"email": "a@example.com", "ip_address": "203.0.113.9"},
    }
    assert sentry.before_send(event, {}) == {
        "request": {
            "method": "POST",
            "url": "https://pinnacle.example.com/join/",
            "headers": {"User-Agent": "Firefox"},
        },
        "tags": {},
    }


def test_scrub_walks_nested_values():
    event = {"a": ["x@example.com", ("to y@example.org",)], "b": {"c": "none here"}}
    assert sentry.scrub(event) == {"a": ["[email]", ["to [email]"]], "b": {"c": "none here"}}


def test_the_sdk_itself_collects_no_identity_cookies_bodies_queries_or_variables(events):
    """What `before_send` then cuts is only what an integration took despite this."""
    collection = sentry_sdk.get_client().options["data_collection"]
    assert collection["user_info"] is False
    assert collection["cookies"]["mode"] == collection["url_query_params"]["mode"] == "off"
    assert collection["http_bodies"] == [] and collection["stack_frame_variables"] is False
    assert collection["database_query_data"] is False
    headers = collection["http_headers"]["request"]
    assert headers["mode"] == "allowlist" and set(headers["terms"]) == sentry.KEPT_HEADERS
