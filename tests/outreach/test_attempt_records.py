"""What logging an attempt records (outreach/services/attempts.py): who logged it and the note
(none when none is given), and the refusals of what no member may log: a channel or an outcome
that is not one, a lead of another partnership."""

import datetime

import pytest

from outreach import services
from outreach.models import Attempt, Channel
from outreach.services import OutreachRefused
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clock_at(datetime.datetime(2025, 4, 7, 13, tzinfo=datetime.UTC)),
]


@pytest.fixture
def lead(partnership):
    return LeadFactory(partnership=partnership, name="Dana Prospect")


@pytest.fixture
def agent(partnership):
    return MemberFactory(partnership=partnership, display_name="Alice Agent")


def test_a_call_records_who_logged_it_and_the_note(clock, agent, lead):
    call = services.log_call(
        member=agent, lead=lead, outcome="voicemail", note=" Left a message ", actor=agent.user
    )
    assert (call.logged_by, call.note, call.outcome) == (agent.user, "Left a message", "voicemail")
    bare = services.log_call(member=agent, lead=lead, outcome="no_answer", actor=agent.user)
    assert bare.note == ""


def test_a_personal_message_records_who_logged_it_and_the_note(clock, agent, lead):
    text = services.log_personal_message(
        member=agent, lead=lead, channel=Channel.TEXT, note="Sent listings", actor=agent.user
    )
    assert (text.logged_by, text.note, text.channel) == (agent.user, "Sent listings", "text")
    bare = services.log_personal_message(
        member=agent, lead=lead, channel=Channel.PERSONAL_EMAIL, actor=agent.user
    )
    assert bare.note == ""


@pytest.mark.parametrize(
    ("log", "message"),
    [
        (
            lambda agent, lead: services.log_call(
                member=agent, lead=lead, outcome="hung_up", actor=agent.user
            ),
            "Choose how the call went.",
        ),
        (
            lambda agent, lead: services.log_personal_message(
                member=agent, lead=lead, channel=Channel.CALL, actor=agent.user
            ),
            "Choose whether you sent a personal email or a text.",
        ),
        (
            lambda agent, lead: services.log_call(
                member=MemberFactory(), lead=lead, outcome="spoke", actor=agent.user
            ),
            "This lead belongs to another partnership.",
        ),
    ],
    ids=["outcome", "channel", "partnership"],
)
def test_what_no_member_may_log_is_refused_and_says_why(clock, agent, lead, log, message):
    with pytest.raises(OutreachRefused) as caught:
        log(agent, lead)
    assert str(caught.value) == message
    assert not Attempt.objects.exists()
