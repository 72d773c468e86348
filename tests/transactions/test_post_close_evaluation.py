"""After a close: leadership records the handoff meeting held with its evaluation; the services
bound what any caller stores; two leaders recording the meeting at once record it once."""

import threading

import pytest
from django.db import connection, connections

from leads.services import LeadRefused
from pinnacle.models import AuditEvent
from tests.conftest import client_for
from tests.transactions import post_close_helpers
from tests.transactions.post_close_helpers import (
    CLOSING_EVENING,
    actions,
    at,
    board_row,
    events,
    page,
)
from tests.transactions.transaction_builders import Committee
from transactions.models import ClientInteraction, HandoffEvaluation, MeetingProposal
from transactions.services.postclose import (
    confirm_meeting,
    draft_interaction_text,
    propose_meeting_times,
    record_client_interaction,
    record_handoff_held,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(CLOSING_EVENING)]

# The shared fixtures, bound here so that pytest finds them in this module.
booked = post_close_helpers.booked
closed = post_close_helpers.closed
people = post_close_helpers.people


# The handoff meeting held, and leadership's evaluation


def held(people, transaction, **fields):
    return record_handoff_held(
        transaction=transaction,
        actor=fields.pop("actor", people.lee),
        **{
            "success": 4,
            "efficiency": 3,
            "effectiveness": 5,
            "notes": "Smooth close; the appraisal took a week too long.",
            **fields,
        },
    )


def test_leadership_records_the_meeting_held_with_its_evaluation(people, closed, booked, clock):
    clock.move_to(at(5, 14))
    with pytest.raises(LeadRefused, match="record it once it has been held"):
        held(people, closed)

    clock.move_to(at(5, 16))
    evaluation = held(people, closed)

    assert (evaluation.success, evaluation.efficiency, evaluation.effectiveness) == (4, 3, 5)
    assert evaluation.meeting == booked and evaluation.recorded_by == people.lee
    assert events(closed)[-1] == (
        "Handoff meeting of March 5, 2025, 3 p.m. PST held; evaluation: success 4/5, "
        "efficiency 3/5, effectiveness 5/5"
    )
    audit = AuditEvent.objects.get(action="transaction.handoff_held")
    assert audit.actor == people.lee.user and audit.data["success"] == 4
    row = board_row(people)
    assert "Held March 5, 2025, 3 p.m.: success 4/5, efficiency 3/5, effectiveness 5/5" in row
    with pytest.raises(LeadRefused, match="already recorded"):
        held(people, closed, actor=people.lou)
    admin = client_for(people.partnership, people.lee).get(
        f"/admin/transactions/transaction/{closed.pk}/change/"
    )
    assert "Smooth close; the appraisal took a week too long." in admin.text


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"notes": "  "}, "Write the evaluation notes"),
        ({"success": 0}, "Rate the transaction's success from 1"),
        ({"efficiency": 6}, "Rate the transaction's efficiency from 1"),
        ({"effectiveness": None}, "Rate the transaction's effectiveness from 1"),
        ({"actor": "alice"}, "Only Pinnacle Partnerships leadership records the handoff"),
    ],
)
def test_the_evaluation_needs_leadership_every_rating_and_notes(
    people, closed, booked, clock, fields, message
):
    clock.move_to(at(5, 16))
    if "actor" in fields:
        fields["actor"] = getattr(people, fields["actor"])
    with pytest.raises(LeadRefused, match=message):
        held(people, closed, **fields)
    assert not HandoffEvaluation.objects.exists()


def test_no_evaluation_before_the_meeting_is_booked(people, closed, clock):
    clock.move_to(at(5, 16))
    with pytest.raises(LeadRefused, match="not booked yet"):
        held(people, closed)


def test_leadership_records_the_meeting_held_through_the_page(people, closed, booked, clock):
    client = client_for(people.partnership, people.lee)
    assert "meeting/held/" not in actions(page(people, "lee", closed).text)
    clock.move_to(at(5, 16))
    assert "meeting/held/" in actions(page(people, "lee", closed).text)
    assert "meeting/held/" not in actions(page(people, "alice", closed).text)
    url = f"/transactions/{closed.pk}/post-close/meeting/held/"
    data = {"success": "4", "efficiency": "3", "effectiveness": "5", "notes": ""}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Write the evaluation notes." in response.text
    response = client.post(url, {**data, "success": "9", "notes": "Good."})
    assert response.status_code == 400
    assert not HandoffEvaluation.objects.exists()
    response = client.post(url, {**data, "notes": "Good work all round."})
    assert response.status_code == 302
    followed = client.get(response["Location"]).text
    assert "The handoff meeting and its evaluation are recorded." in followed
    assert "success 4/5, efficiency 3/5, effectiveness 5/5" in followed
    assert "Good work all round." in followed


def test_the_services_bound_what_any_caller_stores(people, closed):
    with pytest.raises(LeadRefused, match="Keep the meeting place to 200"):
        propose_meeting_times(
            transaction=closed, actor=people.alice, times=[at(5, 10)], location="x" * 201
        )
    with pytest.raises(LeadRefused, match="Keep the written text to 10,000"):
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.WRITTEN,
            occurred_at=at(3, 22),
            participants=[people.lee, people.alice],
            body=draft_interaction_text(closed) + "x" * 10_000,
        )
    assert not MeetingProposal.objects.exists() and not ClientInteraction.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_leaders_recording_the_meeting_held_at_once_record_it_once(partnership, time_machine):
    time_machine.move_to(CLOSING_EVENING, tick=False)
    people = Committee(partnership)
    closed = people.close()
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 10)])
    confirm_meeting(proposal=proposal, actor=people.lee)
    time_machine.move_to(at(4, 12), tick=False)
    barrier = threading.Barrier(2)
    outcomes = []

    def record(leader):
        try:
            barrier.wait(timeout=10)
            outcomes.append(held(people, closed, actor=leader))
        except LeadRefused as refusal:
            outcomes.append(str(refusal))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(who,)) for who in (people.lee, people.lou)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert HandoffEvaluation.objects.filter(transaction=closed).count() == 1
    assert "The handoff meeting and its evaluation are already recorded." in outcomes
    assert AuditEvent.objects.filter(action="transaction.handoff_held").count() == 1
    connection.close()
