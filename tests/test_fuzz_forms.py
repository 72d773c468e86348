"""Every POST form of the site, fuzzed: no 500, a clear error for every refusal, nothing half-saved.

The forms are found, not listed. On the seeded demo, a crawler visits the site as a prospect
(anonymous), as a member and as leadership, from every parameterless page and the pages people
reach from an email (access, survey, invitation links ...) and the pages of objects put in the
states the demo has none in (tests/fuzz_states.py), follows the links it finds (up to three
pages per URL pattern) and reads every form that posts. Each form's target is then sent
Hypothesis-drawn submissions (tests/fuzzing.py): one plausible submission per typed field with
that field hostile (always), then fields with hostile text, NULs, huge strings, out-of-range
numbers, malformed dates, choices not offered, fields missing or doubled, random files.

For each submission, inside a savepoint rolled back after it:
- the answer is not a 5xx (a 500 raises here with its traceback);
- a refusal — a 4xx, a page with an error on it, or an error message after a redirect — says
  why (a 4xx has a body; a page shows an error list or alert);
- a refusal leaves every table with the row count it had (nothing half-written).

Every URL pattern whose view takes a POST must be fuzzed (found on a page) or listed in
NOT_FUZZED with the reason: a new form is fuzzed without new code, and a form the crawler cannot
reach fails `test_every_post_view_is_fuzzed_or_excused` until it is reachable or excused.
"""

from __future__ import annotations

import copy
import re
import time
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.messages import ERROR, get_messages
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from hypothesis import example, given

from advocates.tokens import make_survey_token
from leads.tokens import make_access_token
from members.models import Member
from members.services import invite_member
from members.tokens import make_invitation_token
from pinnacle.mail.services import queue_email
from pinnacle.mail.tokens import make_unsubscribe_token
from pinnacle.models import Partnership
from tests.advocates.factories import SurveyFactory
from tests.comarketing.factories import ConnectionFactory, MediaFactory
from tests.conftest import client_for
from tests.fuzz_states import STATE_PAGES, state_pages
from tests.fuzzing import FUZZ, Form, form_data, one_field_attacks, parse_page, table_counts
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory
from tests.test_safe_redirects import _sources
from tests.transactions.factories import TransactionFactory
from transactions.tokens import make_customer_token

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# URL patterns that take a POST but are not fuzzed here, each with the reason.
NOT_FUZZED = {
    # allauth's own forms behind an emailed key or code, or closed here.
    "account_signup": "closed: members join by invitation only (accept_invitation is fuzzed)",
    **{
        name: "allauth's form behind a key or code sent by email; allauth tests its own forms"
        for name in (
            "account_reset_password_from_key",
            "account_confirm_email",
            "account_confirm_login_code",
        )
    },
    "account_set_password": "shown only to a user without a password; members always have one",
    "advocates_import_confirm": (
        "takes only a token of a preview the server keeps: fuzzed with the upload in "
        "tests/advocates/test_import_fuzz.py"
    ),
}
# Third-party URL sets with tests of their own, never crawled.
SKIPPED_PREFIXES = ("/admin/", "/media/", "/static/", "/anymail/")
PAGES_PER_PATTERN = 3
# Links not followed: leaving would end the crawl's session.
NOT_FOLLOWED = {"account_logout"}

# Tables a page writes when it is shown, refused form or not: not a half-written submission.
WRITTEN_BY_SHOWING = {
    "leads_transactionaccess": "the access log: leadership's every look at a transaction",
}
# How a page shows a refusal: an error list under a field, an alert, an error message.
ERROR_MARKERS = re.compile(r'class="errorlist|class="message error|class="notice notice-bad')


# Pages people reach from an email or a shared link, not from the site: each made for the demo's
# own partnership.
def _accept_kwargs(partnership):
    invitation = invite_member(
        partnership=partnership,
        invited_by=MemberFactory(partnership=partnership).user,
        email="fuzz-invitee@example.com",
        display_name="Fuzz Invitee",
        kind="agent",
        service_category="real_estate",
        role="member",
    )
    return {"token": make_invitation_token(invitation)}


