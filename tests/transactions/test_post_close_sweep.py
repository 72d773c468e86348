"""Beat's post-close sweep: whoever acts next is reminded the day before a step's deadline (the
leader to propose meeting times and send the letter, leadership to confirm proposed times,
both for the first client interaction), every active leader is told once it passes; in the
partnership's days, whatever the server's zone."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail

from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.members.factories import LeadershipFactory
from tests.transactions.transaction_builders import Committee
from transactions import tasks
from transactions.models import PostCloseStep
from transactions.services.postclose import confirm_meeting, propose_meeting_times
from transactions.services.postclose.sweep import sweep_post_close

LA = ZoneInfo("America/Los_Angeles")
CLOSING_EVENING = datetime.datetime(2025, 3, 3, 22, 30, tzinfo=LA)  # Tuesday 06:30 in UTC

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(CLOSING_EVENING)]

Kind = PostCloseStep.Kind


@pytest.fixture
def people(partnership, clock):
    partnership.timezone = "America/Los_Angeles"
    partnership.save()
    return Committee(partnership)


@pytest.fixture
def closed(people):
    return people.close()


def la(day, hour=0, minute=0):
    return datetime.datetime(2025, 3, day, hour, minute, tzinfo=LA)


def sweep_at(clock, moment):
    clock.move_to(moment, tick=False)
    return tasks.sweep_post_close_steps()


def emails(template):
    return list(OutboxMessage.objects.filter(template=template).order_by("to_email"))


def test_the_beat_schedule_runs_the_sweep_every_few_minutes():
    (entry,) = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == tasks.sweep_post_close_steps.name
    ]
    assert entry["schedule"] <= 5 * 60


def test_nothing_is_sent_before_the_day_the_handoff_is_due(clock, closed):
    assert sweep_at(clock, la(4, 23, 59)) == (0, 0)
    assert not OutboxMessage.objects.exists()


def test_the_leader_is_reminded_once_on_the_last_day_to_book_the_meeting(clock, people, closed):
    # Midnight starting Wednesday in Los Angeles: 08:00 UTC.
    assert sweep_at(clock, la(5)) == (1, 0)
    assert sweep_at(clock, la(5, 12)) == (0, 0)

    (reminder,) = emails("leads/post_close_reminder")
    assert reminder.to_email == people.alice.email
    delivery.deliver(reminder.pk)
    (sent,) = mail.outbox
    assert sent.subject == (
        "Reminder for Dana Customer's closing: book the handoff meeting by Wednesday, March 5"
    )
    assert (
        "book the post-transaction handoff meeting with leadership (the leader proposes times, "
        "leadership confirms one), by the end of Wednesday, March 5, 2025 (America/Los_Angeles)"
    ) in sent.body
    assert f"http://localhost/transactions/{closed.pk}/post-close/" in sent.body
    handoff = PostCloseStep.objects.get(transaction=closed, kind=Kind.HANDOFF_MEETING)
    assert handoff.reminded_at == la(5)


def test_once_times_are_proposed_leadership_is_reminded_to_confirm_one(
    clock, people, closed, other_partnership
):
    LeadershipFactory(partnership=people.partnership, is_active=False)
    LeadershipFactory(partnership=other_partnership)
    propose_meeting_times(transaction=closed, actor=people.alice, times=[la(5, 15)])
    assert sweep_at(clock, la(5)) == (1, 0)

    reminders = emails("leads/post_close_reminder")
    # Only leadership can book now: the leader is not nagged for what is not theirs to do.
    assert sorted(r.to_email for r in reminders) == sorted([people.lee.email, people.lou.email])
    delivery.deliver(reminders[0].pk)
    (sent,) = mail.outbox
    assert sent.subject == (
        "Reminder for Dana Customer's closing: confirm a time for the handoff meeting by "
        "Wednesday, March 5"
    )
    assert "Alice Agent proposed times for the post-transaction handoff meeting" in sent.body
    assert "confirm one of them by the end of Wednesday, March 5, 2025" in sent.body
    assert f"http://localhost/transactions/{closed.pk}/post-close/" in sent.body
    # The escalation after the deadline is unchanged: every active leader.
    assert sweep_at(clock, la(6)) == (0, 1)
    assert sorted(e.to_email for e in emails("leads/post_close_escalation")) == sorted(
        [people.lee.email, people.lou.email]
    )


def test_after_the_deadline_this_partnerships_active_leadership_is_told_once(
    clock, people, closed, other_partnership
):
    LeadershipFactory(partnership=people.partnership, is_active=False)
    LeadershipFactory(partnership=other_partnership)
    sweep_at(clock, la(5))
    assert sweep_at(clock, la(5, 23, 59)) == (0, 0)
    assert sweep_at(clock, la(6)) == (0, 1)
    assert sweep_at(clock, la(6, 0, 5)) == (0, 0)

    escalations = emails("leads/post_close_escalation")
    assert sorted(e.to_email for e in escalations) == sorted([people.lee.email, people.lou.email])
    delivery.deliver(escalations[0].pk)
    (sent,) = mail.outbox
    assert sent.subject == (
        "Overdue after Dana Customer's closing: handoff meeting not booked "
        "(the leader's step: no times proposed)"
    )
    assert "led by Alice Agent" in sent.body
    assert "passed at the end of Wednesday, March 5, 2025 (America/Los_Angeles)" in sent.body
    assert "http://localhost/transactions/post-close/" in sent.body


def test_a_first_sweep_after_the_deadline_escalates_without_a_late_reminder(clock, closed):
    assert sweep_at(clock, la(7)) == (1, 1)
    assert not emails("leads/post_close_reminder")
    assert len(emails("leads/post_close_escalation")) == 2


def test_a_booked_meeting_never_nags(clock, people, closed):
    (proposal,) = propose_meeting_times(transaction=closed, actor=people.alice, times=[la(4, 10)])
    confirm_meeting(proposal=proposal, actor=people.lee)
    assert sweep_at(clock, la(5)) == (0, 0)
    assert sweep_at(clock, la(6)) == (0, 0)
    assert not emails("leads/post_close_reminder") and not emails("leads/post_close_escalation")


def test_the_letter_and_interaction_deadlines_follow_the_switch_to_daylight_time(
    clock, people, closed
):
    PostCloseStep.objects.filter(kind=Kind.HANDOFF_MEETING).update(completed_at=CLOSING_EVENING)
    # The letter window ends when Monday March 10 ends in Los Angeles, now on daylight time.
    assert sweep_at(clock, la(9, 23, 59)) == (0, 0)
    assert sweep_at(clock, la(10)) == (2, 0)
    reminders = {(r.to_email, r.subject) for r in emails("leads/post_close_reminder")}
    letter = "Reminder for Dana Customer's closing: send the thank-you letter by Monday, March 10"
    interaction = (
        "Reminder for Dana Customer's closing: leadership's first client interaction by "
        "Monday, March 10"
    )
    # The letter is the leader's; the interaction is leadership's, with the leader taking part.
    assert reminders == {
        (people.alice.email, letter),
        (people.alice.email, interaction),
        (people.lee.email, interaction),
        (people.lou.email, interaction),
    }
    assert sweep_at(clock, la(10, 23, 59)) == (0, 0)
    assert sweep_at(clock, la(11)) == (0, 2)
    assert la(11) == datetime.datetime(2025, 3, 11, 7, 0, tzinfo=datetime.UTC)


def test_a_team_without_a_leader_is_reminded_all_of_it(clock, people):
    people.close(leader=None)
    assert sweep_at(clock, la(5)) == (1, 0)
    assert [e.to_email for e in emails("leads/post_close_reminder")] == sorted(
        [people.larry.email, people.ines.email]
    )


def test_the_sweep_takes_an_explicit_time(clock, closed):
    assert sweep_post_close(now=la(6)) == (1, 1)


def test_the_escalation_says_the_leader_is_late_when_no_times_were_proposed(clock, people, closed):
    assert sweep_at(clock, la(6)) == (1, 1)
    (escalation, _) = emails("leads/post_close_escalation")
    assert escalation.subject == (
        "Overdue after Dana Customer's closing: handoff meeting not booked "
        "(the leader's step: no times proposed)"
    )
    assert "The late step is the leader's: no meeting times were proposed." in (
        escalation.body_text
    )
    assert "the leader&rsquo;s</strong>: no meeting times were proposed" in escalation.body_html


def test_the_escalation_says_leadership_is_late_when_times_proposed_in_time_wait(
    clock, people, closed
):
    clock.move_to(la(4, 9), tick=False)
    propose_meeting_times(transaction=closed, actor=people.alice, times=[la(5, 15)])
    assert sweep_at(clock, la(6)) == (1, 1)
    (escalation, _) = emails("leads/post_close_escalation")
    assert escalation.subject == (
        "Overdue after Dana Customer's closing: handoff meeting not booked "
        "(leadership's step: no time confirmed)"
    )
    assert (
        "The late step is leadership's: Alice Agent proposed meeting times on Tuesday, March 4, "
        "in time, and none was confirmed."
    ) in escalation.body_text
    assert "the leader's" not in escalation.body_text
    assert "leadership&rsquo;s</strong>: Alice Agent proposed" in escalation.body_html
