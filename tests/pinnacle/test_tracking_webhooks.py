"""Postmark's documented webhook payloads, posted to anymail's tracking URL with basic auth."""

import base64
import itertools
import json

import pytest
from django.core import mail

from pinnacle.mail import delivery
from pinnacle.mail.models import DeliveryEvent, OutboxMessage, Suppression
from pinnacle.mail.services import queue_email
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status
URL = "/anymail/postmark/tracking/"


@pytest.fixture(autouse=True)
def _esp(settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret-value"}


@pytest.fixture
def sent(partnership):
    message = queue_email(
        partnership=partnership,
        key="notice:1",
        template="mail/notice",
        to="lead@example.com",
        context={"subject": "Hi", "body": "Body"},
    )
    delivery.deliver(message.pk)
    message.refresh_from_db()
    return message


def metadata(message):
    return {"outbox_id": str(message.pk), "partnership": message.partnership.slug}


def delivered(message, at="2026-11-29T16:33:54.9070259Z"):
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": message.esp_message_id,
        "Recipient": message.to_email,
        "Tag": "notice",
        "DeliveredAt": at,
        "Details": "Test delivery webhook details",
        "Metadata": metadata(message),
    }


def opened(message, at="2026-11-29T16:40:00Z"):
    return {
        "RecordType": "Open",
        "MessageStream": "outbound",
        "FirstOpen": True,
        "Client": {"Name": "Chrome 35.0.1916.153", "Family": "Chrome"},
        "OS": {"Name": "OS X 10.7 Lion", "Family": "OS X"},
        "Platform": "WebMail",
        "UserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5)",
        "ReadSeconds": 5,
        "Geo": {},
        "MessageID": message.esp_message_id,
        "Metadata": metadata(message),
        "ReceivedAt": at,
        "Tag": "notice",
        "Recipient": message.to_email,
    }


def clicked(message):
    return {
        **opened(message, at="2026-11-29T16:41:00Z"),
        "RecordType": "Click",
        "ClickLocation": "HTML",
        "OriginalLink": "https://example.com/x",
    }


def bounced(message, bounce_id=4323372036854775807):
    return {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": bounce_id,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "notice",
        "MessageID": message.esp_message_id,
        "Metadata": metadata(message),
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": message.to_email,
        "From": "portal@pinnacle.localhost",
        "BouncedAt": "2026-11-29T16:45:00Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": message.subject,
    }


def post(partnership, event, secret="hook:s3cret-value"):
    auth = base64.b64encode(secret.encode()).decode()
    return client_for(partnership).post(
        URL, json.dumps(event), content_type="application/json", HTTP_AUTHORIZATION=f"Basic {auth}"
    )


def status_of(message):
    message.refresh_from_db()
    return message.status


def test_esp_message_id_and_outbox_id_are_recorded(sent):
    assert sent.status == Status.SENT
    assert sent.esp_message_id == "0"  # anymail's test backend numbers its messages
    assert mail.outbox[0].metadata["outbox_id"] == str(sent.pk)


def test_statuses_move_forward_only(partnership, sent):
    assert post(partnership, opened(sent)).status_code == 200
    assert status_of(sent) == Status.OPENED
    # The delivery webhook arrives late, out of order: recorded, but the status does not regress.
    assert post(partnership, delivered(sent)).status_code == 200
    assert status_of(sent) == Status.OPENED
    assert sorted(sent.events.values_list("event_type", flat=True)) == ["delivered", "opened"]


def test_delivered_then_opened(partnership, sent):
    post(partnership, delivered(sent))
    assert status_of(sent) == Status.DELIVERED
    post(partnership, opened(sent))
    assert status_of(sent) == Status.OPENED


def test_esp_click_is_not_taken_as_a_person_clicking(partnership, sent):
    post(partnership, clicked(sent))
    assert status_of(sent) == Status.OPENED
    assert sent.link_confirmed_at is None


def test_a_retried_webhook_is_stored_once(partnership, sent):
    post(partnership, delivered(sent))
    post(partnership, delivered(sent))
    post(partnership, bounced(sent))
    post(partnership, bounced(sent))
    assert DeliveryEvent.objects.filter(message=sent).count() == 2


@pytest.mark.parametrize(
    "order", list(itertools.permutations(["delivered", "opened", "bounced"])), ids="-".join
)
def test_in_any_order_and_replayed_the_events_end_in_the_furthest_status(partnership, sent, order):
    """The ESP delivers its webhooks out of order and replays them (its retries, an operator's
    "resend"): whatever the order, the row ends at the furthest status, each event is stored
    once and the address is suppressed once."""
    events = {"delivered": delivered, "opened": opened, "bounced": bounced}
    for name in [*order, *order]:  # then each replayed, in the same order
        assert post(partnership, events[name](sent)).status_code == 200
    assert status_of(sent) == Status.BOUNCED
    assert sorted(sent.events.values_list("event_type", flat=True)) == sorted(order)
    assert Suppression.objects.filter(email="lead@example.com").count() == 1


