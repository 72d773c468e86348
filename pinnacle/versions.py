"""Answers kept per partnership that one write makes stale.

Each purpose (the public pages, the advocates overview) has a version per partnership. What is
kept is stored under that version; a service that changes what the answers read replaces it
(`changed`), so everything kept under the old one is computed again. Entries also expire after
`seconds`, which bounds what a write outside the services (or a replacement lost while Redis was
down) can leave behind. Redis only makes the answers faster: when it is down each call fails open
(logged) and the answer is computed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

T = TypeVar("T")
_UNSET = object()


def fail_open(
    action: Callable[[], Any], default: Any = None, *, unavailable: str = "Cache unavailable"
) -> Any:
    """`action()` against the cache, or `default` when Redis cannot be reached (logged with
    the `unavailable` message)."""
    try:
        return action()
    except (RedisError, OSError):
        log.warning(unavailable, exc_info=True)
        return default


class Versioned:
    def __init__(self, namespace: str, *, seconds: int, unavailable: str) -> None:
        self.namespace = namespace
        self.seconds = seconds
        self.unavailable = unavailable  # what the log says when Redis is down

    def _fail_open(self, action: Callable[[], Any], default: Any = None) -> Any:
        return fail_open(action, default, unavailable=self.unavailable)

    def version_key(self, partnership_id: int) -> str:
        return f"{self.namespace}:version:{partnership_id}"

    def version(self, partnership_id: int) -> str | None:
        """The partnership's current version; None when Redis is down."""
        key = self.version_key(partnership_id)
        version = self._fail_open(lambda: cache.get(key, _UNSET), None)
        if version is _UNSET:
            self._fail_open(lambda: cache.add(key, uuid.uuid4().hex, None))
            version = self._fail_open(lambda: cache.get(key))
        return version

    def _replace(self, partnership_id: int) -> None:
        self._fail_open(lambda: cache.set(self.version_key(partnership_id), uuid.uuid4().hex, None))

    def changed(self, partnership_id: int, *, at_once: bool = False) -> None:
        """What the partnership's answers read has changed: replace the version once the
        transaction commits (a request reading the rows as they were meanwhile stores under the
        old one), and also `at_once` where the rest of the transaction must see the change."""
        if at_once:
            self._replace(partnership_id)
        transaction.on_commit(lambda: self._replace(partnership_id))

    def remember(self, partnership_id: int, name: str, compute: Callable[[], T]) -> T:
        """`compute()`'s answer, kept under the partnership's current version and `name`."""
        version = self.version(partnership_id)
        if version is None:
            return compute()
        key = f"{self.namespace}:{partnership_id}:{version}:{name}"
        found = self._fail_open(lambda: cache.get(key, _UNSET), _UNSET)
        if found is not _UNSET:
            return found
        value = compute()
        self._fail_open(lambda: cache.set(key, value, self.seconds))
        return value
