"""One URL of each page type of the seeded demo, and who sees it (tests/e2e/test_accessibility.py).

The page types come from the URL conf: every named pattern, less the actions that only take a
POST (the access matrix's POSTED), the files (CSV, PDF), the admin, the ESP webhooks and the
media files. A crawler (Django's test client, in process: fast) starts from every
parameterless page and the pages people reach from an email, as each viewer in turn, reads one
page of each pattern it meets, and keeps the first URL met of each pattern with the viewer who
met it (a lender meets the co-marketing profile editor an agent never sees).
A page type the crawler cannot reach fails the walk until it is reachable or listed in
NOT_WALKED with the reason.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from leads.models import Lead
from leads.tokens import make_access_token
from members.models import Member
from pinnacle.models import Partnership
from tests.access_visits import POSTED
from tests.conftest import client_for
from tests.fuzzing import parse_page
from tests.test_fuzz_forms import EMAILED_PAGES, NOT_FOLLOWED, _name, parameterless_pages
from tests.test_safe_redirects import _sources

SKIPPED_PREFIXES = ("/admin/", "/media/", "/static/", "/anymail/")
FILES = (".csv", ".pdf")
# Who walks, in order: each sees what the ones before it did not.
VIEWERS = ("anonymous", "prospect", "agent", "lender", "leadership")
EMAILS = {
    "agent": "agent@pinnacle.localhost",
    "lender": "lender@pinnacle.localhost",
    "leadership": "leader@pinnacle.localhost",
}

# Page types (GET answers an HTML page) the walk does not scan, each with the reason.
NOT_WALKED = {
    "account_confirm_login_code": "allauth's login by code: closed here (redirects to login)",
    "account_confirm_email": "allauth's emailed key; its page is allauth's own template",
    "account_reset_password_from_key": "needs an emailed key (allauth's form, our base.html)",
    "account_reset_password_from_key_done": "allauth: reached only after a reset by key",
    "account_reset_password_done": "allauth: reached only after asking for a reset",
    "account_email_verification_sent": "allauth: sign-up is closed, no verification is sent",
    "account_signup": "closed: members join by invitation only (accept_invitation is walked)",
    "account_inactive": "allauth: no account here is ever inactive",
    "account_email": "allauth: e-mail management is not offered to members",
    "account_change_password": "allauth: redirects to the profile's own password section",
    "account_set_password": "allauth: redirects to the profile's own password section",
    "account_logout": "a POST in the site menu; its GET page only asks to confirm",
    "account_reauthenticate": "allauth: asked only before sensitive allauth pages, unused",
    "transaction_document": "a file download (the committee's document)",
    "transaction_disclosure_document": "a file download (the signed authorization)",
    "comarketing_edit": "no demo connection lets its lender edit the partner's profile",
    "healthz": "JSON for operators and load balancers, no page",
    "metrics": "Prometheus's text behind a bearer token, no page",
    "prospect_access": "the welcome email's link: sets the prospect's session, redirects",
    "lead_thanks": "shown after a join form is sent; the keyboard journey scans it",
    "policy_report_thanks": "shown after a report is sent (same layout as lead_thanks)",
}


@dataclass(frozen=True)
class PageType:
    name: str
    viewer: str
    url: str


def _patterns(patterns=None, prefix=""):
    """(name, route, view) of every named URL pattern."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, route, entry.callback


def post_only(view) -> bool:
    return getattr(view, "view_class", None) is None and "@require_POST" in _sources(view)[0]


def page_patterns() -> set[str]:
    """Every named pattern that answers a GET with a page, from the URL conf."""
    return {
        name
        for name, route, view in _patterns()
        if name not in POSTED
        and not post_only(view)
        and not route.startswith(("admin/", "anymail/", "^media/"))
        and not route.rstrip("$").endswith(FILES)
    }


def prospect_link(partnership) -> str:
    """A demo lead's access link (the welcome email's), as the prospect opens it."""
    lead = Lead.objects.filter(partnership=partnership).order_by("pk").first()
    return reverse("prospect_access", kwargs={"token": make_access_token(lead)})


def discover() -> tuple[list[PageType], dict[str, dict[str, str]]]:
    """(one PageType per pattern met, each viewer's cookies: their session, for the browser)."""
    partnership = Partnership.objects.get(slug="pinnacle")
    starts = list(parameterless_pages())
    emailed = [
        reverse(name, kwargs=build(partnership))
        for name, build in EMAILED_PAGES.items()
        if name != "prospect_access"
    ]
    access = prospect_link(partnership)
    found: dict[str, PageType] = {}
    cookies = {}
    for viewer in VIEWERS:
        member = None
        if viewer in EMAILS:
            member = Member.objects.get(partnership=partnership, user__email=EMAILS[viewer])
        client = client_for(partnership, member)
        if viewer == "prospect":
            assert client.get(access).status_code in (200, 302)
        viewer_starts = starts + (emailed if viewer == "anonymous" else [])
        _crawl(client, viewer, viewer_starts, found)
        cookies[viewer] = {name: morsel.value for name, morsel in client.cookies.items()}
    return list(found.values()), cookies


def _crawl(client, viewer: str, starts: list[str], found: dict[str, PageType]) -> None:
    """Reads one page of each pattern this viewer meets; notes the patterns no one met before."""
    queue, seen, read = deque(starts), set(), set()
    while queue:
        url = queue.popleft()
        path = urlsplit(url).path
        name = _name(path)
        if not name or path in seen or name in NOT_FOLLOWED:
            continue
        if path.startswith(SKIPPED_PREFIXES) or path.endswith(FILES):
            continue
        if name in read and path not in starts:
            continue
        seen.add(path)
        read.add(name)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        if name not in found:
            found[name] = PageType(name, viewer, url)
        for link in parse_page(url, response.content.decode()).links:
            target = urljoin(url, link)
            if target.startswith("/") and not target.startswith("//"):
                queue.append(target)
