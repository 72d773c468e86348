"""Every anymail webhook URL, fuzzed: random and malformed bodies and headers, with and without
the webhook secret, never answer a 5xx (the one deliberate exception: 503 with Retry-After for
an event that came before its message's id was recorded, which ESPs retry), and a refused body
stores nothing.

The URLs are walked from the URL conf (everything under /anymail/), so an ESP added later is
fuzzed too.
"""

from __future__ import annotations

import base64
import json

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import client_for
from tests.fuzzing import FUZZ, HOSTILE_TEXT, hostile_text, table_counts

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    # anymail warns on each request to an ESP it no longer supports (SendGrid) or renamed.
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailDeprecationWarning"),
]

SECRET = "hook:s3cret-value"
GOOD_AUTH = "Basic " + base64.b64encode(SECRET.encode()).decode()


def webhook_paths(patterns=None, prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from webhook_paths(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and route.startswith("anymail/"):
            # mailgun's "inbound(_mime)?" regex: its plain form.
            yield "/" + route.replace("^", "").replace("(_mime)?", "").replace("$", "")


# Keys the ESPs' parsers read (Postmark, SendGrid, Mailgun, Mailjet, SparkPost, ...).
KEYS = (
    "RecordType", "MessageID", "Recipient", "Email", "Metadata", "Type", "Description",
    "Details", "DeliveredAt", "BouncedAt", "ReceivedAt", "Tag", "ID", "event", "email",
    "sg_message_id", "timestamp", "event-data", "signature", "msys", "message_id", "Message",
    "mandrill_events", "payload", "data", "type", "id", "created_at",
)  # fmt: skip
JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text()
)
JSON = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), hostile_text()), inner, max_size=6),
    ),
    max_leaves=20,
)
BODY = st.one_of(
    JSON.map(json.dumps),
    st.lists(JSON, max_size=3).map(json.dumps),
    st.binary(max_size=500),
    st.sampled_from(("", "{", "[", "null", '{"RecordType": "Delivery"', "\x00", *HOSTILE_TEXT)),
)
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_AUTHORIZATION": st.one_of(
            st.just(GOOD_AUTH),
            st.just(""),  # no credentials at all
            st.just("Basic " + base64.b64encode(b"hook:wrong").decode()),
            st.sampled_from(("Basic", "Basic !!!", "Bearer x", "Basic " + "A" * 5000)),
            hostile_text().filter(lambda text: "\n" not in text and "\r" not in text),
        ),
        "content_type": st.sampled_from(
            ("application/json", "text/plain", "application/x-www-form-urlencoded", "")
        ),
        "HTTP_X_MAILGUN_SIGNATURE": hostile_text(),
        "HTTP_X_MANDRILL_SIGNATURE": hostile_text(),
    },
)


@pytest.fixture(autouse=True)
def _esp(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def test_webhooks_are_walked_from_the_url_conf():
    paths = set(webhook_paths())
    assert "/anymail/postmark/tracking/" in paths
    assert len(paths) > 20


@pytest.mark.parametrize("path", sorted(set(webhook_paths())))
def test_a_webhook_survives_any_body(path, partnership):
    client = client_for(partnership)

    @FUZZ
    @given(body=BODY, headers=HEADERS)
    def post(body, headers):
        headers = dict(headers)
        content_type = headers.pop("content_type", "application/json")
        # Mostly past the door, to reach the parsers; "" sends no credentials.
        headers.setdefault("HTTP_AUTHORIZATION", GOOD_AUTH)
        if not headers["HTTP_AUTHORIZATION"]:
            del headers["HTTP_AUTHORIZATION"]
        with transaction.atomic():
            before = table_counts()
            response = client.post(path, body, content_type=content_type, **headers)
            status = response.status_code
            assert status < 500 or (status == 503 and response.has_header("Retry-After")), (
                path,
                body,
                headers,
            )
            if 400 <= status < 500:
                assert response.content.strip(), (path, body)
                assert table_counts() == before, (path, body)
            transaction.set_rollback(True)

    post()


@pytest.mark.parametrize(
    "path",
    [
        "/anymail/amazon_ses/tracking/",  # needs boto3, not installed: was a 500 on any POST
        "/anymail/brevo/inbound/",  # needs BREVO_API_KEY, not set: was a 500 on any POST
        "/anymail/mandrill/tracking/",  # needs MANDRILL_WEBHOOK_KEY, read when checking: a 500
    ],
)
def test_an_esp_this_site_is_not_set_up_for_is_a_404_with_a_reason(path, partnership):
    response = client_for(partnership).post(
        path, "[]", content_type="application/json", HTTP_AUTHORIZATION=GOOD_AUTH
    )
    assert response.status_code == 404
    assert b"webhooks are not set up here" in response.content
