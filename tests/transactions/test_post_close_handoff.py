"""After a close: the post-close deadlines, the handoff meeting's proposed and confirmed times,
and whose step was late. (The whole post-close family: test_post_close_*.py; the letter:
test_thank_you_letter.py; the sweep: test_post_close_sweep.py.)"""

import datetime

import pytest

from leads.services import LeadRefused
from tests.conftest import client_for
from tests.members.factories import LeadershipFactory
from tests.transactions import post_close_helpers
from tests.transactions.factories import TransactionFactory
from tests.transactions.post_close_helpers import (
    CLOSING_EVENING,
    LA,
    Kind,
    at,
    board_row,
    delivered,
    events,
    step,
)
from transactions.models import MeetingProposal, TransactionStage
from transactions.services.postclose import (
    confirm_meeting,
    propose_meeting_times,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(CLOSING_EVENING)]

# The shared fixtures, bound here so that pytest finds them in this module.
closed = post_close_helpers.closed
people = post_close_helpers.people


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
