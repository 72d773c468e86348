"""Helpers shared by the mail pipeline tests (test_mail_pipeline_*.py): the outbox statuses and
queueing a notice."""

from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import queue_email

Status = OutboxMessage.Status


def notice(partnership, key="notice:1", to="lead@example.com", **kwargs):
    return queue_email(
        partnership=partnership,
        key=key,
        template="mail/notice",
        to=to,
        context={"subject": "Hello there", "body": "First line.\nSecond line."},
        **kwargs,
    )
