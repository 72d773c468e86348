"""Every per-IP limit, through the pages, behind the configured proxy (`TRUSTED_PROXIES` as the
proxy's network): each visitor behind it has their own count, a header written by anyone else
changes nothing, in a chain of proxies the rightmost untrusted address is the visitor, and the
limit lifts once its window has passed (the clock is moved, nothing sleeps).

The public forms are every page that posts through `pinnacle.public_forms.handle_public_post`
(`test_every_public_form_is_in_the_table` finds them in the code); login is allauth's
`login_failed` limit, keyed through `members.adapters.AccountAdapter.get_client_ip`.
`test_client_ip.py` holds the address rules themselves."""

import ipaddress
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.utils import timezone

from comarketing import services as comarketing_services
from comarketing.models import Media, Status
from tests.comarketing.factories import ConnectionFactory
from tests.comarketing.media_helpers import lead_data
from tests.conftest import client_for
from tests.leads.test_intake import form_data
from tests.members.factories import PASSWORD, LeadershipFactory, MemberFactory
from tests.policy.test_breach_reports import visitor_data

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the TLS proxy in front of the web processes
INNER_PROXY = "10.0.0.9"  # a second proxy behind a load balancer
OUTSIDER = "203.0.113.50"  # reaches the web process directly, not through the proxy
ALLOWED = 5  # pinnacle.ratelimit.SUBMISSION_RATE: 5 in 10 minutes

# The public forms with a per-IP limit: address, the n-th distinct submission, and the module
# whose view posts it through handle_public_post.
PUBLIC_FORMS = {
    "join": ("/join/", lambda n: form_data(email=f"p{n}@example.com"), "leads/views/public.py"),
    "contact": (
        "/contact/",
        lambda n: form_data(email=f"p{n}@example.com"),
        "leads/views/public.py",
    ),
    "capture-page": (
        "/m/guide/",
        lambda n: lead_data(email=f"p{n}@example.com"),
        "comarketing/views/media.py",
    ),
    "embed": (
        "/m/guide/embed/",
        lambda n: lead_data(email=f"p{n}@example.com"),
        "comarketing/views/media.py",
    ),
    "breach-report": (
        "/policy/report/",
        lambda n: visitor_data(description=f"Breach {n}"),
        "policy/views/feedback.py",
    ),
}


@pytest.fixture(autouse=True)
def _behind_the_proxy(settings, clock):
    # The clock stands still at a window's start: the limits count in fixed windows (10 minutes
    # for the forms), and a test crossing a window's end on a slow machine saw its count reset.
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)


@pytest.fixture
def public_forms(partnership, settings, tmp_path):
    """A published capture page (for /m/guide/ and its embed) and a leader (breach reports)."""
    settings.MEDIA_ROOT = tmp_path
    LeadershipFactory(partnership=partnership)
    lender = MemberFactory(partnership=partnership, kind="lender")
    agent = MemberFactory(partnership=partnership, kind="agent")
    connection = ConnectionFactory(
        partnership=partnership,
        lender=lender,
        partner=agent,
        email=agent.email,
        status=Status.ACTIVE,
        accepted_at=timezone.now(),
    )
    comarketing_services.create_media(
        connection=connection,
        member=lender,
        kind=Media.Kind.CAPTURE_PAGE,
        owner=lender,
        fields={"title": "Guide", "headline": "", "body": "", "is_published": True},
        photos=[],
        actor=lender.user,
    )
    return client_for(partnership)


class Poster:
    """Posts one public form, a new submission each time, from a given address and header."""

    def __init__(self, client, form: str):
        self.client = client
        self.path, self.data, _ = PUBLIC_FORMS[form]
        self.sent = 0

    def __call__(self, forwarded: str, remote: str = PROXY):
        self.sent += 1
        return self.client.post(
            self.path, self.data(self.sent), REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
        )


def accepted(response) -> bool:
    return response.status_code == 302


def refused(response) -> bool:
    return response.status_code == 429 and "Too many submissions" in response.text