def _unsubscribe_kwargs(partnership):
    message = queue_email(
        partnership=partnership,
        key="fuzz:notice",
        template="mail/notice",
        to="lead@example.com",
        context={"subject": "Hello", "body": "Hello"},
    )
    return {
        "token": make_unsubscribe_token(
            partnership=partnership, email=message.to_email, message_id=message.pk
        )
    }


EMAILED_PAGES = {
    "prospect_access": lambda p: {"token": make_access_token(LeadFactory(partnership=p))},
    "customer_transaction": lambda p: {
        "token": make_customer_token(TransactionFactory(lead__partnership=p))
    },
    "satisfaction_survey": lambda p: {
        "token": make_survey_token(SurveyFactory(owner=MemberFactory(partnership=p)))
    },
    "comarketing_join": lambda p: {"token": ConnectionFactory(partnership=p).token},
    "accept_invitation": _accept_kwargs,
    "unsubscribe": _unsubscribe_kwargs,
    "comarketing_media_page": lambda p: {"slug": MediaFactory(partnership=p).slug},
    "comarketing_media_embed": lambda p: {"slug": MediaFactory(partnership=p).slug},
}
# How a view's code shows it takes a POST.
READS_POST = re.compile(
    r"""request\.POST|request\.method\s*[!=]=\s*["']POST|require_POST|require_http_methods"""
)


