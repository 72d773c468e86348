"""Shared by the test_inquiries_*.py modules: the Tuesday morning in New York their clock starts
at, a lead with its access link, an open inquiry, and posting a reply or an acknowledgement."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from leads.services.inquiries import express_interest
from leads.tokens import make_access_token
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.leads.factories import LeadFactory

NEW_YORK = ZoneInfo("America/New_York")
# A Tuesday morning in New York; every timed test starts here.
START = datetime.datetime(2025, 3, 4, 9, 0, tzinfo=NEW_YORK)


@pytest.fixture
def lead(partnership):
    return LeadFactory(partnership=partnership, name="Dana Prospect", email="dana@example.com")


@pytest.fixture
def prospect_client(lead):
    """A browser that followed the lead's access link from the welcome email."""
    client = client_for(lead.partnership)
    assert client.get(reverse("prospect_access", args=[make_access_token(lead)])).status_code == 200
    return client


@pytest.fixture
def inquiry(clock, lead, member):
    return express_interest(
        lead=lead, member=member, message="We are moving in June and need a 3-bedroom home."
    )


def deliver(message: OutboxMessage):
    delivery.deliver(message.pk)
    (sent,) = [m for m in mail.outbox if m.to == [message.to_email]][-1:]
    return sent


def reply(client, inquiry, body="Happy to help, Dana. Are you free for a call on Thursday?"):
    return client.post(inquiry.get_absolute_url(), {"kind": "reply", "reply-body": body})


def acknowledge(client, inquiry, follow_up_on, body="Thanks Dana, I got your message."):
    return client.post(
        inquiry.get_absolute_url(),
        {"kind": "ack", "ack-body": body, "ack-follow_up_on": str(follow_up_on or "")},
    )
