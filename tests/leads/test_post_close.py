"""After a close: the handoff meeting, leadership's first client interaction, the post-close
page and leadership's board. (The letter: test_thank_you_letter.py; the sweep:
test_post_close_sweep.py.)"""

import datetime
import re
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, connections
from django.template.loader import render_to_string
from django.test import RequestFactory

from leads.models import (
    ClientInteraction,
    HandoffEvaluation,
    Lead,
    MeetingProposal,
    PostCloseStep,
    Transaction,
    TransactionAccess,
    TransactionEvent,
    TransactionStage,
)
from leads.selectors.timeline import lead_timeline
from leads.services import LeadRefused
from leads.services.postclose import (
    confirm_meeting,
    draft_interaction_text,
    names_in_text,
    propose_meeting_times,
    record_client_interaction,
    record_handoff_held,
)
from leads.services.postclose_sweep import sweep_post_close
from leads.services.thank_you import send_letter
from leads.services.transactions import remove_team_member
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import AuditEvent
from tests.conftest import client_for
from tests.leads.factories import LeadFactory, TransactionFactory
from tests.leads.transaction_builders import Committee
from tests.members.factories import LeadershipFactory

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
# Monday evening in Los Angeles, already Tuesday in UTC.
CLOSING_EVENING = datetime.datetime(2025, 3, 3, 22, 30, tzinfo=LA)
Kind = PostCloseStep.Kind


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(CLOSING_EVENING, tick=False)
    return time_machine


@pytest.fixture
def people(partnership, clock):
    partnership.timezone = "America/Los_Angeles"
    partnership.save()
    return Committee(partnership)


@pytest.fixture
def closed(people):
    return people.close()


def at(day, hour, minute=0):
    return datetime.datetime(2025, 3, day, hour, minute, tzinfo=LA)


def step(transaction, kind) -> PostCloseStep:
    return PostCloseStep.objects.get(transaction=transaction, kind=kind)


def events(transaction) -> list[str]:
    return list(
        TransactionEvent.objects.filter(transaction=transaction, kind="post_close")
        .order_by("created_at", "id")
        .values_list("summary", flat=True)
    )


def delivered(template) -> list:
    for message in OutboxMessage.objects.filter(template=template).order_by("to_email"):
        delivery.deliver(message.pk)
    return mail.outbox


# Deadlines


def test_deadlines_count_the_partnerships_calendar_days_from_a_late_evening_close(closed):
    # 22:30 on Monday in Los Angeles is Tuesday in UTC: the close is Monday's, as the team saw it.
    assert closed.closed_on == datetime.date(2025, 3, 3)
    handoff, letter = step(closed, Kind.HANDOFF_MEETING), step(closed, Kind.THANK_YOU_LETTER)
    # "Within 2 days": booked by the end of Wednesday, Los Angeles time.
    assert handoff.due_at == at(6, 0)
    assert handoff.due_on == datetime.date(2025, 3, 5)
    assert handoff.remind_at == at(5, 0)
    # The letter window (7 days) crosses the switch to daylight time on March 9.
    assert letter.due_at == datetime.datetime(2025, 3, 11, 0, 0, tzinfo=LA)
    assert letter.due_at == datetime.datetime(2025, 3, 11, 7, 0, tzinfo=datetime.UTC)  # PDT
    assert letter.due_on == datetime.date(2025, 3, 10)
    assert step(closed, Kind.FIRST_INTERACTION).due_at == letter.due_at


def test_the_partnerships_own_windows_are_used(people):
    people.partnership.post_close_meeting_days = 4
    people.partnership.thank_you_letter_days = 10
    people.partnership.save()
    transaction = people.close()
    assert step(transaction, Kind.HANDOFF_MEETING).due_on == datetime.date(2025, 3, 7)
    assert step(transaction, Kind.THANK_YOU_LETTER).due_on == datetime.date(2025, 3, 13)


# The handoff meeting


def test_the_leader_proposes_times_and_this_partnerships_active_leadership_is_emailed(
    people, closed, other_partnership
):
    LeadershipFactory(partnership=people.partnership, is_active=False)
    LeadershipFactory(partnership=other_partnership)

    proposals = propose_meeting_times(
        transaction=closed,
        actor=people.alice,
        times=[at(5, 15), at(4, 10)],
        location="Pinnacle office, 100 Congress Ave",
    )

    assert [p.starts_at for p in proposals] == [at(4, 10), at(5, 15)]
    assert events(closed) == [
        "Handoff meeting times proposed: March 4, 2025, 10 a.m. PST; March 5, 2025, 3 p.m. PST"
    ]
    sent = delivered("leads/post_close_meeting_proposed")
    assert sorted(m.to[0] for m in sent) == sorted([people.lee.email, people.lou.email])
    assert sent[0].subject == (
        "Handoff meeting: Alice Agent proposed times for Dana Customer's closing"
    )
    assert "- March 4, 2025, 10 a.m. PST\n- March 5, 2025, 3 p.m. PST" in sent[0].body
    assert "Where: Pinnacle office, 100 Congress Ave" in sent[0].body
    assert f"http://localhost/transactions/{closed.pk}/post-close/" in sent[0].body


