"""Signed, single-purpose tokens for the opt-out link (long-lived: an old email must still work)."""

from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "pinnacle.mail.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 365 * 2


def make_unsubscribe_token(*, partnership, email: str) -> str:
    return signing.dumps(
        {"p": partnership.pk, "e": email.lower()}, salt=UNSUBSCRIBE_SALT, compress=True
    )


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """Return (partnership_id, email); raises signing.BadSignature when forged or expired."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    return int(data["p"]), str(data["e"])


def unsubscribe_url(*, partnership, email: str) -> str:
    token = make_unsubscribe_token(partnership=partnership, email=email)
    return partnership.absolute_url(reverse("unsubscribe", args=[token]))
