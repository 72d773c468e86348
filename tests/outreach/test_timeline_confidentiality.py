"""Outreach's timeline entries keep a customer's free text with the committee: from a
transaction's opening, a team member's call notes, "they replied" notes, cross-selling notes
and decision notes read only for the team, leadership and a member the customer authorized to
read notes (see tests/leads/timeline_scene.py). The entries still show; the lead page's query
budget does not move."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leads.selectors.timeline import lead_timeline
from outreach.models import CallOutcome
from outreach.services import (
    log_call,
    log_lead_reply,
    recommend_members,
    record_decision_notes,
)
from tests.conftest import client_for
from tests.leads.timeline_scene import (
    AFTER,
    SEALED,
    assert_sealed_after_the_opening_only,
    assert_sealed_from_the_opening_on,
    build_scene,
    email_the_customer,
    write_before_and_after,
)
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def call(scene, member, text):
    return log_call(
        member=member, lead=scene.lead, outcome=CallOutcome.SPOKE, note=text, actor=member.user
    )


def reply(scene, member, text):
    return log_lead_reply(member=member, lead=scene.lead, note=text, actor=member.user)


def recommendation(scene, member, text):
    colleague = MemberFactory(partnership=member.partnership, display_name="Ivy Inspector")
    return recommend_members(
        member=member, lead=scene.lead, recommended=[colleague], note=text, actor=member.user
    )


def decision(scene, member, text):
    return record_decision_notes(
        member=member, lead=scene.lead, decision_process=text, feedback=f"Feedback on: {text}"
    )


SOURCES = {
    "call": (call, "outreach"),
    "reply": (reply, "reply"),
    "recommendation": (recommendation, "recommendation"),
    "decision": (decision, "decision"),
}


@pytest.fixture
def scene(partnership):
    return build_scene(partnership)


@pytest.mark.parametrize("source", list(SOURCES))
def test_an_outsider_reads_a_team_members_notes_only_from_before_the_opening(
    scene, source, time_machine
):
    write, kind = SOURCES[source]
    assert_sealed_from_the_opening_on(scene, write, kind, time_machine)


def test_notes_by_a_member_off_the_team_stay_readable(scene, partnership, time_machine):
    carol = MemberFactory(partnership=partnership, display_name="Carol Colleague")
    write_before_and_after(scene, call, time_machine)
    decision(scene, carol, "Carol heard they might sell too.")
    page = scene.page(scene.outsider)
    assert "might sell too" in page and "20 percent down" not in page


def test_the_lead_page_reads_sealed_notes_in_the_same_queries(
    scene, time_machine, django_assert_num_queries
):
    # A call where they spoke from the start: the lead's stage reads in the same queries.
    write_before_and_after(scene, call, time_machine)
    client = client_for(scene.outsider.partnership, scene.outsider)
    url = scene.lead.get_absolute_url()
    client.get(url)  # the first request of a session does a little more
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    budget = len(captured.captured_queries)
    time_machine.move_to(AFTER, tick=False)
    for source in (call, reply, decision, decision, call, email_the_customer):
        source(scene, scene.alice, "More after the opening.")
    with django_assert_num_queries(budget):
        page = client.get(url).text
    # The email shows twice: as Alice's attempt and as the email itself.
    assert page.count(SEALED) == 8 and "More after the opening" not in page


def test_an_outsider_sees_a_team_members_email_on_the_timeline_without_its_subject(
    scene, time_machine
):
    write_before_and_after(scene, email_the_customer, time_machine)
    assert_sealed_after_the_opening_only(scene)
    # The attempts show to the outsider as to the team; the subject reaches no template.
    subjects = {
        viewer: sorted(
            e.item.message.subject
            for e in lead_timeline(scene.lead, viewer)
            if e.kind == "outreach"
        )
        for viewer in (scene.outsider, scene.bob)
    }
    assert subjects[scene.outsider] == ["", "Before the opening: they want a garden."]
    assert subjects[scene.bob] == [
        "After the opening: they can pay 20 percent down.",
        "Before the opening: they want a garden.",
    ]