@pytest.mark.parametrize("who", ["larry", "lee"])
def test_only_the_leader_proposes_the_meeting_times(people, closed, who):
    with pytest.raises(LeadRefused, match="Only the transaction's leader, Alice Agent, proposes"):
        propose_meeting_times(transaction=closed, actor=getattr(people, who), times=[at(4, 10)])
    assert not MeetingProposal.objects.exists()


@pytest.mark.parametrize(
    "times, message",
    [
        ([], "Propose between 1 and 3 different times."),
        ([at(4, 9), at(4, 10), at(4, 11), at(4, 12)], "Propose between 1 and 3 different times."),
        ([at(4, 10), at(3, 22)], "Propose times that are still ahead."),
    ],
)
def test_one_to_three_times_still_ahead(people, closed, times, message):
    with pytest.raises(LeadRefused, match=message):
        propose_meeting_times(transaction=closed, actor=people.alice, times=times)


def test_no_meeting_before_the_transaction_closes(people):
    transaction = TransactionFactory(
        partnership=people.partnership,
        leader=people.alice,
        stage=TransactionStage.UNDER_CONTRACT,
        closed_on=None,
    )
    with pytest.raises(LeadRefused, match="once the transaction is marked closed"):
        propose_meeting_times(transaction=transaction, actor=people.alice, times=[at(4, 10)])


def test_new_times_replace_the_unconfirmed_ones(people, closed):
    propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 10)])
    propose_meeting_times(transaction=closed, actor=people.alice, times=[at(5, 9), at(5, 11)])
    assert list(
        MeetingProposal.objects.filter(transaction=closed).values_list("starts_at", flat=True)
    ) == [at(5, 9), at(5, 11)]


def test_leadership_confirms_a_time_which_books_the_meeting_on_time(people, closed, clock):
    first, _ = propose_meeting_times(
        transaction=closed, actor=people.alice, times=[at(5, 15), at(6, 10)]
    )
    clock.move_to(at(4, 9))
    confirm_meeting(proposal=first, actor=people.lee)

    handoff = step(closed, Kind.HANDOFF_MEETING)
    assert handoff.completed_at == at(4, 9)
    assert handoff.completed_by == people.lee
    assert handoff.state(at(4, 9)) == "on_time"
    assert (
        events(closed)[-1] == "Handoff meeting with leadership booked for March 5, 2025, 3 p.m. PST"
    )
    (sent,) = delivered("leads/post_close_meeting_confirmed")
    assert sent.to == [people.alice.email]
    assert sent.subject == "Handoff meeting booked: March 5, 2025, 3 p.m. PST"
    assert "Lee Leadership confirmed the handoff meeting" in sent.body

    # One booking per transaction.
    with pytest.raises(LeadRefused, match="already booked for March 5, 2025, 3 p"):
        confirm_meeting(proposal=MeetingProposal.objects.get(starts_at=at(6, 10)), actor=people.lou)
    with pytest.raises(LeadRefused, match="already booked"):
        propose_meeting_times(transaction=closed, actor=people.alice, times=[at(7, 10)])


def test_a_booking_after_the_deadline_still_books_but_counts_late(people, closed, clock):
    clock.move_to(at(6, 8))  # Thursday morning: the two days ended at Wednesday's midnight
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(7, 10)])
    confirm_meeting(proposal=proposal, actor=people.lee)

    handoff = step(closed, Kind.HANDOFF_MEETING)
    assert handoff.completed_at == at(6, 8)
    assert handoff.state(at(6, 8)) == "late"
    assert events(closed)[-1].endswith("(after the deadline: the times were proposed late)")
    board = client_for(people.partnership, people.lee).get("/transactions/post-close/").text
    assert "Done late" in board


@pytest.mark.parametrize("who", ["alice", "larry", "nora"])
def test_only_leadership_confirms_the_meeting(people, closed, who):
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 10)])
    with pytest.raises(LeadRefused, match="Only Pinnacle Partnerships leadership confirms"):
        confirm_meeting(proposal=proposal, actor=getattr(people, who))
    assert step(closed, Kind.HANDOFF_MEETING).completed_at is None


def test_a_time_that_has_passed_cannot_be_confirmed(people, closed, clock):
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 10)])
    clock.move_to(at(4, 10, 1))
    with pytest.raises(LeadRefused, match="That time has passed; ask Alice Agent to propose new"):
        confirm_meeting(proposal=proposal, actor=people.lee)


def test_replaced_times_cannot_be_confirmed(people, closed):
    (old,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 10)])
    propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 11)])
    with pytest.raises(LeadRefused, match="replaced by new ones"):
        confirm_meeting(proposal=old, actor=people.lee)


