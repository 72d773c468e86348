"""The keyed hash of an email address: what an erased person's opt-out and suppression keep.

HMAC-SHA256 of the normalised address (trimmed, lower case) under PRIVACY_HASH_KEY (else a key
derived from SECRET_KEY): equal addresses give equal hashes, so sending to the address is still
refused, while the hash alone gives the address back to no one without the key (a plain SHA-256 of
an address is reversed by hashing a list of addresses)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def normalise(email: str) -> str:
    return email.strip().lower()


def _key() -> bytes:
    configured = settings.PRIVACY_HASH_KEY
    if configured:
        return configured.encode()
    return hashlib.sha256(b"pinnacle.privacy:" + settings.SECRET_KEY.encode()).digest()


def address_hash(email: str) -> str:
    return hmac.new(_key(), normalise(email).encode(), hashlib.sha256).hexdigest()