def test_bounce_records_reason_and_suppresses(partnership, sent):
    post(partnership, bounced(sent))
    assert status_of(sent) == Status.BOUNCED
    # The receiving server's reply, not anymail's fixed code "bounced".
    assert sent.status_reason == (
        "550 5.1.1 The email account that you tried to reach does not exist."
    )
    event = sent.events.get()
    assert "does not exist" in event.mta_response
    assert Suppression.objects.for_partnership(partnership).filter(email="lead@example.com")
    # A later delivery webhook for the same message cannot undo the bounce.
    post(partnership, delivered(sent, at="2026-11-29T17:00:00Z"))
    assert status_of(sent) == Status.BOUNCED


def soft_bounced(message):
    return {
        **bounced(message, bounce_id=77),
        "Type": "SoftBounce",
        "TypeCode": 4096,
        "Name": "Soft bounce",
        "Description": "The server could not temporarily deliver your message.",
        "Details": "smtp;452 4.2.2 Mailbox full",
    }


def complained(message, recipient=None):
    return {
        "RecordType": "SpamComplaint",
        "MessageStream": "outbound",
        "ID": 42,
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "Tag": "notice",
        "MessageID": message.esp_message_id,
        "Metadata": metadata(message),
        "ServerID": 23,
        "Description": "The subscriber explicitly marked this message as spam.",
        "Details": "Test spam complaint details",
        "Email": recipient or message.to_email,
        "From": "portal@pinnacle.localhost",
        "BouncedAt": "2026-11-29T16:50:00Z",
        "Subject": message.subject,
    }


def test_an_event_needs_the_message_id_recorded_for_the_row(partnership, other_partnership, sent):
    """Naming a row's outbox id is not enough: the ESP's message id must match the row's."""
    forged = complained(sent, recipient="victim@example.com")
    forged["MessageID"] = "some-other-message"
    assert post(partnership, forged).status_code == 200
    assert status_of(sent) == Status.SENT
    assert not DeliveryEvent.objects.exists() and not Suppression.objects.exists()


def test_a_complaint_suppresses_the_rows_own_recipient(partnership, sent):
    post(partnership, complained(sent, recipient="someone-else@example.com"))
    assert status_of(sent) == Status.COMPLAINED
    assert list(Suppression.objects.values_list("email", "reason", "source")) == [
        ("lead@example.com", Suppression.Reason.COMPLAINED, Suppression.Source.ESP)
    ]
    assert Suppression.objects.get().source_message == sent  # the message they complained of


def test_a_soft_bounce_is_transient_not_a_suppression(partnership, sent):
    assert post(partnership, soft_bounced(sent)).status_code == 200
    assert status_of(sent) == Status.SENT
    assert sent.events.get().event_type == "bounced"  # kept for the record
    assert not Suppression.objects.exists()