# The handoff meeting's two parts: whose step was late


def board_row(people, name="Dana Customer") -> str:
    html = board(client_for(people.partnership, people.lee)).text
    start = html.index(name)
    return html[start : html.index("</tr>", start)]


def test_a_leader_who_proposed_on_time_is_not_late_when_leadership_confirms_late(
    people, closed, clock
):
    clock.move_to(at(4, 9))  # Tuesday: within the two days
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(7, 10)])
    clock.move_to(at(6, 8))  # Thursday: leadership confirms after the deadline
    confirm_meeting(proposal=proposal, actor=people.lee)

    handoff = step(closed, Kind.HANDOFF_MEETING)
    assert (handoff.times_proposed_at, handoff.times_proposed_by) == (at(4, 9), people.alice)
    assert handoff.completed_at == at(6, 8)
    assert handoff.leader_state(at(6, 8)) == "on_time"
    assert handoff.leadership_state(at(6, 8)) == "late"
    assert handoff.late_party(at(6, 8)) == "leadership"
    assert events(closed)[-1].endswith("(after the deadline: leadership confirmed late)")
    row = board_row(people)
    assert "Times proposed March 4, 2025, 9 a.m. by Alice Agent" in row
    assert "Confirmed by leadership March 6, 2025, 8 a.m. by Lee Leadership" in row
    assert "Late: leadership&#x27;s step" in row
    assert "Late: the leader" not in row
    # The transaction's own page says the same.
    team_page = client_for(people.partnership, people.alice).get(closed.get_absolute_url()).text
    assert "Times proposed March 4, 2025, 9 a.m. by Alice Agent" in team_page
    assert "Late: leadership&#x27;s step" in team_page


def test_a_leader_who_proposed_after_the_deadline_is_the_one_counted_late(people, closed, clock):
    clock.move_to(at(6, 8))
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(7, 10)])
    assert events(closed)[-1].endswith("(after the deadline)")
    clock.move_to(at(6, 9))
    confirm_meeting(proposal=proposal, actor=people.lee)

    handoff = step(closed, Kind.HANDOFF_MEETING)
    assert handoff.leader_state(at(6, 9)) == "late"
    assert handoff.leadership_state(at(6, 9)) == "on_time"
    assert handoff.late_party(at(6, 9)) == "leader"
    row = board_row(people)
    assert "Late: the leader&#x27;s step" in row
    assert "Late: leadership" not in row


def test_both_parts_on_time_show_no_lateness(people, closed, clock):
    clock.move_to(at(4, 9))
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(7, 10)])
    clock.move_to(at(5, 23))
    confirm_meeting(proposal=proposal, actor=people.lee)
    assert step(closed, Kind.HANDOFF_MEETING).late_party(at(5, 23)) == ""
    assert "Late:" not in board_row(people)


def test_proposed_times_waiting_past_the_deadline_are_leaderships_overdue_step(
    people, closed, clock
):
    clock.move_to(at(4, 9))
    propose_meeting_times(transaction=closed, actor=people.alice, times=[at(7, 10)])
    clock.move_to(at(6, 1))
    handoff = step(closed, Kind.HANDOFF_MEETING)
    assert handoff.leadership_state(at(6, 1)) == "overdue"
    assert handoff.late_party(at(6, 1)) == "leadership"
    assert "Late: leadership&#x27;s step" in board_row(people)


def test_a_leader_with_no_times_past_the_deadline_is_overdue(people, closed, clock):
    clock.move_to(at(6, 1))
    handoff = step(closed, Kind.HANDOFF_MEETING)
    assert handoff.leader_state(at(6, 1)) == "overdue"
    assert handoff.leadership_state(at(6, 1)) is None
    assert "Late: the leader&#x27;s step" in board_row(people)


def test_new_times_keep_the_moment_the_leader_first_proposed(people, closed, clock):
    clock.move_to(at(4, 9))
    propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 10)])
    clock.move_to(at(6, 8))  # the first times passed unconfirmed: the leader proposes again
    propose_meeting_times(transaction=closed, actor=people.alice, times=[at(7, 10)])
    handoff = step(closed, Kind.HANDOFF_MEETING)
    assert handoff.times_proposed_at == at(4, 9)
    assert handoff.late_party(at(6, 8)) == "leadership"


# The handoff meeting held, and leadership's evaluation


@pytest.fixture
def booked(people, closed, clock):
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(5, 15)])
    clock.move_to(at(4, 9))
    confirm_meeting(proposal=proposal, actor=people.lee)
    return proposal


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
        f"/admin/leads/transaction/{closed.pk}/change/"
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


# Leadership's first client interaction


def test_the_drafted_written_interaction_names_every_committee_member(people, closed):
    text = draft_interaction_text(closed)
    assert text.startswith("Dear Dana Customer,")
    assert "Alice Agent, Larry Lender, and Ines Inspector" in text
    assert "Alice Agent led your team" in text
    assert text.endswith("Pinnacle Partnerships leadership")


