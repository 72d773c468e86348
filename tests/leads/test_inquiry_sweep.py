"""Beat's inquiry sweep: a reminder before the reply deadline, escalation to leadership after it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leads import tasks
from leads.services import LeadRefused
from leads.services.inquiries import express_interest, respond_to_inquiry
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import LeadershipFactory, MemberFactory

START = datetime.datetime(2025, 3, 4, 9, 0, tzinfo=ZoneInfo("America/New_York"))

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]


@pytest.fixture
def inquiry(clock, partnership, member):
    lead = LeadFactory(partnership=partnership, name="Dana Prospect", email="dana@example.com")
    return express_interest(lead=lead, member=member, message="Can you help us sell in April?")


def sweep_at(clock, hours, minutes=0):
    clock.move_to(START + datetime.timedelta(hours=hours, minutes=minutes), tick=False)
    return tasks.sweep_inquiries()


def emails(template):
    return list(OutboxMessage.objects.filter(template=template).order_by("to_email"))


def test_the_beat_schedule_runs_the_sweep_every_few_minutes():
    (entry,) = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == tasks.sweep_inquiries.name
    ]
    assert entry["schedule"] <= 5 * 60


def test_nothing_happens_before_the_reminder_window(clock, inquiry):
    assert sweep_at(clock, 19, 59) == (0, 0)
    assert not emails("leads/inquiry_reminder") and not emails("leads/inquiry_escalation")
    inquiry.refresh_from_db()
    assert inquiry.reminded_at is None


def test_four_hours_before_the_deadline_the_member_is_reminded_once(
    clock, inquiry, member, member_client
):
    assert sweep_at(clock, 20) == (1, 0)
    assert sweep_at(clock, 20, 1) == (0, 0)
    (reminder,) = emails("leads/inquiry_reminder")
    assert reminder.to_email == member.email
    delivery.deliver(reminder.pk)
    (sent,) = mail.outbox
    assert sent.subject == "Reminder: Dana Prospect is waiting for your reply"
    assert "March 5, 2025, 9 a.m. (America/New_York)" in sent.body
    assert f"http://localhost/inquiries/{inquiry.pk}/" in sent.body
    inquiry.refresh_from_db()
    assert inquiry.reminded_at == START + datetime.timedelta(hours=20)
    # The member's list shows that the reminder went out.
    assert "Reminder sent" in member_client.get("/inquiries/").text


def test_after_the_deadline_this_partnerships_leadership_is_told(
    clock, inquiry, partnership, other_partnership, member
):
    leaders = [
        LeadershipFactory(partnership=partnership, display_name="Lee Leadership"),
        LeadershipFactory(partnership=partnership, display_name="Lou Leadership"),
    ]
    LeadershipFactory(partnership=partnership, is_active=False)
    LeadershipFactory(partnership=other_partnership)
    MemberFactory(partnership=partnership)  # not leadership

    sweep_at(clock, 20)
    assert sweep_at(clock, 23, 59)[1] == 0
    assert sweep_at(clock, 24) == (0, 1)
    assert sweep_at(clock, 25) == (0, 0)

    escalations = emails("leads/inquiry_escalation")
    assert sorted(e.to_email for e in escalations) == sorted(leader.email for leader in leaders)
    delivery.deliver(escalations[0].pk)
    (sent,) = mail.outbox
    assert sent.subject == "Unanswered inquiry: Alice Agent has not replied to Dana Prospect"
    assert "Can you help us sell in April?" in sent.body
    assert "dana@example.com" in sent.body
    inquiry.refresh_from_db()
    assert inquiry.escalated_at == START + datetime.timedelta(hours=24)

    page = client_for(partnership, member).get("/inquiries/").text
    assert "Leadership notified" in page and "overdue by 1 h" in page


def test_a_first_sweep_after_the_deadline_escalates_without_a_late_reminder(
    clock, inquiry, leader, member_client
):
    assert sweep_at(clock, 30) == (1, 1)
    assert not emails("leads/inquiry_reminder")
    assert [e.to_email for e in emails("leads/inquiry_escalation")] == [leader.email]
    assert "Reminder sent" not in member_client.get("/inquiries/").text


def test_the_sweep_reads_no_partnership_again_for_each_email(clock, inquiry, partnership):
    LeadershipFactory.create_batch(3, partnership=partnership, timezone="")
    with CaptureQueriesContext(connection) as queries:
        assert sweep_at(clock, 30) == (1, 1)
    assert len(emails("leads/inquiry_escalation")) == 3
    # Each email shows times in its recipient's zone, the partnership's when they chose none.
    alone = [q["sql"] for q in queries if q["sql"].startswith('SELECT "pinnacle_partnership"')]
    # The task's one read of the partnership list (it sweeps each partnership in its scope).
    assert [q for q in alone if " WHERE " in q] == [] and len(alone) == 1


@pytest.mark.parametrize("kind", ["reply", "ack"])
def test_answered_inquiries_are_left_alone(clock, inquiry, member, leader, kind):
    clock.shift(datetime.timedelta(hours=1))
    respond_to_inquiry(
        inquiry=inquiry,
        member=member,
        kind=kind,
        body="Thanks, talk soon.",
        follow_up_on=datetime.date(2025, 3, 6),
    )
    assert sweep_at(clock, 20) == (0, 0)
    assert sweep_at(clock, 48) == (0, 0)
    assert not emails("leads/inquiry_reminder") and not emails("leads/inquiry_escalation")


def test_the_partnerships_own_policy_numbers_are_respected(clock, partnership, member, leader):
    partnership.inquiry_reply_hours = 48
    partnership.inquiry_reminder_hours_before = 6
    partnership.save()
    lead = LeadFactory(partnership=partnership)
    inquiry = express_interest(lead=lead, member=member, message="No rush.")
    assert OutboxMessage.objects.get(template="leads/inquiry_notice").subject.endswith(
        "reply within 48 hours"
    )
    assert sweep_at(clock, 41, 59) == (0, 0)
    assert sweep_at(clock, 42) == (1, 0)
    assert sweep_at(clock, 47, 59) == (0, 0)
    assert sweep_at(clock, 48) == (0, 1)
    inquiry.refresh_from_db()
    assert inquiry.due_at == START + datetime.timedelta(hours=48)


def test_each_partnership_is_swept_by_its_own_clock(clock, inquiry, leader, other_partnership):
    other_partnership.inquiry_reply_hours = 72
    other_partnership.save()
    foreign_member = MemberFactory(partnership=other_partnership)
    LeadershipFactory(partnership=other_partnership)
    express_interest(
        lead=LeadFactory(partnership=other_partnership), member=foreign_member, message="Hello"
    )
    assert sweep_at(clock, 20) == (1, 0)  # only ours is due
    assert sweep_at(clock, 24) == (0, 1)
    assert [e.to_email for e in emails("leads/inquiry_reminder")] == [inquiry.member.email]
    assert [e.to_email for e in emails("leads/inquiry_escalation")] == [leader.email]
    assert sweep_at(clock, 68) == (1, 0)  # theirs, 72 - 4 hours in


def test_a_message_to_leadership_runs_the_same_clock(clock, partnership):
    from leads.services.intake import submit_lead

    leaders = [LeadershipFactory(partnership=partnership) for _ in range(2)]
    submit_lead(
        partnership=partnership,
        form="contact",
        name="Dana Prospect",
        email="dana@example.com",
        need="sell",
        timeframe="now",
        message="Who can help me sell?",
    )
    leader_emails = sorted(leader.email for leader in leaders)
    assert [m.to_email for m in emails("leads/inquiry_notice")] == leader_emails
    assert sweep_at(clock, 20) == (1, 0)
    reminders = emails("leads/inquiry_reminder")
    assert [m.to_email for m in reminders] == leader_emails
    assert "wrote to Pinnacle Partnerships leadership" in reminders[0].body_text
    assert sweep_at(clock, 24) == (0, 1)
    escalations = emails("leads/inquiry_escalation")
    assert [m.to_email for m in escalations] == leader_emails
    assert (
        escalations[0].subject == "Unanswered inquiry: leadership has not replied to Dana Prospect"
    )


# --- An acknowledgement's promised follow-up runs the same clock --------------------------------

# START is Tuesday, March 4, 2025, 9 a.m. in New York; the promised Thursday ends at midnight.
THURSDAY = datetime.date(2025, 3, 6)
END_OF_THURSDAY = datetime.datetime(2025, 3, 7, 0, 0, tzinfo=ZoneInfo("America/New_York"))


def acknowledge(clock, inquiry, member, follow_up_on=THURSDAY):
    clock.move_to(START + datetime.timedelta(hours=1), tick=False)
    return respond_to_inquiry(
        inquiry=inquiry,
        member=member,
        kind="ack",
        body="Got it, I will send listings.",
        follow_up_on=follow_up_on,
    )


def test_the_promised_follow_up_is_reminded_and_then_escalated(
    clock, inquiry, member, leader, member_client
):
    acknowledge(clock, inquiry, member)
    inquiry.refresh_from_db()
    assert inquiry.follow_up_due_at == END_OF_THURSDAY
    assert sweep_at(clock, 20) == (0, 0)  # the 24-hour deadline was met: nothing about it
    # Four hours before the promised day ends (Thursday 8 p.m.), the member is reminded once.
    assert sweep_at(clock, 58, 59) == (0, 0)
    assert sweep_at(clock, 59) == (1, 0)
    assert sweep_at(clock, 59, 1) == (0, 0)
    (reminder,) = emails("leads/follow_up_reminder")
    assert reminder.to_email == member.email
    assert reminder.subject == "Reminder: you promised Dana Prospect a follow-up by March 6"
    assert "March 7, 2025, midnight (America/New_York)" in reminder.body_text
    assert "We emailed you a reminder" in member_client.get(f"/inquiries/{inquiry.pk}/").text
    # When the promised day is over without a reply, leadership is told once.
    assert sweep_at(clock, 62, 59) == (0, 0)
    assert sweep_at(clock, 63) == (0, 1)
    assert sweep_at(clock, 64) == (0, 0)
    (escalation,) = emails("leads/follow_up_escalation")
    assert escalation.to_email == leader.email
    assert escalation.subject == (
        "Follow-up not kept: Alice Agent has not replied to Dana Prospect as promised"
    )
    assert "promise to follow up by March 6, 2025" in escalation.body_text
    assert "leadership was notified" in member_client.get(f"/inquiries/{inquiry.pk}/").text
    assert "Promised follow-up missed" in member_client.get("/inquiries/").text


def test_a_reply_by_the_promised_day_keeps_the_promise(clock, inquiry, member, leader):
    acknowledge(clock, inquiry, member)
    clock.move_to(START + datetime.timedelta(hours=30), tick=False)
    respond_to_inquiry(inquiry=inquiry, member=member, kind="reply", body="Here are three homes.")
    assert sweep_at(clock, 59) == (0, 0)
    assert sweep_at(clock, 63) == (0, 0)
    assert not emails("leads/follow_up_reminder") and not emails("leads/follow_up_escalation")
    inquiry.refresh_from_db()
    assert inquiry.followed_up_at == START + datetime.timedelta(hours=30)


def test_a_second_acknowledgement_cannot_push_the_promise_back(clock, inquiry, member, leader):
    acknowledge(clock, inquiry, member)
    with pytest.raises(LeadRefused, match="already promised Dana Prospect a follow-up by March 6"):
        respond_to_inquiry(
            inquiry=inquiry,
            member=member,
            kind="ack",
            body="Still on it.",
            follow_up_on=datetime.date(2025, 3, 8),
        )
    assert sweep_at(clock, 63)[1] == 1  # the first promise still stands


def test_a_promise_for_today_is_reminded_at_once_and_escalated_at_midnight(
    clock, inquiry, member, leader
):
    clock.move_to(START + datetime.timedelta(hours=12), tick=False)  # Tuesday 9 p.m.
    respond_to_inquiry(
        inquiry=inquiry, member=member, kind="ack", body="Tonight.", follow_up_on=START.date()
    )
    assert sweep_at(clock, 12) == (1, 0)
    assert sweep_at(clock, 14, 59) == (0, 0)
    assert sweep_at(clock, 15) == (0, 1)  # Wednesday 0:00 in New York


def test_the_end_of_the_promised_day_is_the_partnerships(clock, partnership, member, leader):
    partnership.timezone = "America/Los_Angeles"
    partnership.save()
    lead = LeadFactory(partnership=partnership)
    inquiry = express_interest(lead=lead, member=member, message="Hello")
    respond_to_inquiry(
        inquiry=inquiry, member=member, kind="ack", body="Soon.", follow_up_on=THURSDAY
    )
    inquiry.refresh_from_db()
    assert inquiry.follow_up_due_at == datetime.datetime(
        2025, 3, 7, 0, 0, tzinfo=ZoneInfo("America/Los_Angeles")
    )
    assert sweep_at(clock, 65, 59)[1] == 0  # 23:59 on Thursday in Los Angeles
    assert sweep_at(clock, 66)[1] == 1
