"""The engagement policy, enforced by the services for every caller, with a frozen clock:
at most 2 cold attempts per member and lead in any 7 days; cease after 8 attempts without
contact in 30 days until the lead reaches the member; an opt-out stops every channel."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from leads.services.inquiries import express_interest
from outreach import services
from outreach.models import Attempt, Channel, OutreachPair, Refusal
from outreach.services import OutreachRefused
from pinnacle.mail.models import OutboxMessage, Suppression
from pinnacle.mail.services import suppress
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory

# No daylight-saving change within these weeks: a rolling week is 168 hours.
START = datetime.datetime(2025, 4, 7, 9, 0, tzinfo=ZoneInfo("America/New_York"))

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]


@pytest.fixture
def lead(partnership):
    return LeadFactory(partnership=partnership, name="Dana Prospect", email="dana@example.com")


@pytest.fixture
def agent(partnership):
    return MemberFactory(partnership=partnership, display_name="Alice Agent")


def at(clock, days=0, hours=0):
    clock.move_to(START + datetime.timedelta(days=days, hours=hours), tick=False)


def call(member, lead, outcome="no_answer"):
    return services.log_call(member=member, lead=lead, outcome=outcome, actor=member.user)


def refused(fn, *args, **kwargs) -> OutreachRefused:
    with pytest.raises(OutreachRefused) as caught:
        fn(*args, **kwargs)
    return caught.value


def test_the_third_cold_attempt_in_a_week_is_refused_with_the_next_date(clock, agent, lead):
    call(agent, lead)
    at(clock, days=2)
    services.log_personal_message(member=agent, lead=lead, channel=Channel.TEXT, actor=None)
    at(clock, days=3)
    refusal = refused(call, agent, lead, "voicemail")
    assert refusal.decision.reason == Refusal.Reason.CADENCE
    assert refusal.next_allowed_at == START + datetime.timedelta(days=7)
    assert "next attempt is allowed from April 14, 2025, 9 a.m. EDT" in str(refusal)
    assert Attempt.objects.count() == 2
    kept = Refusal.objects.get()
    assert (kept.member, kept.lead, kept.channel) == (agent, lead, Channel.CALL)


def test_the_window_frees_seven_days_after_the_first_attempt(clock, agent, lead):
    call(agent, lead)
    call(agent, lead)
    at(clock, days=6, hours=23)
    refused(call, agent, lead)
    at(clock, days=7)
    assert call(agent, lead).was_cold


def test_the_cap_counts_every_channel_and_is_per_member(clock, agent, lead, partnership):
    call(agent, lead)
    call(agent, lead)
    refused(services.log_personal_message, member=agent, lead=lead, channel="text", actor=None)
    colleague = MemberFactory(partnership=partnership)
    assert call(colleague, lead).was_cold  # another member has their own two


def test_eight_attempts_without_contact_in_a_month_cease_contact(clock, agent, lead):
    for week in range(4):  # two a week, the most the cadence allows: 8 attempts in 22 days
        at(clock, days=7 * week)
        call(agent, lead)
        call(agent, lead)
    assert OutreachPair.objects.get().ceased_at is not None
    at(clock, days=28)  # the week has room again, but the member has ceased
    refusal = refused(call, agent, lead)
    assert refusal.decision.reason == Refusal.Reason.CEASED
    assert refusal.next_allowed_at is None
    at(clock, days=90)  # ceased until the lead reaches out, however long that takes
    assert refused(call, agent, lead).decision.reason == Refusal.Reason.CEASED


def test_the_lead_reaching_out_lifts_the_cease(clock, agent, lead):
    for week in range(4):
        at(clock, days=7 * week)
        call(agent, lead)
        call(agent, lead)
    at(clock, days=30)
    express_interest(lead=lead, member=agent, message="Sorry I missed your calls!")
    assert not call(agent, lead).was_cold  # contact made: no longer cold, and allowed


def test_a_logged_reply_from_the_lead_lifts_the_cease_too(clock, agent, lead):
    for week in range(4):
        at(clock, days=7 * week)
        call(agent, lead)
        call(agent, lead)
    at(clock, days=29)
    services.log_lead_reply(member=agent, lead=lead, note="Texted back", actor=agent.user)
    assert call(agent, lead)


def test_speaking_with_the_lead_ends_the_cold_state(clock, agent, lead):
    call(agent, lead, outcome="spoke")
    call(agent, lead)
    attempt = call(agent, lead)  # a third within the week: not cold any more
    assert not attempt.was_cold


def test_attempts_after_contact_are_counted_for_cease_from_that_contact(clock, agent, lead):
    call(agent, lead, outcome="spoke")
    for n in range(8):
        at(clock, days=1 + n)
        call(agent, lead)
    at(clock, days=10)
    assert refused(call, agent, lead).decision.reason == Refusal.Reason.CEASED


def test_an_opted_out_lead_gets_no_attempt_of_any_kind(clock, agent, lead, partnership):
    suppress(
        partnership=partnership, email="Dana@Example.com", reason="unsubscribed", source="link"
    )
    for attempt in (
        lambda: call(agent, lead),
        lambda: services.log_personal_message(
            member=agent, lead=lead, channel="personal_email", actor=None
        ),
    ):
        assert refused(attempt).decision.reason == Refusal.Reason.OPTED_OUT
    assert not Attempt.objects.exists()


def test_a_bounce_stops_email_but_not_a_call(clock, agent, lead, partnership):
    suppress(
        partnership=partnership, email=lead.email, reason=Suppression.Reason.BOUNCED, source="esp"
    )
    decision = services.may_attempt(member=agent, lead=lead, channel=Channel.PORTAL_EMAIL)
    assert decision.reason == Refusal.Reason.EMAIL_SUPPRESSED
    assert call(agent, lead)


def test_the_policy_numbers_are_the_partnerships(clock, agent, lead, partnership):
    partnership.cold_attempts_per_week = 1
    partnership.save()
    agent.partnership.refresh_from_db()
    lead.partnership.refresh_from_db()
    call(agent, lead)
    assert refused(call, agent, lead).decision.reason == Refusal.Reason.CADENCE


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_attempts_cannot_both_pass_the_cap(partnership):
    """Two requests log the member's second and third cold attempt at the same moment: the lock
    on the member-and-lead pair lets exactly one through."""
    agent = MemberFactory(partnership=partnership)
    lead = LeadFactory(partnership=partnership)
    call(agent, lead)
    barrier = threading.Barrier(2)
    results = []

    def attempt():
        try:
            barrier.wait()
            results.append(call(agent, lead))
        except OutreachRefused as refusal:
            results.append(refusal)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(r).__name__ for r in results) == ["Attempt", "OutreachRefused"]
    assert Attempt.objects.filter(member=agent, lead=lead).count() == 2


def test_a_new_submission_reopens_an_opted_out_lead_to_outreach(clock, agent, lead, partnership):
    from leads.services.intake import submit_lead

    suppress(partnership=partnership, email=lead.email, reason="unsubscribed", source="link")
    assert refused(call, agent, lead).decision.reason == Refusal.Reason.OPTED_OUT
    at(clock, days=1)
    submit_lead(
        partnership=partnership,
        form="join",
        name=lead.name,
        email=lead.email,
        need="buy",
        timeframe="3m",
    )
    assert call(agent, lead)  # they asked again: members may reach out


def test_a_portal_email_to_a_bounced_lead_is_refused_and_nothing_is_sent(
    clock, agent, lead, partnership
):
    agent.specialization = "first-time buyers"
    agent.save()
    suppress(
        partnership=partnership, email=lead.email, reason=Suppression.Reason.BOUNCED, source="esp"
    )
    refusal = refused(
        services.send_message,
        member=agent,
        lead=lead,
        subject="Homes near Domain",
        body="Dana, I have three homes to show you.",
        actor=agent.user,
    )
    assert refusal.decision.reason == Refusal.Reason.EMAIL_SUPPRESSED
    assert not OutboxMessage.objects.exists()
    assert not Attempt.objects.exists()
    assert Refusal.objects.get().channel == Channel.PORTAL_EMAIL


def seven_warm_attempts(clock, agent, lead, start_day):
    """Seven attempts on consecutive days, warm (contact was made): only the cease counts them."""
    for n in range(7):
        at(clock, days=start_day + n)
        call(agent, lead)


@pytest.mark.parametrize("first", ["inquiry", "reply"])
def test_the_later_of_an_inquiry_and_a_reply_is_the_contact_that_counts(clock, agent, lead, first):
    """The lead inquired and replied, in either order: attempts count toward the cease from
    the later of the two, so seven attempts before it do not cease contact after it."""

    def inquiry():
        express_interest(lead=lead, member=agent, message="Can we talk?")

    def reply():
        services.log_lead_reply(member=agent, lead=lead, note="Texted back", actor=agent.user)

    earlier, later = (inquiry, reply) if first == "inquiry" else (reply, inquiry)
    earlier()
    seven_warm_attempts(clock, agent, lead, start_day=1)  # days 1-7
    at(clock, days=8)
    later()
    at(clock, days=9)
    assert not call(agent, lead).was_cold  # the 8th since the earlier contact, the 1st since
    at(clock, days=10)
    assert call(agent, lead)  # counted from the earlier contact this would be ceased
    assert OutreachPair.objects.get().ceased_at is None


def test_a_partnership_that_ceases_after_three_attempts_ceases_at_the_third(
    clock, agent, lead, partnership
):
    partnership.cease_after_attempts = 3
    partnership.save()
    agent.partnership.refresh_from_db()
    lead.partnership.refresh_from_db()
    call(agent, lead)
    call(agent, lead)
    at(clock, days=7)
    assert OutreachPair.objects.get().ceased_at is None  # two attempts: not yet
    assert services.may_attempt(member=agent, lead=lead, channel=Channel.CALL).allowed
    call(agent, lead)
    assert OutreachPair.objects.get().ceased_at == START + datetime.timedelta(days=7)
    at(clock, days=14)  # the week has room again, but three attempts ceased contact
    refusal = refused(call, agent, lead)
    assert refusal.decision.reason == Refusal.Reason.CEASED
    assert "You made 3 attempts without contact within 30 days" in str(refusal)


def test_a_lowered_threshold_ceases_a_pair_that_already_made_that_many_attempts(
    clock, agent, lead, partnership
):
    # Three attempts under the default (8), then an adopted revision makes it 3: the policy
    # itself refuses the fourth (no cease was stamped when the third was made).
    call(agent, lead)
    call(agent, lead)
    at(clock, days=7)
    call(agent, lead)
    assert OutreachPair.objects.get().ceased_at is None
    partnership.cease_after_attempts = 3
    partnership.save()
    agent.partnership.refresh_from_db()
    lead.partnership.refresh_from_db()
    at(clock, days=14)
    refusal = refused(call, agent, lead)
    assert refusal.decision.reason == Refusal.Reason.CEASED
    assert "You made 3 attempts without contact within 30 days" in str(refusal)
