"""Every view that reads a redirect target (`next`) sends the browser only to a path on this site.

The walker finds, in the URL conf, every view whose code reads `next`: our views through the one
helper `pinnacle.http.next_path` (or its own functions that call it), allauth's and Django's
login/logout family through their `redirect_field_name`. Each must have a row in REDIRECTS (how
to reach the point where it redirects, as the right kind of user) or in NOT_READERS (why it only
writes a `next`). A new view reading `next` that is in neither fails the first test.

Each row is then sent `next=foo`, `//evil.example`, `https://evil.example`, `/\\evil.example`
and a good local path: the response never leads off-site (a redirect's Location is a local path;
a page carries no link or hidden field pointing off-site) and the good path is honoured.

allauth validates its own `next` (`DefaultAccountAdapter.is_safe_url`: relative URLs, or an
absolute http(s) URL on the request's host, an `ALLOWED_HOSTS` host or a
`CSRF_TRUSTED_ORIGINS` host); Django's admin login and logout use
`url_has_allowed_host_and_scheme` with the request's host. Their rows prove both hold here.
"""

from __future__ import annotations

import dataclasses
import datetime
import inspect
import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from advocates.models import ReferralStage
from advocates.services import plans as plan_services
from advocates.services import referrals as referral_services
from tests.advocates.factories import ContactFactory, RewardFactory
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import PASSWORD, LeadershipFactory, MemberFactory
from tests.transactions.transaction_builders import Committee
from transactions.models import MeetingProposal
from transactions.services.postclose import confirm_meeting, propose_meeting_times

pytestmark = pytest.mark.django_db

GOOD = "/dashboard/?tab=mine"
OFF_SITE = ("foo", "//evil.example", "https://evil.example", "/\\evil.example")

# Where a view reads a redirect target: our helper, a literal "next", or Django's and allauth's
# `redirect_field_name` (Django's LoginView/LogoutView, which the admin's login and logout wrap).
READS_NEXT = re.compile(
    r"""next_path\(|["']next["']|redirect_field_name|REDIRECT_FIELD_NAME|\bLog(?:in|out)View\b"""
)
# Views whose "next" is one they write (a login link back to themselves), or a button's value.
NOT_READERS = {
    "accept_invitation": "writes ?next=<its own path> on the login link it redirects to",
    "comarketing_join": "writes ?next=<its own path> on the login link it redirects to",
    "comarketing_invite": 'a wizard button named action="next", not a redirect target',
}


def _source(obj) -> str:
    """Its source, or "" for what has none on disk (a class made at run time)."""
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return ""


def _sources(callback) -> list[str]:
    """The source of a view: a class-based view's classes, or a function view and the functions
    of its own module it calls (`_back` in transactions.views.postclose)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return [_source(k) for k in view_class.__mro__ if k is not object]
    found, seen, stack = [], set(), [inspect.unwrap(callback)]
    while stack:
        function = stack.pop()
        if function in seen:
            continue
        seen.add(function)
        found.append(_source(function))
        for name in function.__code__.co_names:
            called = function.__globals__.get(name)
            if inspect.isfunction(called) and called.__module__ == function.__module__:
                stack.append(inspect.unwrap(called))
    return found


def views_reading_next(patterns=None, namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from views_reading_next(entry.url_patterns, inner)
        elif (
            isinstance(entry, URLPattern)
            and entry.name
            and any(READS_NEXT.search(source) for source in _sources(entry.callback))
        ):
            yield f"{namespace}{entry.name}"


# --- The rows --------------------------------------------------------------------------------


@dataclasses.dataclass
class World:
    partnership: object
    member: object
    leader: object


@dataclasses.dataclass
class Visit:
    """One request: `client` sends `method` to `url` with `data`; `next` goes into the data for
    a POST, the query string for a GET."""

    client: object
    url: str
    method: str = "post"
    data: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Row:
    visit: Callable[[World], Visit]
    # False where the view's redirect does not depend on `next` at this point (allauth views
    # that answer a logged-in member or a bad key the same way whatever is asked).
    honours: bool = True


def as_member(world, url, method="post", **data) -> Visit:
    return Visit(client_for(world.partnership, world.member), url, method, data)


def as_leader(world, url, method="post", **data) -> Visit:
    return Visit(client_for(world.partnership, world.leader), url, method, data)


def anonymous(world, url, method="post", **data) -> Visit:
    return Visit(client_for(world.partnership), url, method, data)


def touch(world):
    contact = ContactFactory(owner=world.member)
    enrollment = plan_services.enroll(
        contact=contact, kind="eight_by_eight", starts_on=world.partnership.today()
    )
    return enrollment.touches.filter(is_email=True).first()


def enrollment(world):
    contact = ContactFactory(owner=world.member)
    return plan_services.enroll(
        contact=contact, kind="eight_by_eight", starts_on=world.partnership.today()
    )


def referral(world):
    contact = ContactFactory(owner=world.member)
    received = referral_services.record_referral_received(
        contact=contact, person_name="Dan Buyer", person_email="dan@example.org"
    )
    return referral_services.advance_referral(referral=received, stage=ReferralStage.CONTACTED)


def closed(world):
    """A closed transaction led by the member, leadership being the world's leader."""
    committee = Committee(world.partnership, alice=world.member, lee=world.leader)
    return committee.close(lead=LeadFactory(partnership=world.partnership))


