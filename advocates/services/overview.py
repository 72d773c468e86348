"""The partnership's circles overview is out of date (`advocates.selectors.overview`): every
service that adds, moves, rescores or removes a contact, plans or does a touch, or records a
referral or its stage calls `circles_changed`."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import transaction

from advocates.selectors.overview import version_key

log = logging.getLogger(__name__)


def circles_changed(partnership_id: int) -> None:
    """Once the current transaction commits, the overview's cached counts of the partnership are
    no longer served (a new version: a request counting meanwhile stores under the old one)."""

    def bump() -> None:
        try:
            cache.set(version_key(partnership_id), uuid.uuid4().hex, None)
        except Exception:
            log.warning("Overview cache unavailable; its counts expire on their own", exc_info=True)

    transaction.on_commit(bump)
