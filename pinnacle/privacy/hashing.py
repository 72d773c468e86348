"""The keyed hash of an email address: what an erased person's opt-out and suppression keep.

HMAC-SHA256 of the normalised address (trimmed, lower case) under PRIVACY_HASH_KEY (else a key
derived from SECRET_KEY): equal addresses give equal hashes, so sending to the address is still
refused, while the hash alone gives the address back to no one without the key (a plain SHA-256 of
an address is reversed by hashing a list of addresses)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core import checks


def normalise(email: str) -> str:
    return email.strip().lower()


def _key() -> bytes:
    configured = settings.PRIVACY_HASH_KEY
    if configured:
        return configured.encode()
    return hashlib.sha256(b"pinnacle.privacy:" + settings.SECRET_KEY.encode()).digest()


def address_hash(email: str) -> str:
    return hmac.new(_key(), normalise(email).encode(), hashlib.sha256).hexdigest()


@checks.register(checks.Tags.security, deploy=True)
def check_hash_key(app_configs, **kwargs):
    """The fallback key follows SECRET_KEY: rotating the secret would let every erased person's
    opt-out go unmatched. Production names a key of its own."""
    if settings.PRIVACY_HASH_KEY:
        return []
    return [
        checks.Warning(
            "PRIVACY_HASH_KEY is not set: the hashes erased opt-outs keep are keyed by "
            "SECRET_KEY, and would stop matching if it were rotated.",
            hint="Set PRIVACY_HASH_KEY to a long random value and never change it "
            "(docs/privacy.md, The hash key).",
            id="pinnacle.W002",
        )
    ]
