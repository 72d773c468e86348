"""The signed link for people without a password on the leads side: the prospect access link in
the welcome email (one lead, 30 days). Its salt is its own, so no other kind of token (the
customer's link, `transactions.tokens`) works as one."""

from django.core import signing
from django.urls import reverse

ACCESS_SALT = "leads.prospect-access"
ACCESS_MAX_AGE = 60 * 60 * 24 * 30  # 30 days


def make_access_token(lead) -> str:
    return signing.dumps({"l": lead.pk, "p": lead.partnership_id}, salt=ACCESS_SALT, compress=True)


def read_access_token(token: str) -> tuple[int, int]:
    """Return (partnership_id, lead_id); raises signing.BadSignature (SignatureExpired too)."""
    data = signing.loads(token, salt=ACCESS_SALT, max_age=ACCESS_MAX_AGE)
    return int(data["p"]), int(data["l"])


def access_url(lead) -> str:
    return lead.partnership.absolute_url(reverse("prospect_access", args=[make_access_token(lead)]))
