"""The public pages (the directory, a profile, /join/) served from the cache to visitors who bring
nothing of their own, per partnership.

A visitor without a session or pending messages sees exactly what every such visitor of the same
partnership sees at the same address, except the form's CSRF token. `@public_page` keeps the
rendered page in the cache under a key made of the partnership, the language, the host and the
path with its query string, together with the partnership's public-pages version it was rendered
in and with any CSRF token replaced by a placeholder; every answer writes a fresh token of the
visitor's own into it. Logged-in members, prospects and anyone with a session (or a message to
show) get the page rendered for them, and never fill the cache; so do addresses with parameters
the page does not read (a campaign's utm_*), each of which would keep a copy.

Invalidation is one write: the services that change what these pages show (a profile, a member
joining or leaving the directory, a company, the partnership's branding or policy text) call
`public_pages_changed(partnership)`, which gives the partnership a new version, so every page
kept with the old one is rendered again. Entries also expire after PAGE_SECONDS, which bounds
what a change made outside the services (or a bump lost while Redis was down) can leave behind.

Each process also keeps the last pages it served, decompressed and split at the token, and
serves one only while the partnership's version in Redis is still the one it was rendered in (so
a change reaches every process at once) and no longer than the copy in Redis lives.

Redis only makes these pages faster: when it is down, each call fails open (logged) and the page
is rendered as if nothing were cached.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import (  # type: ignore[attr-defined]
    CSRF_TOKEN_LENGTH,
    _unmask_cipher_token,
    get_token,
)
from django.utils.translation import get_language

from pinnacle.models import Partnership
from pinnacle.versions import Versioned, fail_open

PAGE_SECONDS = 300
MAX_QUERY_STRING = 200
CSRF_PLACEHOLDER = b"__pinnacle_csrf_token__"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_TOKEN_LIKE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % CSRF_TOKEN_LENGTH)
T = TypeVar("T")


UNAVAILABLE = "Page cache unavailable; rendering the page"
PUBLIC_PAGES = Versioned("public-pages", seconds=PAGE_SECONDS, unavailable=UNAVAILABLE)


def public_pages_changed(partnership: Partnership) -> None:
    """What the public pages of `partnership` show has changed: they are rendered afresh.

    Replaced now (the next page in this transaction, or a test's, sees the change) and again
    once the transaction commits: a visitor's request that read the new version before the
    commit may have cached the rows as they were, under it."""
    PUBLIC_PAGES.changed(partnership.pk, at_once=True)


def remembered(partnership: Partnership, name: str, compute: Callable[[], T]) -> T:
    """What `compute()` answers about the partnership's public pages (a part every visitor
    sees alike, such as the directory's list of service areas), kept until they change."""
    return PUBLIC_PAGES.remember(partnership.pk, name, compute)


def _serves_everyone_alike(request: HttpRequest, query: frozenset[str]) -> bool:
    """Nothing on the page can be the visitor's own: no session (a login, a prospect's access,
    a remembered referrer), no pending message, no partial page for htmx. And the address is
    one worth keeping: only the parameters the page reads, within reason (campaign parameters
    or junk would each keep a copy of the page)."""
    return (
        request.method in ("GET", "HEAD")
        and query.issuperset(request.GET)
        and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_STRING
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
        and "HTTP_HX_REQUEST" not in request.META
        and not request.user.is_authenticated
    )


def _page_key(request: HttpRequest, partnership: Partnership) -> str:
    address = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"public-page:{partnership.pk}:{get_language()}:{address}"


@dataclass(frozen=True)
class _Page:
    """A kept page as this process serves it: split at its CSRF token, so each answer joins the
    visitor's own token in without decompressing or searching the page again."""

    version: str
    parts: tuple[bytes, ...]
    content_type: str
    expires: float

    @classmethod
    def of(cls, entry: tuple) -> _Page:
        version, compressed, content_type, rendered_at = entry
        parts = tuple(zlib.decompress(compressed).split(CSRF_PLACEHOLDER))
        return cls(version, parts, content_type, rendered_at + PAGE_SECONDS)

    def answer(self, request: HttpRequest) -> HttpResponse:
        content = self.parts[0]
        if len(self.parts) > 1:
            content = get_token(request).encode().join(self.parts)
        return HttpResponse(content, content_type=self.content_type)


class _ProcessPages:
    """The last pages this process served, decompressed: a page is still read from here only
    while the partnership's version in Redis is the one it was rendered in (one small read per
    answer), and no longer than the copy in Redis lives. A /join/ form listing 2,000 members
    took longer to decompress than to send."""

    def __init__(self, size: int):
        self.size = size
        self._pages: OrderedDict[str, _Page] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> _Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None or page.expires <= time.time():
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: _Page) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


PROCESS_PAGES = _ProcessPages(size=64)


def _carries_a_token(request: HttpRequest, content: bytes) -> bool:
    """Whether the page still holds this visitor's CSRF token somewhere the placeholder did not
    replace (a `{{ csrf_token }}` in an attribute or a script): a token reveals the visitor's
    CSRF secret, so such a page is not kept for others."""
    secret = request.META.get("CSRF_COOKIE")
    return bool(secret) and any(
        _unmask_cipher_token(found.decode()) == secret for found in _TOKEN_LIKE.findall(content)
    )


def public_page(*, query: tuple[str, ...] = ()):
    """Serve the view's page from the cache to visitors who bring nothing of their own, at
    addresses whose query string has only the parameters in `query`."""
    known = frozenset(query)

    def decorator(view):
        @functools.wraps(view)
        def serve(request, *args, **kwargs):
            partnership = getattr(request, "partnership", None)
            if partnership is None or not _serves_everyone_alike(request, known):
                return view(request, *args, **kwargs)
            return _cached(request, partnership, lambda: view(request, *args, **kwargs))

        return serve

    return decorator


def _cached(request: HttpRequest, partnership: Partnership, render: Callable[[], HttpResponse]):
    """The page from the cache, or rendered and kept. The page is kept in Redis with the version
    it was rendered in (a page of an older version is rendered again), compressed (a /join/
    form listing 2,000 members is 147 kB, 17 kB compressed), and in this process as last
    served; one round trip reads the partnership's version, and the page too when this process
    has no copy of it."""
    version_key = PUBLIC_PAGES.version_key(partnership.pk)
    key = _page_key(request, partnership)
    local = PROCESS_PAGES.get(key)
    wanted = [version_key] if local else [version_key, key]
    found = fail_open(lambda: cache.get_many(wanted), unavailable=UNAVAILABLE)
    if found is None:
        return render()
    version = found.get(version_key) or PUBLIC_PAGES.version(partnership.pk)
    if version is None:
        return render()
    if local is not None and local.version == version:
        return local.answer(request)
    entry = found.get(key) if local is None else None
    if entry is not None and len(entry) == 4 and entry[0] == version:
        page = _Page.of(entry)
        PROCESS_PAGES.put(key, page)
        return page.answer(request)
    response = render()
    if response.status_code == 200 and not response.streaming and not response.cookies:
        content = _CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
        if _carries_a_token(request, content):
            return response  # outside a form's hidden input: never shown to anyone else
        now = time.time()
        entry = (version, zlib.compress(content), response["Content-Type"], now)
        fail_open(lambda: cache.set(key, entry, PAGE_SECONDS), unavailable=UNAVAILABLE)
        parts = tuple(content.split(CSRF_PLACEHOLDER))
        PROCESS_PAGES.put(key, _Page(version, parts, entry[2], now + PAGE_SECONDS))
    return response
