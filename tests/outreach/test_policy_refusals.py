"""What the engagement policy tells the member when it refuses (outreach/selectors/policy.py):
each refusal's reason and its explanation, word for word, as the services record it and the
pages show it."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from outreach import services
from outreach.models import Channel, Refusal
from outreach.services import OutreachRefused
from pinnacle.mail.models import Suppression
from pinnacle.mail.services import suppress
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory

START = datetime.datetime(2025, 4, 7, 9, 0, tzinfo=ZoneInfo("America/New_York"))

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]


@pytest.fixture
def lead(partnership):
    return LeadFactory(partnership=partnership, name="Dana Prospect", email="dana@example.com")


@pytest.fixture
def agent(partnership):
    return MemberFactory(partnership=partnership, display_name="Alice Agent")


def at(clock, days=0):
    clock.move_to(START + datetime.timedelta(days=days), tick=False)


def call(member, lead):
    return services.log_call(member=member, lead=lead, outcome="no_answer", actor=member.user)


def refusal_of(member, lead, channel=Channel.CALL) -> tuple[str, str]:
    """The refusal the service raises, and the one it records, as (reason, explanation)."""
    with pytest.raises(OutreachRefused) as caught:
        if channel == Channel.CALL:
            call(member, lead)
        else:
            services.log_personal_message(member=member, lead=lead, channel=channel, actor=None)
    recorded = Refusal.objects.latest("pk")
    assert (recorded.reason, recorded.explanation) == (
        caught.value.decision.reason,
        caught.value.decision.explanation,
    )
    assert str(caught.value) == recorded.explanation
    return recorded.reason, recorded.explanation


def test_an_opt_out_is_explained(clock, agent, lead, partnership):
    suppress(partnership=partnership, email=lead.email, reason="unsubscribed", source="link")
    assert refusal_of(agent, lead) == (
        Refusal.Reason.OPTED_OUT,
        "Dana Prospect opted out of outreach from every member. Contact reopens only if they "
        "submit one of the partnership's forms again.",
    )


def test_a_bounce_is_explained(clock, agent, lead, partnership):
    suppress(
        partnership=partnership, email=lead.email, reason=Suppression.Reason.BOUNCED, source="esp"
    )
    decision = services.may_attempt(member=agent, lead=lead, channel=Channel.PORTAL_EMAIL)
    assert not decision.allowed
    assert (decision.reason, decision.explanation) == (
        Refusal.Reason.EMAIL_SUPPRESSED,
        "Email to Dana Prospect bounced or was marked as spam: no more email is sent to this "
        "address. A call is still possible.",
    )


def test_a_cease_is_explained(clock, agent, lead):
    for week in range(4):
        at(clock, days=7 * week)
        call(agent, lead)
        call(agent, lead)
    at(clock, days=28)
    assert refusal_of(agent, lead) == (
        Refusal.Reason.CEASED,
        "You made 8 attempts without contact within 30 days, so you have ceased contact with "
        "Dana Prospect. It reopens if they reach out to you.",
    )


def test_the_cadence_is_explained_with_the_next_moment_allowed(clock, agent, lead):
    call(agent, lead)
    at(clock, days=2)
    call(agent, lead)
    at(clock, days=3)
    assert refusal_of(agent, lead, Channel.TEXT) == (
        Refusal.Reason.CADENCE,
        "You have made 2 cold attempts to reach Dana Prospect in the last 7 days. Your next "
        "attempt is allowed from April 14, 2025, 9 a.m. EDT.",
    )
    assert Refusal.objects.get().next_allowed_at == START + datetime.timedelta(days=7)
