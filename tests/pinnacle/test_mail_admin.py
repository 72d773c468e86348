import pytest
from django.utils import timezone

from pinnacle.mail.models import DeliveryEvent
from pinnacle.mail.services import queue_email

pytestmark = pytest.mark.django_db


def notice(partnership, key="n:1"):
    return queue_email(
        partnership=partnership,
        key=key,
        template="mail/notice",
        to="lead@example.com",
        context={"subject": "Hello there", "body": "Body"},
    )


def test_leadership_sees_each_message_and_its_events(leader, leader_client, other_partnership):
    message = notice(leader.partnership)
    DeliveryEvent.objects.create(
        partnership=leader.partnership,
        message=message,
        event_type="bounced",
        occurred_at=timezone.now(),
        mta_response="550 5.1.1 mailbox unavailable",
    )
    foreign = notice(other_partnership, key="n:2")
    listing = leader_client.get("/admin/mail/outboxmessage/")
    assert listing.status_code == 200 and "Hello there" in listing.text
    assert listing.context["cl"].result_count == 1
    page = leader_client.get(f"/admin/mail/outboxmessage/{message.pk}/change/")
    assert "550 5.1.1 mailbox unavailable" in page.text
    assert leader_client.get(f"/admin/mail/outboxmessage/{foreign.pk}/change/").status_code == 302


def test_plain_members_have_no_admin(member_client):
    response = member_client.get("/admin/mail/outboxmessage/")
    assert response.status_code == 302 and "/admin/login/" in response.url