def post_views(patterns=None, prefix=""):
    """Every named URL pattern whose view takes a POST: (name, route)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from post_views(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and entry.name and takes_post(entry.callback):
            yield entry.name, route


def takes_post(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    return any(READS_POST.search(source) for source in _sources(callback))


def parameterless_pages(patterns=None, prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from parameterless_pages(entry.url_patterns, route)
        elif not entry.pattern.regex.groups and entry.name not in NOT_FOLLOWED:
            path = "/" + route.lstrip("^").rstrip("$")
            if "(" not in path and not path.startswith(SKIPPED_PREFIXES):
                yield path


def _name(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def crawl(client, starts) -> list[Form]:
    """The POST forms on the pages reachable from `starts`, up to PAGES_PER_PATTERN pages per
    URL pattern (an object's forms depend on its state: a transaction without a leader, ...)."""
    queue, visited, forms = deque(starts), Counter(), []
    seen, given = set(), set(starts)  # the pages given are visited beyond the cap
    while queue:
        url = queue.popleft()
        path = urlsplit(url).path
        name = _name(path)
        if not name or path in seen or visited[name] >= PAGES_PER_PATTERN:
            continue
        if name in NOT_FOLLOWED:
            continue
        if path.startswith(SKIPPED_PREFIXES) or path.endswith((".csv", ".pdf")):
            continue
        visited[name] += url not in given
        seen.add(path)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = parse_page(url, response.content.decode())
        for form in page.forms:
            form.action = urlsplit(urljoin(url, form.action or url)).path
            forms.append(form)
        for link in page.links:
            target = urljoin(url, link)
            if target.startswith("/") and not target.startswith("//"):
                queue.append(target)
    return forms


def demo_people():
    partnership = Partnership.objects.get(slug="pinnacle")
    agent = Member.objects.get(user__email="agent@pinnacle.localhost")
    leader = Member.objects.get(user__email="leader@pinnacle.localhost")
    return partnership, agent, leader


def discover(partnership, agent, leader):
    """(role, client, form) for each form target, first found as anonymous, agent, leadership."""
    pages = list(parameterless_pages())
    emailed = [reverse(name, kwargs=build(partnership)) for name, build in EMAILED_PAGES.items()]
    emailed += state_pages(partnership, agent, leader)
    found: dict[str, tuple[str, object, Form]] = {}
    for role, member in (("anonymous", None), ("agent", agent), ("leadership", leader)):
        client = client_for(partnership, member)
        for form in crawl(client, emailed + pages):
            name = _name(form.action)
            if name and name not in found and not form.action.startswith(SKIPPED_PREFIXES):
                found[name] = (role, client, form)
    return found


def refusal_of(response) -> str | None:
    """Why the submission was refused, as the person sees it; "" for a refusal without a word;
    None when it was not refused."""
    if 400 <= response.status_code < 500:
        return response.content.decode(errors="replace").strip()
    # The messages this request added (not those an earlier one left in the session).
    added = get_messages(response.wsgi_request)._queued_messages
    errors = [m.message for m in added if m.level >= ERROR]
    if errors:
        return " ".join(errors)
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        body = response.content.decode()
        if ERROR_MARKERS.search(body):
            return "error shown on the page"
    return None


def fuzz(client, form: Form) -> int:
    """Sends the form's drawn submissions; returns how many."""
    sent = []
    before = table_counts()  # every submission is rolled back: the same before each

    @FUZZ
    @given(data=form_data(form))
    def submit(data):
        # Each submission starts afresh: its rows are rolled back, and so are its cookies (a
        # session made inside the rollback is gone: Django answers its cookie with a 400).
        cookies = copy.deepcopy(client.cookies)
        try:
            with transaction.atomic():
                response = client.post(form.action, data)
                sent.append(response.status_code)
                assert response.status_code < 500, (form.action, data)
                refusal = refusal_of(response)
                if refusal is not None:
                    assert refusal, f"refused without a word: {form.action} {data!r}"
                    changed = {
                        table: (count, before[table])
                        for table, count in table_counts().items()
                        if count != before[table] and table not in WRITTEN_BY_SHOWING
                    }
                    assert not changed, (
                        f"refused ({response.status_code}: {refusal[:200]}) but wrote rows: "
                        f"{form.action} {data!r} {changed}"
                    )
                transaction.set_rollback(True)
        finally:
            client.cookies = cookies

    for attack in one_field_attacks(form):
        submit = example(data=attack)(submit)
    submit()
    return len(sent)


@pytest.fixture
def fuzzing_settings(settings):
    # Many submissions a second from one address: the limits are tested elsewhere.
    settings.RATELIMIT_ENABLE = False
    settings.ACCOUNT_RATE_LIMITS = False
    return settings


def test_every_post_form_is_found_and_survives_fuzzing(seeded_demo, fuzzing_settings, capsys):
    started = time.monotonic()
    found = discover(*demo_people())
    crawled = time.monotonic()
    missing = {
        f"{name} ({route})"
        for name, route in post_views()
        if not route.startswith(("admin/", "anymail/"))
        and name not in found
        and name not in NOT_FUZZED
    }
    assert set(NOT_FUZZED) <= {name for name, _ in post_views()}, "a stale NOT_FUZZED row"
    shown = {name for names in STATE_PAGES.values() for name in names}
    assert shown <= set(found), f"a state page shows no such form: {shown - set(found)}"

    failures, submissions = [], 0
    fuzzed = sorted(set(found) - set(NOT_FUZZED))
    for name in fuzzed:
        role, client, form = found[name]
        try:
            submissions += fuzz(client, form)
        except Exception as exc:
            failures.append(f"{name} as {role} ({form.action}): {exc!r}"[:3000])
    with capsys.disabled():
        print(
            f"\n{len(fuzzed)} form targets fuzzed with {submissions} submissions, "
            f"{len(NOT_FUZZED)} excused; crawl "
            f"{crawled - started:.0f}s, fuzzing {time.monotonic() - crawled:.0f}s"
        )
    assert not failures, "\n".join(failures)
    assert not missing, f"Make these forms reachable or add them to NOT_FUZZED: {missing}"