def test_every_public_form_is_in_the_table():
    """A new page posting through handle_public_post must be added to PUBLIC_FORMS above."""
    base = Path(django_settings.BASE_DIR)
    callers = set()
    for app in apps.get_app_configs():
        if not Path(app.path).is_relative_to(base):
            continue
        for source in Path(app.path).rglob("*.py"):
            if re.search(r"\bhandle_public_post\(", source.read_text()):
                callers.add(source.relative_to(base).as_posix())
    callers.discard("pinnacle/public_forms.py")
    # leads/views/public.py posts both lead forms through one call, media.py both pages.
    assert callers == {module for _, _, module in PUBLIC_FORMS.values()}


@pytest.mark.parametrize("form", PUBLIC_FORMS)
def test_behind_the_proxy_each_visitor_has_their_own_limit(public_forms, form):
    post = Poster(public_forms, form)
    for _ in range(ALLOWED):
        assert accepted(post("198.51.100.7"))
    assert refused(post("198.51.100.7"))
    assert accepted(post("198.51.100.8"))  # another visitor behind the same proxy


@pytest.mark.parametrize("form", PUBLIC_FORMS)
def test_a_header_from_outside_the_proxies_cannot_dodge_the_limit(public_forms, form):
    post = Poster(public_forms, form)
    for n in range(ALLOWED):
        assert accepted(post(f"198.51.100.{n}", remote=OUTSIDER))
    assert refused(post("198.51.100.99", remote=OUTSIDER))  # a new header each time: same count
    assert accepted(post("198.51.100.99"))  # the proxy's visitor is someone else


@pytest.mark.parametrize("form", PUBLIC_FORMS)
def test_through_a_chain_of_proxies_the_rightmost_untrusted_address_counts(public_forms, form):
    post = Poster(public_forms, form)
    for n in range(ALLOWED):  # what the visitor wrote on the left changes each time
        assert accepted(post(f"6.6.6.{n}, 198.51.100.7, {INNER_PROXY}"))
    assert refused(post(f"6.6.6.99, 198.51.100.7, {INNER_PROXY}"))
    assert accepted(post(f"6.6.6.99, 198.51.100.8, {INNER_PROXY}"))


@pytest.mark.parametrize("form", PUBLIC_FORMS)
def test_the_limit_lifts_after_its_window(clock, public_forms, form):
    post = Poster(public_forms, form)
    for _ in range(ALLOWED):
        assert accepted(post("198.51.100.7"))
    assert refused(post("198.51.100.7"))
    clock.shift(timedelta(minutes=10, seconds=1))
    assert accepted(post("198.51.100.7"))


# Login: allauth's `login_failed` limit, 10 a minute per address (ACCOUNT_RATE_LIMITS).
FAILED_LOGINS_ALLOWED = 10


def log_in(partnership, forwarded: str, email: str, password: str, remote: str = PROXY):
    return client_for(partnership).post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def fail_logins(partnership, forwarded, remote: str = PROXY):
    for n in range(FAILED_LOGINS_ALLOWED):  # a new address each time: only the per-IP rate
        response = log_in(partnership, forwarded(n), f"guess{n}@example.com", "wrong", remote)
        assert response.status_code == 200 and "Too many" not in response.text


def login_refused(response) -> bool:
    return response.status_code == 429 or (
        response.status_code == 200 and "Too many failed login attempts" in response.text
    )


def test_failed_logins_count_per_visitor_in_a_chain_and_lift_after_a_minute(
    clock, partnership, member
):
    fail_logins(partnership, lambda n: f"6.6.6.{n}, 198.51.100.7, {INNER_PROXY}")
    email = member.user.email
    chain = f"6.6.6.99, 198.51.100.7, {INNER_PROXY}"
    assert login_refused(log_in(partnership, chain, email, PASSWORD))
    other = f"6.6.6.99, 198.51.100.8, {INNER_PROXY}"
    assert log_in(partnership, other, email, PASSWORD).status_code == 302
    clock.shift(timedelta(minutes=1, seconds=1))
    assert log_in(partnership, chain, email, PASSWORD).status_code == 302


def test_failed_logins_from_outside_the_proxies_count_on_their_own_address(partnership, member):
    fail_logins(partnership, lambda n: f"198.51.100.{n}", remote=OUTSIDER)
    email = member.user.email
    assert login_refused(log_in(partnership, "198.51.100.99", email, PASSWORD, remote=OUTSIDER))
    assert log_in(partnership, "198.51.100.99", email, PASSWORD).status_code == 302
