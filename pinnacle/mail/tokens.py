"""Signed, single-purpose tokens for the opt-out link (long-lived: an old email must still work).

A token names the partnership, the address and the message it was sent in, so an opt-out
records which message caused it. Tokens made before messages were named still work.
"""

from typing import NamedTuple

from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "pinnacle.mail.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 365 * 2


class UnsubscribeToken(NamedTuple):
    partnership_id: int
    email: str
    message_id: int | None


def make_unsubscribe_token(*, partnership, email: str, message_id: int) -> str:
    return signing.dumps(
        {"p": partnership.pk, "e": email.lower(), "m": message_id},
        salt=UNSUBSCRIBE_SALT,
        compress=True,
    )


def read_unsubscribe_token(token: str) -> UnsubscribeToken:
    """Raises signing.BadSignature when forged or expired."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    message_id = data.get("m")
    return UnsubscribeToken(
        int(data["p"]), str(data["e"]), int(message_id) if message_id is not None else None
    )


def unsubscribe_url(*, partnership, email: str, message_id: int) -> str:
    token = make_unsubscribe_token(partnership=partnership, email=email, message_id=message_id)
    return partnership.absolute_url(reverse("unsubscribe", args=[token]))
