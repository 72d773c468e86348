"""Shared by the test_post_close_*.py modules: a committee that closes on a Monday evening in
Los Angeles (where the modules' clock starts), a booked handoff meeting, and readers of the
post-close page and leadership's board."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.transactions.transaction_builders import Committee
from transactions.models import PostCloseStep, TransactionEvent
from transactions.services.postclose import (
    confirm_meeting,
    propose_meeting_times,
)

LA = ZoneInfo("America/Los_Angeles")
# Monday evening in Los Angeles, already Tuesday in UTC.
CLOSING_EVENING = datetime.datetime(2025, 3, 3, 22, 30, tzinfo=LA)
Kind = PostCloseStep.Kind


@pytest.fixture
def people(partnership, clock):
    partnership.timezone = "America/Los_Angeles"
    partnership.save()
    return Committee(partnership)


@pytest.fixture
def closed(people):
    return people.close()


def at(day, hour, minute=0):
    return datetime.datetime(2025, 3, day, hour, minute, tzinfo=LA)


def step(transaction, kind) -> PostCloseStep:
    return PostCloseStep.objects.get(transaction=transaction, kind=kind)


def events(transaction) -> list[str]:
    return list(
        TransactionEvent.objects.filter(transaction=transaction, kind="post_close")
        .order_by("created_at", "id")
        .values_list("summary", flat=True)
    )


def delivered(template) -> list:
    for message in OutboxMessage.objects.filter(template=template).order_by("to_email"):
        delivery.deliver(message.pk)
    return mail.outbox


@pytest.fixture
def booked(people, closed, clock):
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(5, 15)])
    clock.move_to(at(4, 9))
    confirm_meeting(proposal=proposal, actor=people.lee)
    return proposal


def page(people, who, transaction):
    return client_for(people.partnership, getattr(people, who)).get(
        f"/transactions/{transaction.pk}/post-close/"
    )


def actions(html: str) -> set[str]:
    return set(re.findall(r'action="/transactions/\d+/post-close/([a-z/]+)"', html))


def board(client, **params):
    return client.get("/transactions/post-close/", params)


def board_row(people, name="Dana Customer") -> str:
    html = board(client_for(people.partnership, people.lee)).text
    start = html.index(name)
    return html[start : html.index("</tr>", start)]


def names_in(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/transactions/\d+/post-close/">([^<]+)</a>', html)
