"""Sessions in PostgreSQL with a Redis cache in front, which keep working when Redis is down.

Django's cached_db store reads and writes its cache unguarded in places (`exists` while creating
a session, `set` after a database load): with Redis down every visitor with a session got a 500.
Here a cache failure is logged and the database answers; Redis only ever makes sessions faster.
"""

import logging

from django.contrib.sessions.backends import cached_db

log = logging.getLogger(__name__)


class _FailSoftCache:
    """The session cache, where an unreachable Redis reads as a miss and writes are skipped."""

    def __init__(self, cache):
        self._cache = cache

    def _guard(self, action, default=None):
        try:
            return action()
        except Exception:
            log.warning("Session cache unavailable; using the database", exc_info=True)
            return default

    def get(self, key, default=None):
        return self._guard(lambda: self._cache.get(key, default), default)

    def set(self, key, value, timeout=None):
        self._guard(lambda: self._cache.set(key, value, timeout))

    def delete(self, key):
        self._guard(lambda: self._cache.delete(key))

    def __contains__(self, key):
        return bool(self._guard(lambda: key in self._cache, False))


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _FailSoftCache(self._cache)
