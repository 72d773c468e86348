"""The customer's signed link to the read-only page of their transaction (one transaction, the
`CUSTOMER_LINK_DAYS` setting; bumping `Transaction.customer_link_version` ends every link sent so
far). Its salt is its own, so a prospect's access link is useless as one; the salt keeps the
name it had when the page was the leads app's, because customers hold live links signed with it.
"""

from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.urls import reverse

CUSTOMER_SALT = "leads.customer-transaction-page"


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
