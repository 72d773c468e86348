"""Subjects and plain-text parts read as written: no HTML entities; the HTML part stays escaped."""

import pytest

from members import services
from members.models import Member
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NAME = "Barton & Vale's <Realty>"


@pytest.fixture
def partnership(partnership):
    partnership.name = NAME
    partnership.save()
    return partnership


def assert_reads_as_written(message: OutboxMessage):
    for text in (message.subject, message.body_text):
        assert "&amp;" not in text and "&#x27;" not in text and "&lt;" not in text
    assert "Barton &amp; Vale&#x27;s &lt;Realty&gt;" in message.body_html


def test_password_reset_email_reads_as_written(member):
    client_for(member.partnership).post("/accounts/password/reset/", {"email": member.user.email})
    message = OutboxMessage.objects.get()
    assert message.subject == f"Reset your {NAME} password"
    assert f"Hello from {NAME}!" in message.body_text
    assert_reads_as_written(message)


def test_invitation_email_reads_as_written(leader):
    leader.display_name = "Se\u00e1n O'Brien"
    leader.save()
    services.invite_member(
        partnership=leader.partnership,
        invited_by=leader.user,
        email="new.agent@example.com",
        display_name="Ana & Co",
        kind=Member.Kind.AGENT,
        service_category=Member.ServiceCategory.REAL_ESTATE,
        role=Member.Role.MEMBER,
        company=None,
    )
    message = OutboxMessage.objects.get()
    assert message.subject == f"Se\u00e1n O'Brien invited you to join {NAME}"
    assert "Hello Ana & Co," in message.body_text
    assert_reads_as_written(message)
