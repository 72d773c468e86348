"""Every URL pattern x every kind of viewer: the status each gets, and that no response (page,
CSV export, PDF text, email sent during the request) shows a viewer another tenant's or a
confidential transaction's values (issue 21, "Access-control matrix").

EXPECT (tests/access_expect.py) has one row per URL name: a URL class (the expected status of
each viewer: PUBLIC, MEMBER, LEADERSHIP, OWNER, TEAM ...) and the viewers that differ from it.
VISITS (tests/access_visits.py) says how to reach a URL (its parameters from the world of
tests/access_world.py, the method, the form).
The admin's rows are derived from its registry (each model's changelist and change page), the
ESP webhooks' from the URL conf. A URL pattern missing from the table, or a row naming no
pattern, fails `test_every_url_pattern_is_in_the_table`.

The world is built once per module. Each request runs in a savepoint rolled back after it (and
the viewer's cookies are restored), so a POST by someone allowed to make it changes nothing the
next request sees; a refused request (403, 404, 405, a redirect to a login) must write nothing
but its session and the transaction access log. `MATRIX_RECORD=path` appends what each viewer
got, to help fill in a new row.
"""

from __future__ import annotations

import copy
import functools
import io
import os
import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from pinnacle.mail.models import OutboxMessage
from policy.models import PolicyVersion
from tests.access_expect import (
    ADMIN,
    ADMIN_CHANGE,
    ADMIN_LOGIN,
    EXPECT,
    FORBIDDEN,
    LOGIN,
    SHOWS,
    SUPERUSER_ADMIN,
    VIEWERS,
    WEBHOOK,
)
from tests.access_visits import (
    ADMIN_MODEL_VIEWS,
    NO_ROW_IN_WORLD,
    POST,
    POSTED,
    SUPERUSER_MODELS,
    VISITS,
    Visit,
)
from tests.access_world import FOREIGN, HOME, SECRET, build_place, build_viewers
from tests.pinnacle.factories import PartnershipFactory

# One worker runs the module under `--dist loadgroup`, so the world is built once.
pytestmark = pytest.mark.xdist_group("access-matrix")


