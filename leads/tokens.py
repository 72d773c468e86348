"""Signed links for people without a password, each with its own salt so one kind of token is
useless as another:

- the prospect access link in the welcome email (one lead, 30 days);
- the customer's link to the read-only page of their transaction (one transaction, the
  `CUSTOMER_LINK_DAYS` setting; bumping `Transaction.customer_link_version` ends every link
  sent so far).
"""

from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.urls import reverse

ACCESS_SALT = "leads.prospect-access"
ACCESS_MAX_AGE = 60 * 60 * 24 * 30  # 30 days

CUSTOMER_SALT = "leads.customer-transaction-page"


def make_access_token(lead) -> str:
    return signing.dumps({"l": lead.pk, "p": lead.partnership_id}, salt=ACCESS_SALT, compress=True)


def read_access_token(token: str) -> tuple[int, int]:
    """Return (partnership_id, lead_id); raises signing.BadSignature (SignatureExpired too)."""
    data = signing.loads(token, salt=ACCESS_SALT, max_age=ACCESS_MAX_AGE)
    return int(data["p"]), int(data["l"])


def access_url(lead) -> str:
    return lead.partnership.absolute_url(reverse("prospect_access", args=[make_access_token(lead)]))


class CustomerToken(NamedTuple):
    partnership_id: int
    transaction_id: int
    version: int


def customer_link_days() -> int:
    return settings.CUSTOMER_LINK_DAYS


def make_customer_token(transaction) -> str:
    return signing.dumps(
        {
            "p": transaction.partnership_id,
            "t": transaction.pk,
            "v": transaction.customer_link_version,
        },
        salt=CUSTOMER_SALT,
        compress=True,
    )


def read_customer_token(token: str) -> CustomerToken:
    """Raises signing.BadSignature when forged, malformed or expired (SignatureExpired)."""
    data = signing.loads(token, salt=CUSTOMER_SALT, max_age=customer_link_days() * 24 * 60 * 60)
    try:
        return CustomerToken(int(data["p"]), int(data["t"]), int(data["v"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadSignature("Not a customer link.") from exc


def customer_url(transaction) -> str:
    path = reverse("customer_transaction", args=[make_customer_token(transaction)])
    return transaction.partnership.absolute_url(path)
