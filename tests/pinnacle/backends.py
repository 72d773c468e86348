"""Email backends that misbehave on purpose, to test the pipeline's retries."""

import os
import time

from anymail.exceptions import AnymailRecipientsRefused
from django.core.mail.backends.filebased import EmailBackend as FileBackend
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


class RecoveringBackend(LocmemBackend):
    """The ESP answers with each of `errors` in turn (one per send), then accepts every message:
    an outage that ends."""

    errors: list[Exception] = []

    def send_messages(self, messages):
        if RecoveringBackend.errors:
            raise RecoveringBackend.errors.pop(0)
        return super().send_messages(messages)


class SlowFileBackend(FileBackend):
    """Django's file backend (each message written to EMAIL_FILE_PATH, as an ESP accepting it)
    that then waits SEND_PAUSE_SECONDS before returning: the moment between the ESP's acceptance
    and the outbox recording it, held open for a test to kill the worker in."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        time.sleep(float(os.environ.get("SEND_PAUSE_SECONDS", "0")))
        return sent


class LongIdBackend(LocmemBackend):
    """An ESP whose message ids run past the outbox's 200-character column."""

    def send_messages(self, messages):
        for message in messages:
            message.anymail_status.message_id = "m" * 300
        return super().send_messages(messages)