def walk(patterns=None, prefix="", namespace=""):
    """(name, route) of every URL pattern, the admin's namespaced ("admin:index")."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route, space)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), route


def admin_expectations() -> tuple[dict, dict]:
    expect, visits = {}, {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        base = f"admin:{label.replace('.', '_')}"
        superuser_only = label in SUPERUSER_MODELS
        changelist = SUPERUSER_ADMIN if superuser_only else ADMIN
        change = SUPERUSER_ADMIN if superuser_only else ADMIN_CHANGE
        if label in NO_ROW_IN_WORLD:
            change = {**change, **{v: 302 for v, s in change.items() if s == 200}}
        expect[f"{base}_changelist"] = (changelist, {})
        expect[f"{base}_change"] = (change, {})
        visits[f"{base}_change"] = Visit(lambda h, m=model: {"object_id": h.admin_object(m)})
    return expect, visits


def webhook_expectations() -> dict:
    return {name: (WEBHOOK, {}) for name, route in walk() if name and route.startswith("anymail/")}


@functools.cache
def table() -> dict[str, tuple[dict, Visit]]:
    """url name -> (expected status per viewer, how to visit it)."""
    admin_expect, admin_visits = admin_expectations()
    webhooks = webhook_expectations()
    expect = {**EXPECT, **admin_expect, **webhooks}
    visits = {**VISITS, **admin_visits}
    rows = {}
    for name, (defaults, overrides) in expect.items():
        visit = visits.get(name, Visit())
        if name in POSTED or name in webhooks:
            visit = Visit(visit.kwargs, POST, visit.data, visit.allow)
        rows[name] = ({**defaults, **overrides}, visit)
    return rows


def covered_by_admin_model(name: str) -> bool:
    return any(
        name == f"admin:{m._meta.app_label}_{m._meta.model_name}_{view}"
        for m in admin.site._registry
        for view in ADMIN_MODEL_VIEWS
    )


def test_every_url_pattern_is_in_the_table():
    patterns = {name: route for name, route in walk()}
    unnamed = sorted(route for name, route in walk() if name is None)
    rows = table()
    missing = sorted(n for n in patterns if n and n not in rows and not covered_by_admin_model(n))
    stale = sorted((set(rows) | set(VISITS) | set(POSTED) | set(SHOWS)) - set(patterns))
    assert not missing, f"Add these URLs to EXPECT in {__file__}: {missing}"
    assert not stale, f"These rows name no URL pattern any more: {stale}"
    # Unnamed patterns: the admin's catch-all redirects only (Django's own).
    assert all(route.startswith("admin/") for route in unnamed), unnamed


# --- The world, once per module ------------------------------------------------------------------


class World:
    def __init__(self, home, away, viewers):
        self.home, self.away, self.viewers = home, away, viewers


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    private = tmp_path_factory.getbasetemp() / "private-media"
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PRIVATE_MEDIA_ROOT=private),
        transaction.atomic(),
    ):
        from django.conf import settings

        home = build_place(
            PartnershipFactory(slug=settings.DEFAULT_PARTNERSHIP, name=f"{HOME} Partnership"),
            tag=HOME,
            secret=SECRET,
        )
        away = build_place(
            PartnershipFactory(slug="harbor", name=f"{FOREIGN} Partnership"),
            tag=FOREIGN,
            secret=FOREIGN,
        )
        # A version number only this partnership has (every partnership has version 1).
        PolicyVersion.objects.create(partnership=home.partnership, number=9, text=f"{HOME} rules")
        _admin_objects(home)
        viewers = build_viewers(home, away)
        yield World(home, away, viewers)
        transaction.set_rollback(True)


def _admin_objects(place):
    from django.contrib.contenttypes.models import ContentType

    def admin_object(model):
        manager = model._default_manager
        if any(f.name == "partnership" for f in model._meta.get_fields()):
            manager = manager.filter(partnership=place.partnership)
        row = manager.order_by("pk").first()
        return row.pk if row is not None else 0

    place.objects["lead_content_type"] = ContentType.objects.get_for_model(place.lead).pk
    place.admin_object = admin_object


# --- One request -------------------------------------------------------------------------------

# What a refused request may still write: its session; and a look at the transaction by
# someone outside its team (leadership, a grantee) is logged even when refused
# (transactions/selectors/sight.py: every look is).
WRITES = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"(\w+)"', re.IGNORECASE)
WRITABLE_WHEN_REFUSED = {"django_session"}
LOGGED_WHEN_REFUSED = {viewer: {"leads_transactionaccess"} for viewer in ("grantee", "leadership")}


@dataclass
class Answer:
    status: int
    location: str
    text: str
    writes: list


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        try:
            return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)
        except PdfReadError:  # the tests' placeholder PDFs (signed documents): their bytes
            pass
    return raw.decode("utf-8", errors="replace")


def visit(client, method, url, data) -> Answer:
    cookies = copy.deepcopy(client.cookies)
    mail.outbox = []
    last_message = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            try:
                response = getattr(client, method)(url, data)
                text = body_text(response)
                status, location = response.status_code, response.get("Location", "")
            except Exception as exc:  # the view raised: a 500 in production
                status, location, text = 500, "", repr(exc)
            for message in OutboxMessage.objects.filter(pk__gt=last_message):
                text += message.subject + message.body_text + message.body_html
            for message in mail.outbox:
                text += message.subject + message.body + str(getattr(message, "alternatives", ""))
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    writes = sorted(
        {m.group(2) for q in queries.captured_queries if (m := WRITES.match(q["sql"]))}
        - WRITABLE_WHEN_REFUSED
    )
    return Answer(status, location, text, writes)


def outcome(answer: Answer) -> int | str:
    if answer.status == 302 and "/admin/login/" in answer.location:
        return ADMIN_LOGIN
    if answer.status == 302 and "/accounts/login/" in answer.location:
        return LOGIN
    return answer.status


OTHER_METHOD = {"get": POST, POST: "get"}


def leaks(viewer, answer, allow=frozenset()) -> list[str]:
    """The markers the viewer must not meet that the answer shows."""
    return [marker for marker in FORBIDDEN[viewer] - allow if marker in answer.text]


REFUSED = {400, 403, 404, 405, LOGIN, ADMIN_LOGIN}
RECORD = os.environ.get("MATRIX_RECORD")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(table()))
def test_access(name, world):
    expect, how = table()[name]
    home = world.home
    url = reverse(name, kwargs=how.kwargs(home))
    problems, seen = [], {}
    for viewer in VIEWERS:
        answer = visit(world.viewers[viewer], how.method, url, how.data(home))
        got, expected = outcome(answer), expect[viewer]
        seen[viewer] = [got, [m for m in (HOME, SECRET, FOREIGN) if m in answer.text]]
        if got != expected:
            problems.append(f"{viewer}: expected {expected}, got {got} {answer.location}")
        leaked = leaks(viewer, answer, how.allow)
        if leaked:
            problems.append(f"{viewer}: the response shows {leaked}")
        shown = SHOWS.get(name, {}).get(viewer)
        if shown and shown not in answer.text:
            problems.append(f"{viewer}: the response does not show {shown}")
        if viewer == "foreign_home" and expected == 404:
            # The old walker's check: the other method too is a 404 (or a 405), writing nothing.
            other = visit(world.viewers[viewer], OTHER_METHOD[how.method], url, {})
            if other.status not in (404, 405) or other.writes or leaks(viewer, other):
                problems.append(f"{viewer}: {OTHER_METHOD[how.method]} got {other.status}")
        wrote = set(answer.writes) - LOGGED_WHEN_REFUSED.get(viewer, set())
        if got in REFUSED and wrote:
            problems.append(f"{viewer}: refused ({got}) but wrote to {answer.writes}")
    if RECORD:
        import json

        with open(RECORD, "a") as out:
            out.write(json.dumps([name, seen, problems]) + "\n")
    assert not problems, f"{how.method.upper()} {url}\n" + "\n".join(problems)