def test_event_and_status_change_are_one_transaction(partnership, sent, monkeypatch):
    """If the status update fails, the event is not kept either, so the ESP's retry counts."""
    from pinnacle.mail import receivers

    def broken(*args, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(receivers, "advance_status", broken)
    client = client_for(partnership)
    client.raise_request_exception = False
    auth = base64.b64encode(b"hook:s3cret-value").decode()
    response = client.post(
        URL,
        json.dumps(delivered(sent)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )
    assert response.status_code == 500  # the ESP retries
    assert not DeliveryEvent.objects.exists()

    monkeypatch.undo()
    post(partnership, delivered(sent))  # the retry
    assert status_of(sent) == Status.DELIVERED


def test_an_event_before_the_sender_recorded_the_id_is_retried_later(partnership, monkeypatch):
    message = queue_email(
        partnership=partnership,
        key="early:1",
        template="mail/notice",
        to="lead@example.com",
        context={"subject": "Hi", "body": "Body"},
    )
    early = []
    original = delivery.build_email

    def webhook_mid_send(msg):
        email = original(msg)
        msg.esp_message_id = "0"  # what the ESP is about to answer
        early.append(post(partnership, delivered(msg)))
        return email

    monkeypatch.setattr(delivery, "build_email", webhook_mid_send)
    delivery.deliver(message.pk)
    assert early[0].status_code == 503 and early[0]["Retry-After"]
    message.refresh_from_db()
    assert post(partnership, delivered(message)).status_code == 200  # the ESP's retry
    assert status_of(message) == Status.DELIVERED


def test_webhooks_are_refused_without_a_secret(partnership, sent, settings):
    settings.ANYMAIL = {}
    event = complained(sent)
    response = client_for(partnership).post(URL, json.dumps(event), content_type="application/json")
    assert response.status_code == 403
    assert status_of(sent) == Status.SENT and not Suppression.objects.exists()


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param("Basic " + base64.b64encode(b"hook:wrong").decode(), id="wrong-password"),
        pytest.param(
            "Basic " + base64.b64encode(b"someone:s3cret-value").decode(), id="wrong-user"
        ),
        pytest.param("Basic not-base64", id="garbled"),
        pytest.param("Bearer s3cret-value", id="not-basic"),
        pytest.param(None, id="missing"),
    ],
)
def test_wrong_or_missing_credentials_are_refused_with_403(partnership, sent, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client_for(partnership).post(
        URL, json.dumps(bounced(sent)), content_type="application/json", **headers
    )
    assert response.status_code == 403
    assert status_of(sent) == Status.SENT
    assert not DeliveryEvent.objects.exists() and not Suppression.objects.exists()


def post_body(partnership, body):
    """An authenticated POST of a raw body; a server error is answered, not raised."""
    client = client_for(partnership)
    client.raise_request_exception = False
    auth = base64.b64encode(b"hook:s3cret-value").decode()
    return client.post(
        URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Basic {auth}"
    )


def nulls(message):
    """A Bounce whose fields are all null."""
    return {key: None for key in bounced(message)} | {"RecordType": "Bounce"}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda m: "not json", id="not-json"),
        pytest.param(lambda m: "[]", id="a-list"),
        pytest.param(lambda m: "null", id="null"),
        pytest.param(lambda m: b'{"RecordType": "Bounce\x00"}', id="raw-nul"),
        pytest.param(lambda m: json.dumps({**bounced(m), "Details": "smtp;550\x00"}), id="nul"),
        pytest.param(lambda m: json.dumps({**bounced(m), "Subject": "Hi\x00"}), id="nul-unused"),
        pytest.param(lambda m: json.dumps(nulls(m)), id="bounce-of-nulls"),
        pytest.param(lambda m: '{"RecordType": "Bounce"}', id="bounce-without-fields"),
        pytest.param(lambda m: json.dumps({**bounced(m), "Metadata": None}), id="null-metadata"),
        pytest.param(lambda m: json.dumps({**bounced(m), "Details": 550}), id="number-reply"),
        pytest.param(
            lambda m: json.dumps({**bounced(m), "Email": "x" * 250 + "@example.com"}),
            id="overlong-recipient",
        ),
    ],
)
def test_an_authenticated_malformed_body_is_a_400_and_stores_nothing(partnership, sent, body):
    response = post_body(partnership, body(sent))
    assert response.status_code == 400
    assert status_of(sent) == Status.SENT
    assert not DeliveryEvent.objects.exists() and not Suppression.objects.exists()


def test_metadata_that_is_not_a_mapping_is_a_400(partnership, sent):
    """Brevo carries our metadata as a JSON string of its own, which may hold anything."""
    event = {
        "event": "delivered",
        "email": sent.to_email,
        "id": 1,
        "date": "2026-11-29 17:40:00",
        "message-id": sent.esp_message_id,
        "X-Mailin-custom": json.dumps([str(sent.pk)]),
    }
    auth = base64.b64encode(b"hook:s3cret-value").decode()
    client = client_for(partnership)
    client.raise_request_exception = False
    response = client.post(
        "/anymail/brevo/tracking/",
        json.dumps(event),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )
    assert response.status_code == 400
    assert status_of(sent) == Status.SENT and not DeliveryEvent.objects.exists()


def test_an_outbox_id_that_only_looks_like_a_number_is_not_trusted(partnership, sent):
    """ "²" is a digit to Python's str.isdigit; the event still counts by its ESP message id."""
    event = delivered(sent)
    event["Metadata"] = {"outbox_id": "²"}
    assert post(partnership, event).status_code == 200
    assert status_of(sent) == Status.DELIVERED


def test_unknown_message_is_ignored(partnership, sent):
    event = delivered(sent)
    event["Metadata"] = {"outbox_id": "999999"}
    event["MessageID"] = "no-such-message"
    assert post(partnership, event).status_code == 200
    assert not DeliveryEvent.objects.exists()


def test_a_webhook_faster_than_the_sender_is_not_undone(partnership, monkeypatch):
    """The ESP may report delivery before the worker records "sent"; "sent" must not win."""
    from pinnacle.mail.services import advance_status

    message = queue_email(
        partnership=partnership,
        key="race:1",
        template="mail/notice",
        to="lead@example.com",
        context={"subject": "Hi", "body": "Body"},
    )
    original_send = delivery.build_email

    def build_and_race(msg):
        email = original_send(msg)
        advance_status(msg, Status.DELIVERED)  # the webhook lands mid-send
        return email

    monkeypatch.setattr(delivery, "build_email", build_and_race)
    delivery.deliver(message.pk)
    assert status_of(message) == Status.DELIVERED
    assert message.sent_at is not None and message.esp_message_id != ""
