"""Names and subjects with CR/LF never add a header to an email, and never stop its delivery.

A prospect's name comes from the public form, a member's display name from their profile; both
reach From display names and subjects. Django refuses a header with a newline (BadHeaderError),
which left such a message retried and failed for good: the outbox folds the newlines first.
"""

import pytest
from django.core import mail

from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import queue_email
from tests.leads.test_intake import form_data
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

INJECTED = "\r\nBcc: evil@example.com"


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def deliver_all():
    for message in OutboxMessage.objects.order_by("pk"):
        delivery.deliver(message.pk)


def assert_clean(email):
    raw = email.message().as_bytes()
    head = raw.split(b"\n\n", 1)[0].decode()
    assert "evil@example.com" not in head.replace("Bcc: evil@example.com", "")
    lines = [line for line in head.splitlines() if not line.startswith((" ", "\t"))]
    assert not [line for line in lines if line.lower().startswith("bcc")], head
    assert email.recipients() == email.to and "evil@example.com" not in email.recipients()


def test_a_member_name_with_a_newline_is_folded_in_the_from_header(partnership):
    message = queue_email(
        partnership=partnership,
        key="notice:injection",
        template="mail/notice",
        to="lead@example.com",
        context={"subject": "Hello" + INJECTED, "body": "Body"},
        sender_name="Alice Agent" + INJECTED,
    )
    assert delivery.deliver(message.pk) == OutboxMessage.Status.SENT
    (email,) = mail.outbox
    assert_clean(email)
    assert email.from_email.startswith('"Alice Agent Bcc: evil@example.com" <')
    assert email.subject == "Hello Bcc: evil@example.com"


def test_a_prospect_and_referrer_named_with_newlines_get_every_email(anon_client, partnership):
    MemberFactory(partnership=partnership, display_name="Rita" + INJECTED, slug="rita-referrer")
    response = anon_client.post(
        "/join/", form_data(referrer="rita-referrer", name="Dana" + INJECTED)
    )
    assert response.status_code == 302
    deliver_all()
    statuses = set(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses == {OutboxMessage.Status.SENT}
    assert len(mail.outbox) == OutboxMessage.objects.count() >= 3
    for email in mail.outbox:
        assert_clean(email)