def post_close(name):
    return lambda transaction: reverse(name, args=[transaction.pk])


def meeting_time(world) -> datetime.datetime:
    """10:00 in the partnership's zone, three days from now."""
    return world.partnership.start_of_day(world.partnership.today()) + datetime.timedelta(
        days=3, hours=10
    )


def proposed(world):
    transaction = closed(world)
    (proposal,) = propose_meeting_times(
        transaction=transaction, actor=world.member, times=[meeting_time(world)]
    )
    return transaction, proposal


def held(world):
    """A booked handoff meeting whose time has passed (its start moved an hour back, as if the
    clock had moved on), for leadership to record as held."""
    transaction, proposal = proposed(world)
    confirm_meeting(proposal=proposal, actor=world.leader)
    MeetingProposal.objects.filter(pk=proposal.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    return transaction


def fresh_member(world):
    """A member of their own, for the password views (the password changes)."""
    return MemberFactory(partnership=world.partnership)


def logged_in(world, member):
    return client_for(world.partnership, member)


REDIRECTS: dict[str, Row] = {
    # --- advocates: the touches, plans, referrals and rewards
    "advocates_touch_done": Row(
        lambda w: as_member(w, reverse("advocates_touch_done", args=[touch(w).pk]))
    ),
    "advocates_touch_acknowledge": Row(
        lambda w: as_member(w, reverse("advocates_touch_acknowledge", args=[touch(w).pk]))
    ),
    "advocates_touch_email": Row(
        lambda w: as_member(
            w,
            reverse("advocates_touch_email", args=[touch(w).pk]),
            subject="Thinking of you",
            body="Hello Carol",
        )
    ),
    "advocates_touch_email (page)": Row(
        lambda w: as_member(w, reverse("advocates_touch_email", args=[touch(w).pk]), "get")
    ),
    "advocates_enroll": Row(
        lambda w: as_member(
            w,
            reverse("advocates_enroll", args=[ContactFactory(owner=w.member).pk]),
            kind="eight_by_eight",
            starts_on=w.partnership.today().isoformat(),
        )
    ),
    "advocates_enrollment_cancel": Row(
        lambda w: as_member(w, reverse("advocates_enrollment_cancel", args=[enrollment(w).pk]))
    ),
    "advocates_enrollment_cancel (page)": Row(
        lambda w: as_member(
            w, reverse("advocates_enrollment_cancel", args=[enrollment(w).pk]), "get"
        )
    ),
    "referral_progress_note": Row(
        lambda w: as_member(w, reverse("referral_progress_note", args=[referral(w).pk]))
    ),
    "referral_progress_note (page)": Row(
        lambda w: as_member(w, reverse("referral_progress_note", args=[referral(w).pk]), "get")
    ),
    "referral_dismiss_note": Row(
        lambda w: as_member(w, reverse("referral_dismiss_note", args=[referral(w).pk]))
    ),
    "referral_give_reward": Row(
        lambda w: as_member(w, reverse("referral_give_reward", args=[referral(w).pk]), key="x")
    ),
    "reward_new": Row(
        lambda w: as_member(
            w,
            reverse("reward_new"),
            contact=ContactFactory(owner=w.member).pk,
            description="Dinner",
            value="40",
            given_on=w.partnership.today().isoformat(),
            trigger="long_term",
        )
    ),
    "reward_redeemed": Row(
        lambda w: as_member(
            w, reverse("reward_redeemed", args=[RewardFactory(contact__owner=w.member).pk])
        )
    ),
    # --- transactions: the post-close section, back to the page it was on
    "post_close_letter_mailed": Row(
        lambda w: as_member(w, reverse("post_close_letter_mailed", args=[closed(w).pk]))
    ),
    "post_close_letter": Row(
        lambda w: as_member(
            w,
            reverse("post_close_letter", args=[closed(w).pk]),
            action="address",
            mailing_address="12 Elm Street\nAustin, TX 78701",
        )
    ),
    "post_close_propose_meeting": Row(
        lambda w: as_member(
            w,
            reverse("post_close_propose_meeting", args=[closed(w).pk]),
            time_1=meeting_time(w).strftime("%Y-%m-%dT%H:%M"),
            location="The office",
        )
    ),
    "post_close_confirm_meeting": Row(
        lambda w: (
            lambda transaction, proposal: as_leader(
                w,
                reverse("post_close_confirm_meeting", args=[transaction.pk]),
                proposal=str(proposal.pk),
            )
        )(*proposed(w))
    ),
    "post_close_meeting_held": Row(
        lambda w: as_leader(
            w,
            reverse("post_close_meeting_held", args=[held(w).pk]),
            success="4",
            efficiency="3",
            effectiveness="5",
            notes="Good work all round.",
        )
    ),
    "post_close_record_interaction": Row(
        lambda w: as_leader(
            w,
            reverse("post_close_record_interaction", args=[closed(w).pk]),
            mode="call",
            occurred_at=w.partnership.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M"),
            participants=[str(w.leader.pk), str(w.member.pk)],
        )
    ),
    # --- allauth: its own validation of `next`
    "account_login": Row(
        lambda w: anonymous(
            w, reverse("account_login"), login=w.member.user.email, password=PASSWORD
        )
    ),
    "account_logout": Row(lambda w: as_member(w, reverse("account_logout"))),
    # A logged-in member asking for signup is sent where `next` says (or to the dashboard).
    "account_signup": Row(lambda w: as_member(w, reverse("account_signup"), "get")),
    "account_reauthenticate": Row(
        lambda w: as_member(w, reverse("account_reauthenticate"), password=PASSWORD)
    ),
    "account_change_password": Row(
        lambda w: (
            lambda member: Visit(
                logged_in(w, member),
                reverse("account_change_password"),
                data={
                    "oldpassword": PASSWORD,
                    "password1": "a-new-password-for-redirects",
                    "password2": "a-new-password-for-redirects",
                },
            )
        )(fresh_member(w))
    ),
    # Members always have a password: this page sends them to change it, whatever `next` says.
    "account_set_password": Row(
        lambda w: as_member(w, reverse("account_set_password"), "get"), honours=False
    ),
    "account_reset_password": Row(
        lambda w: anonymous(w, reverse("account_reset_password"), email=w.member.user.email)
    ),
    # Login by code is off: nothing to confirm, back to the login page.
    "account_confirm_login_code": Row(
        lambda w: anonymous(w, reverse("account_confirm_login_code"), "get"), honours=False
    ),
    "account_confirm_email": Row(
        lambda w: anonymous(w, reverse("account_confirm_email", args=["bogus-key"]), "get"),
        honours=False,
    ),
    "account_reset_password_from_key": Row(
        lambda w: anonymous(
            w, reverse("account_reset_password_from_key", args=["0", "bogus-key"]), "get"
        ),
        honours=False,
    ),
    # --- Django's admin (leadership is staff)
    "admin:login": Row(
        lambda w: anonymous(
            w, reverse("admin:login"), username=w.leader.user.email, password=PASSWORD
        )
    ),
    "admin:logout": Row(lambda w: as_leader(w, reverse("admin:logout"))),
}


def url_name(row_name: str) -> str:
    return row_name.split(" (")[0]


def test_every_view_reading_next_has_a_row():
    readers = set(views_reading_next())
    missing = readers - {url_name(name) for name in REDIRECTS} - set(NOT_READERS)
    assert not missing, f"Add these views to REDIRECTS (or NOT_READERS, with why): {missing}"
    stale = ({url_name(name) for name in REDIRECTS} | set(NOT_READERS)) - readers
    assert not stale, f"These rows name no view that reads next: {stale}"


def _send(row: Row, world: World, target: str):
    visit = row.visit(world)
    if visit.method == "get":
        return visit.client.get(visit.url, {**visit.data, "next": target})
    return visit.client.post(visit.url, {**visit.data, "next": target})


def _stays_on_site(location: str) -> bool:
    """A path on this site: no scheme, no host, nothing a browser reads as one ("//", "\\").
    A relative path ("foo", which allauth accepts) resolves on this site too."""
    parts = urlsplit(location)
    return (
        not parts.scheme
        and not parts.netloc
        and not location.startswith("//")
        and "\\" not in location
        and not re.search(r"[\x00-\x1f]", location)
    )


# An attribute a browser follows or posts back: href, action, src, formaction, a hidden value.
LINK = re.compile(r"""\b(?:href|action|src|formaction|value)\s*=\s*["']([^"']*)["']""")


@pytest.fixture
def world(partnership):
    return World(
        partnership=partnership,
        member=MemberFactory(partnership=partnership),
        leader=LeadershipFactory(partnership=partnership),
    )


@pytest.mark.parametrize("name", sorted(REDIRECTS))
def test_next_never_leads_off_site(name, world):
    row = REDIRECTS[name]
    for target in (*OFF_SITE, GOOD):
        response = _send(row, world, target)
        assert response.status_code < 500, (target, response.status_code)
        if response.status_code in (301, 302, 303, 307, 308):
            location = response["Location"]
            assert _stays_on_site(location), (target, location)
            if target == GOOD and row.honours:
                assert location.split("#")[0] == GOOD, location
            if target != GOOD:
                assert "evil" not in location, (target, location)
        else:
            html = response.content.decode()
            followed = LINK.findall(html)
            assert not [v for v in followed if "evil.example" in v and not _stays_on_site(v)], (
                target
            )
            assert target != "foo" or 'value="foo"' not in html, "a bare word kept as next"
            if target == GOOD and row.honours:
                assert (
                    f'value="{GOOD}"'.replace("&", "&amp;") in html or f'href="{GOOD}"' in html
                ), f"{name}: the page does not carry the good next"