def test_a_written_interaction_must_name_every_committee_member(people, closed):
    with pytest.raises(LeadRefused) as refusal:
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.WRITTEN,
            occurred_at=at(3, 22, 0),
            participants=[people.lee, people.alice],
            body="Dear Dana, congratulations from Alice Agent and all of us.",
        )
    assert str(refusal.value) == (
        "A written interaction names every member who was involved in the transaction; "
        "add Larry Lender and Ines Inspector."
    )
    assert not ClientInteraction.objects.exists()


def test_the_leader_must_take_part(people, closed):
    with pytest.raises(LeadRefused, match="The transaction's leader, Alice Agent, must take part"):
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.CALL,
            occurred_at=at(3, 22),
            participants=[people.lee, people.larry],
        )


@pytest.mark.parametrize("who", ["alice", "larry"])
def test_only_leadership_records_its_first_interaction(people, closed, who):
    with pytest.raises(LeadRefused, match="Only Pinnacle Partnerships leadership records"):
        record_client_interaction(
            transaction=closed,
            actor=getattr(people, who),
            mode=ClientInteraction.Mode.CALL,
            occurred_at=at(3, 22),
            participants=[people.alice],
        )


def test_an_outsider_cannot_be_listed_as_taking_part(people, closed):
    with pytest.raises(LeadRefused, match="Nora Outsider is neither on the transaction committee"):
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.IN_PERSON,
            occurred_at=at(3, 22),
            participants=[people.alice, people.nora],
        )


@pytest.mark.parametrize(
    "occurred_at, message",
    [(at(3, 22, 31), "once it has taken place"), (at(2, 23, 59), "on or after the closing day")],
)
def test_the_interaction_happened_between_the_close_and_now(people, closed, occurred_at, message):
    with pytest.raises(LeadRefused, match=message):
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.CALL,
            occurred_at=occurred_at,
            participants=[people.alice, people.lee],
        )


def test_a_live_call_is_recorded_with_who_took_part_and_when(people, closed, clock):
    clock.move_to(at(5, 12))
    interaction = record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.CALL,
        occurred_at=at(5, 11),
        participants=[people.lee, people.alice],
    )
    assert set(interaction.participants.all()) == {people.lee, people.alice}
    assert step(closed, Kind.FIRST_INTERACTION).completed_at == at(5, 11)
    assert events(closed) == [
        "Leadership's first client interaction (live telephone call) with Lee Leadership and "
        "Alice Agent"
    ]
    assert not OutboxMessage.objects.filter(template="leads/client_interaction").exists()
    with pytest.raises(LeadRefused, match="already recorded"):
        record_client_interaction(
            transaction=closed,
            actor=people.lou,
            mode=ClientInteraction.Mode.CALL,
            occurred_at=at(5, 11),
            participants=[people.alice],
        )


def test_a_written_interaction_can_be_emailed_to_the_customer_from_leadership(people, closed):
    interaction = record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.WRITTEN,
        occurred_at=None,
        participants=[people.lee, people.alice],
        body=draft_interaction_text(closed),
        email_customer=True,
    )
    assert interaction.emailed_at == CLOSING_EVENING
    assert interaction.occurred_at == CLOSING_EVENING
    (sent,) = delivered("leads/client_interaction")
    assert sent.to == ["dana@example.com"]
    assert sent.from_email.startswith('"Lee Leadership, Pinnacle Partnerships leadership"')
    assert sent.reply_to == [people.lee.email]
    assert sent.subject == "Congratulations on your closing, Dana Customer"
    assert "Alice Agent, Larry Lender, and Ines Inspector" in sent.body
    html = sent.alternatives[0][0]
    assert people.partnership.seal_url in html and people.partnership.website_url in html
    assert step(closed, Kind.FIRST_INTERACTION).completed_by == people.lee


def test_only_a_written_interaction_is_emailed(people, closed):
    with pytest.raises(LeadRefused, match="Only a written interaction can be emailed"):
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.CALL,
            occurred_at=at(3, 22),
            participants=[people.alice],
            email_customer=True,
        )


def test_the_leader_gets_a_copy_of_the_written_interaction_emailed_to_the_customer(people, closed):
    record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.WRITTEN,
        occurred_at=None,
        participants=[people.lee, people.alice],
        body=draft_interaction_text(closed) + "\n\nP.S. Alice says hello.",
        email_customer=True,
    )
    (copy,) = delivered("leads/client_interaction_copy")
    assert copy.to == [people.alice.email]
    assert copy.reply_to == [people.lee.email]
    assert copy.subject == "Copy: leadership's note to Dana Customer after the closing"
    assert "Lee Leadership emailed Dana Customer (dana@example.com)" in copy.body
    assert "P.S. Alice says hello." in copy.body


