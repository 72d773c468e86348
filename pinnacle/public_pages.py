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

Redis only makes these pages faster: when it is down, each call fails open (logged) and the page
is rendered as if nothing were cached.
"""

from __future__ import annotations

import functools
import hashlib
import re
import zlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from pinnacle.models import Partnership
from pinnacle.versions import Versioned, fail_open

PAGE_SECONDS = 300
MAX_QUERY_STRING = 200
CSRF_PLACEHOLDER = b"__pinnacle_csrf_token__"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
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


def _answer(request: HttpRequest, compressed: bytes, content_type: str) -> HttpResponse:
    content = zlib.decompress(compressed)
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    return HttpResponse(content, content_type=content_type)


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
    """The page from the cache, or rendered and kept. One round trip reads the partnership's
    version and the page, which is kept with the version it was rendered in (a page of an
    older version is rendered again), compressed (a /join/ form listing 2,000 members is 147 kB,
    17 kB compressed)."""
    version_key = PUBLIC_PAGES.version_key(partnership.pk)
    key = _page_key(request, partnership)
    found = fail_open(lambda: cache.get_many([version_key, key]), unavailable=UNAVAILABLE)
    if found is None:
        return render()
    version = found.get(version_key) or PUBLIC_PAGES.version(partnership.pk)
    if version is None:
        return render()
    cached = found.get(key)
    if cached is not None and cached[0] == version:
        return _answer(request, *cached[1:])
    response = render()
    if response.status_code == 200 and not response.streaming and not response.cookies:
        page = _CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
        entry = (version, zlib.compress(page), response["Content-Type"])
        fail_open(lambda: cache.set(key, entry, PAGE_SECONDS), unavailable=UNAVAILABLE)
    return response
