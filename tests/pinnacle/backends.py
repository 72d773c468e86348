"""Email backends that misbehave on purpose, to test the pipeline's retries."""

from anymail.exceptions import AnymailRecipientsRefused
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakyBackend(LocmemBackend):
    """Fails with a network error `failures_left` times, then delivers to mail.outbox."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise ConnectionError("ESP unreachable")
        return super().send_messages(messages)


class RefusingBackend(LocmemBackend):
    """The ESP refuses the recipient: a permanent error, never retried."""

    calls = 0

    def send_messages(self, messages):
        RefusingBackend.calls += 1
        raise AnymailRecipientsRefused("All recipients refused: bad@example.com")


class RaisingBackend(LocmemBackend):
    """Every send raises `error`: the ESP's or SMTP server's answer under test."""

    error: Exception = ConnectionError("ESP unreachable")

    def send_messages(self, messages):
        raise RaisingBackend.error


class LongIdBackend(LocmemBackend):
    """An ESP whose message ids run past the outbox's 200-character column."""

    def send_messages(self, messages):
        for message in messages:
            message.anymail_status.message_id = "m" * 300
        return super().send_messages(messages)