def test_a_member_taken_off_the_team_is_still_named_in_the_written_interaction(people, closed):
    remove_team_member(transaction=closed, actor=people.alice, member=people.larry)
    text = draft_interaction_text(closed)
    assert "Alice Agent, Ines Inspector, and Larry Lender" in text
    with pytest.raises(LeadRefused, match="add Larry Lender"):
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.WRITTEN,
            occurred_at=at(3, 22),
            participants=[people.lee, people.alice],
            body="Dear Dana, thank you from Alice Agent and Ines Inspector.",
        )
    record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.WRITTEN,
        occurred_at=at(3, 22),
        participants=[people.lee, people.alice],
        body=text,
    )
    assert ClientInteraction.objects.filter(transaction=closed).exists()


@pytest.mark.parametrize(
    "name, text, named",
    [
        ("Al", "We also thank you.", False),
        ("Al", "Al and Alice thank you.", True),
        ("Al", "Thank you, al.", True),
        ("Ann Lee", "Joann Leeds sends her best.", False),
        ("Ann Lee", "ANN  LEE sends her best.", True),
        ("Ann Lee", "Ann\nLee sends her best.", True),
        ("J. Smith", "J. Smithers", False),
        ("J. Smith", "From J. Smith.", True),
    ],
)
def test_a_member_is_named_by_their_whole_name_on_word_boundaries(name, text, named):
    assert names_in_text(name, text) is named


def test_a_short_name_inside_another_word_does_not_count(people, closed):
    people.ines.display_name = "Al"
    people.ines.save()
    body = "Dear Dana, Alice Agent and Larry Lender also thank you."
    with pytest.raises(LeadRefused, match=r"add Al\.$"):
        record_client_interaction(
            transaction=closed,
            actor=people.lee,
            mode=ClientInteraction.Mode.WRITTEN,
            occurred_at=at(3, 22),
            participants=[people.lee, people.alice],
            body=body,
        )
    record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.WRITTEN,
        occurred_at=at(3, 22),
        participants=[people.lee, people.alice],
        body=body + " So does AL.",
    )


def test_a_call_keeps_no_written_text(people, closed):
    interaction = record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.CALL,
        occurred_at=at(3, 22),
        participants=[people.lee, people.alice],
        body=draft_interaction_text(closed),  # the draft left in the form
    )
    assert interaction.body == ""


# Confidentiality of the post-close emails


def test_every_post_close_email_is_about_the_transaction_never_on_the_leads_timeline(
    people, closed, clock
):
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 10)])
    confirm_meeting(proposal=proposal, actor=people.lee)
    send_letter(transaction=closed, actor=people.alice)
    record_client_interaction(
        transaction=closed,
        actor=people.lee,
        mode=ClientInteraction.Mode.WRITTEN,
        occurred_at=None,
        participants=[people.lee, people.alice],
        body=draft_interaction_text(closed),
        email_customer=True,
    )
    # Another customer's transaction where nothing is done: reminded, then escalated.
    other = people.close(
        lead=Lead.objects.create(
            partnership=people.partnership,
            name="Omar Other",
            email="omar@example.com",
            need="buy",
            timeframe="now",
            last_submitted_at=CLOSING_EVENING,
        )
    )
    sweep_post_close(now=at(5, 0))
    sweep_post_close(now=at(12, 0))

    templates = set(OutboxMessage.objects.values_list("template", flat=True))
    assert templates == {
        "leads/post_close_meeting_proposed",
        "leads/post_close_meeting_confirmed",
        "leads/thank_you_letter",
        "leads/client_interaction",
        "leads/client_interaction_copy",
        "leads/post_close_reminder",
        "leads/post_close_escalation",
    }
    for message in OutboxMessage.objects.select_related("content_type"):
        assert message.content_type.model == "transaction", message.template
        assert message.object_id in (closed.pk, other.pk), message.template
    # Every member reads a lead's timeline: these emails are there only for the committee and
    # leadership, never for a member off the team.
    for lead in (closed.lead, other.lead):
        assert not [e for e in lead_timeline(lead, people.nora) if e.kind == "email"]
        for viewer in (people.larry, people.lee):
            assert [e for e in lead_timeline(lead, viewer) if e.kind == "email"]


# The post-close page and its forms


def page(people, who, transaction):
    return client_for(people.partnership, getattr(people, who)).get(
        f"/transactions/{transaction.pk}/post-close/"
    )


def actions(html: str) -> set[str]:
    return set(re.findall(r'action="/transactions/\d+/post-close/([a-z/]+)"', html))


def test_the_leader_proposes_and_writes_leadership_confirms_and_records(people, closed):
    assert actions(page(people, "alice", closed).text) == {
        "meeting/propose/",
        "letter/",
        "letter/mailed/",
    }
    assert actions(page(people, "lee", closed).text) == {"interaction/"}
    propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 10)])
    lee_page = page(people, "lee", closed).text
    assert actions(lee_page) == {"meeting/confirm/", "interaction/"}
    assert "Tuesday, March 4, 2025, 10 a.m." in lee_page
    # The rest of the team sees where things stand and the printable letter, no forms.
    larry_page = page(people, "larry", closed)
    assert actions(larry_page.text) == set()
    assert "Waiting for leadership to confirm one of these times." in larry_page.text
    assert f"/transactions/{closed.pk}/post-close/letter.pdf" in larry_page.text


def test_the_post_close_page_is_the_teams_and_leaderships_only(people, closed, other_partnership):
    assert page(people, "nora", closed).status_code == 404
    outsider = LeadershipFactory(partnership=other_partnership)
    assert (
        client_for(other_partnership, outsider)
        .get(f"/transactions/{closed.pk}/post-close/")
        .status_code
        == 404
    )
    assert page(people, "larry", closed).status_code == 200
    # Leadership may look; every look from outside the team is logged.
    assert page(people, "lee", closed).status_code == 200
    assert TransactionAccess.objects.filter(transaction=closed, member=people.lee).count() == 1


def test_times_are_typed_in_the_viewers_zone(people, closed):
    people.alice.timezone = "America/New_York"
    people.alice.save()
    response = client_for(people.partnership, people.alice).post(
        f"/transactions/{closed.pk}/post-close/meeting/propose/",
        {"time_1": "2025-03-04T13:00", "location": "Video call", "next": "/somewhere/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/somewhere/#post-close"
    (proposal,) = MeetingProposal.objects.all()
    assert proposal.starts_at == at(4, 10)  # 1 p.m. in New York


@pytest.mark.parametrize(
    "data",
    [
        {"time_1": "9999-12-31T23:59"},
        {"time_1": "tomorrow"},
        {"time_1": ""},
        {"time_1": "2025-03-09T02:30"},  # does not exist in Los Angeles (clocks go forward)
    ],
)
def test_bad_meeting_input_is_a_form_error_never_a_500(people, closed, data):
    response = client_for(people.partnership, people.alice).post(
        f"/transactions/{closed.pk}/post-close/meeting/propose/", data
    )
    assert response.status_code == 400
    assert 'class="errorlist"' in response.text
    assert not MeetingProposal.objects.exists()


def test_a_nul_character_is_refused_at_the_edge(people, closed):
    response = client_for(people.partnership, people.alice).post(
        f"/transactions/{closed.pk}/post-close/meeting/propose/",
        {"time_1": "2025-03-04T10:00", "location": "Office\x00"},
    )
    assert response.status_code == 400
    assert not MeetingProposal.objects.exists()


def test_a_refusal_is_shown_with_the_form(people, closed):
    response = client_for(people.partnership, people.alice).post(
        f"/transactions/{closed.pk}/post-close/meeting/propose/", {"time_1": "2025-03-03T20:00"}
    )
    assert response.status_code == 400
    assert "Propose times that are still ahead." in response.text


def test_leadership_confirms_through_the_page(people, closed):
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 10)])
    client = client_for(people.partnership, people.lee)
    url = f"/transactions/{closed.pk}/post-close/meeting/confirm/"
    assert client.post(url, {"proposal": "0"}).status_code == 400
    response = client.post(url, {"proposal": str(proposal.pk), "next": "https://evil.example/"})
    assert response["Location"] == f"/transactions/{closed.pk}/post-close/#post-close"
    followed = client.get(response["Location"]).text
    assert "The handoff meeting is booked; Alice Agent was emailed." in followed
    assert "Done on time" in followed


def test_the_leader_cannot_confirm_their_own_times(people, closed):
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 10)])
    response = client_for(people.partnership, people.alice).post(
        f"/transactions/{closed.pk}/post-close/meeting/confirm/", {"proposal": str(proposal.pk)}
    )
    assert response.status_code == 400
    assert "Only Pinnacle Partnerships leadership confirms the handoff meeting." in response.text


def test_leadership_records_the_interaction_with_the_drafted_text(people, closed):
    client = client_for(people.partnership, people.lee)
    form_page = page(people, "lee", closed).text
    assert "Alice Agent, Larry Lender, and Ines Inspector" in form_page  # the prefilled draft
    url = f"/transactions/{closed.pk}/post-close/interaction/"
    data = {
        "mode": "written",
        "occurred_at": "2025-03-03T22:00",
        "participants": [str(people.lee.pk), str(people.alice.pk)],
        "body": "Dear Dana, congratulations from Alice Agent.",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "add Larry Lender and Ines Inspector." in response.text
    response = client.post(url, {**data, "body": draft_interaction_text(closed)})
    assert response.status_code == 302
    assert ClientInteraction.objects.get().occurred_at == at(3, 22)


def interaction_form_html(html: str) -> str:
    start = html.index('action="/transactions/')
    start = html.index('post-close/interaction/"', start)
    return html[start : html.index("</form>", start)]


def test_the_interaction_form_fills_in_nothing_that_did_not_happen(people, closed):
    people.larry.display_name = "Larry O'Lender"  # the draft is shown as written
    people.larry.save()
    form = interaction_form_html(page(people, "lee", closed).text)
    # No way, no time, nobody ticked: leadership says what happened.
    assert "checked" not in form
    (when,) = re.findall(r"<input[^>]*name=\"occurred_at\"[^>]*>", form)
    assert "value=" not in when
    # The drafted text is the starting point of a written one, shown only for that mode.
    written = form[form.index('<div class="written-only">') :]
    assert "Alice Agent, Larry O&#x27;Lender, and Ines Inspector" in written
    assert 'name="email_customer"' in written
    # The checkbox sits in its label, before the words.
    assert re.search(
        r'<label for="id_interaction_email_customer"><input type="checkbox" '
        r'name="email_customer"[^>]*> Email this text to the customer now',
        written,
    )


def test_the_interaction_form_asks_for_the_way_it_took_place(people, closed):
    response = client_for(people.partnership, people.lee).post(
        f"/transactions/{closed.pk}/post-close/interaction/",
        {"occurred_at": "2025-03-03T22:00", "participants": [str(people.alice.pk)]},
    )
    assert response.status_code == 400
    assert "Choose how the interaction took place." in response.text
    assert not ClientInteraction.objects.exists()


def test_the_section_shows_nothing_through_a_customers_authorization(people, closed):
    request = RequestFactory().get("/")
    context = {"transaction": closed, "viewer": people.nora, "request": request}
    html = render_to_string(
        "leads/transactions/_post_close.html", {**context, "access_name": "disclosure"}
    )
    assert html.strip() == ""
    html = render_to_string(
        "leads/transactions/_post_close.html",
        {**context, "viewer": people.larry, "access_name": "team"},
    )
    assert "After the close" in html and "Due by March 5, 2025" in html.replace("Mar.", "March")


# Leadership's board


def board(client, **params):
    return client.get("/transactions/post-close/", params)


def names_in(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/transactions/\d+/post-close/">([^<]+)</a>', html)


def test_the_board_is_for_leadership_only(people, closed, anon_client):
    for who in ("alice", "larry", "nora"):
        response = board(client_for(people.partnership, getattr(people, who)))
        assert response.status_code == 404
        assert "Dana Customer" not in response.text
    assert board(anon_client).status_code == 302
    assert "Dana Customer" in board(client_for(people.partnership, people.lee)).text


def test_the_menu_links_the_board_for_leadership(people):
    link = '<a href="/transactions/post-close/">Post-close</a>'
    assert link in client_for(people.partnership, people.lee).get("/dashboard/").text
    assert link not in client_for(people.partnership, people.alice).get("/dashboard/").text


def test_overdue_first_then_the_nearest_deadline_then_the_finished(
    people, clock, other_partnership
):
    def close(name, closed_on, done=()):
        lead = Lead.objects.create(
            partnership=people.partnership,
            name=name,
            email=f"{name.split()[0].lower()}@example.com",
            need="buy",
            timeframe="now",
            last_submitted_at=CLOSING_EVENING,
        )
        transaction = people.close(lead=lead, closed_on=closed_on)
        PostCloseStep.objects.filter(transaction=transaction, kind__in=done).update(
            completed_at=CLOSING_EVENING, completed_by=people.lee
        )
        return transaction

    close("Dora Done", datetime.date(2025, 3, 1), done=list(Kind))
    close("Liam Later", datetime.date(2025, 3, 3), done=[Kind.HANDOFF_MEETING])
    close("Sam Soon", datetime.date(2025, 3, 3))
    close("Olga Overdue", datetime.date(2025, 2, 20))
    Committee(other_partnership).close()  # another partnership's: never listed
    TransactionFactory(partnership=people.partnership, stage=TransactionStage.OPENED)

    client = client_for(people.partnership, people.lee)
    html = board(client).text
    assert names_in(html) == ["Olga Overdue", "Sam Soon", "Liam Later", "Dora Done"]
    olga_row = html[html.index("Olga Overdue") : html.index("Sam Soon")]
    assert olga_row.count("Overdue</span>") == 3
    dora_row = html[html.index("Dora Done") :]
    assert dora_row.count("Done on time") == 3
    assert names_in(board(client, open="1").text) == ["Olga Overdue", "Sam Soon", "Liam Later"]


def test_the_boards_empty_states(people):
    client = client_for(people.partnership, people.lee)
    assert "No closed transactions yet." in board(client).text
    assert "Nothing left to do" in board(client, open="1").text


def _bulk_closed(people, count):
    leads = Lead.objects.bulk_create(
        Lead(
            partnership=people.partnership,
            name=f"Customer {n:04d}",
            email=f"customer{n}@example.com",
            need="buy",
            timeframe="now",
            last_submitted_at=CLOSING_EVENING,
        )
        for n in range(count)
    )
    transactions = Transaction.objects.bulk_create(
        Transaction(
            partnership=people.partnership,
            lead=lead,
            kind="buy",
            stage=TransactionStage.CLOSED,
            closed_on=datetime.date(2025, 3, 3) - datetime.timedelta(days=n % 9),
            leader=people.alice,
            opened_by=people.alice,
        )
        for n, lead in enumerate(leads)
    )
    PostCloseStep.objects.bulk_create(
        PostCloseStep(
            partnership=people.partnership,
            transaction=transaction,
            kind=kind,
            due_at=at(4, 0) + datetime.timedelta(days=n % 9 - 4),
            remind_at=at(3, 0),
        )
        for n, transaction in enumerate(transactions)
        for kind in Kind
    )


# Partnership, session user, membership, page count, page rows, their steps; one INSERT logging
# leadership's look at the rows shown.
BOARD_QUERIES = 7


@pytest.mark.parametrize("count", [10, 1000])
def test_the_boards_query_count_does_not_grow_with_the_transactions(
    people, count, django_assert_num_queries
):
    started = time.monotonic()
    _bulk_closed(people, count)
    assert time.monotonic() - started < 10
    client = client_for(people.partnership, people.lee)
    with django_assert_num_queries(BOARD_QUERIES):
        response = board(client, open="1")
    assert len(names_in(response.text)) == min(count, 25)
    with django_assert_num_queries(BOARD_QUERIES):
        board(client, page="2")


def test_leaderships_look_at_the_board_is_logged_for_every_row_shown(people):
    shown = [
        people.close(),
        people.close(lead=LeadFactory(partnership=people.partnership, name="Eli Customer")),
    ]
    board(client_for(people.partnership, people.lee))
    logged = TransactionAccess.objects.filter(member=people.lee)
    assert sorted(logged.values_list("transaction_id", flat=True)) == sorted(t.pk for t in shown)
    assert set(logged.values_list("via", "seen_on")) == {("leadership", "list")}


# Leadership's dashboard


def dashboard(people, who) -> str:
    return client_for(people.partnership, getattr(people, who)).get("/dashboard/").text


def test_leaderships_dashboard_counts_the_post_close_work_waiting(
    people, closed, other_partnership
):
    propose_meeting_times(transaction=closed, actor=people.alice, times=[at(4, 10)])
    late = people.close(
        lead=Lead.objects.create(
            partnership=people.partnership,
            name="Olga Overdue",
            email="olga@example.com",
            need="buy",
            timeframe="now",
            last_submitted_at=CLOSING_EVENING,
        ),
        closed_on=datetime.date(2025, 2, 20),
    )
    # Booked late and the interaction recorded: only its letter is still overdue.
    (proposal,) = propose_meeting_times(transaction=late, actor=people.alice, times=[at(4, 9)])
    confirm_meeting(proposal=proposal, actor=people.lee)
    record_client_interaction(
        transaction=late,
        actor=people.lee,
        mode=ClientInteraction.Mode.CALL,
        occurred_at=at(3, 22),
        participants=[people.lee, people.alice],
    )
    other = Committee(other_partnership)
    propose_meeting_times(transaction=other.close(), actor=other.alice, times=[at(4, 10)])

    html = dashboard(people, "lee")
    panel = html[html.index('id="post-close-panel-heading"') :]
    panel = panel[: panel.index("</section>")]
    assert "<strong>1</strong> handoff meeting with proposed times to confirm" in panel
    assert "<strong>1</strong> overdue step</a>" in panel
    assert "<strong>1</strong> first client interaction to record" in panel
    assert 'href="/transactions/post-close/?open=1"' in panel
    # Members have their own dashboard: no post-close panel.
    assert "post-close-panel-heading" not in dashboard(people, "alice")


def test_leaderships_dashboard_says_when_nothing_waits(people):
    html = dashboard(people, "lee")
    assert "Nothing waiting for leadership: no handoff times to confirm" in html


def test_leaderships_transactions_panel_does_not_say_it_is_on_no_team(people, closed):
    html = dashboard(people, "lee")
    assert "You are on no transaction team" not in html
    assert "Leadership sits on no transaction team" in html
    assert "You are on no transaction team yet." in dashboard(people, "nora")


# Partnership, session user, membership; the panels: policy revisions open for a vote, referred
# leads, open inquiries, the post-close counts (one aggregate), the member's transactions, the
# appreciation touches due this week (one aggregate when none are due), and the advocate CRM's
# "Referrers to update" (leadership's own circle).
LEADERSHIP_DASHBOARD_QUERIES = 10


@pytest.mark.parametrize("count", [10, 1000])
def test_leaderships_dashboard_query_count_does_not_grow_with_the_transactions(
    people, count, django_assert_num_queries
):
    _bulk_closed(people, count)
    client = client_for(people.partnership, people.lee)
    with django_assert_num_queries(LEADERSHIP_DASHBOARD_QUERIES):
        response = client.get("/dashboard/")
    assert "overdue step" in response.text


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
