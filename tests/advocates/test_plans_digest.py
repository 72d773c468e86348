"""The morning digest: at 07:00 in the partnership's zone each member with due touches gets one
email (overdue, today, this week, with links), once per local day; nothing pending, no email and
the clock is disarmed until the next enrolment."""

import datetime as dt

import pytest
from django.conf import settings as django_settings

from advocates.models import CircleSettings, PlanKind
from advocates.services.plans import cancel_enrollment, enroll
from advocates.services.touches import mark_done, send_due_digests
from advocates.tasks import send_touch_digests
from pinnacle.mail.models import OutboxMessage
from tests.advocates.factories import ContactFactory
from tests.members.factories import MemberFactory
from tests.pinnacle.factories import PartnershipFactory

UTC = dt.UTC

# 10:00 on March 20 in New York (EDT, UTC-4).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clock_at(dt.datetime(2026, 3, 20, 14, 0, tzinfo=UTC)),
]


def at(clock, *args):
    clock.move_to(dt.datetime(*args, tzinfo=UTC), tick=False)
    return dt.datetime(*args, tzinfo=UTC)


def digests():
    return OutboxMessage.objects.filter(template="advocates/digest").order_by("pk")


@pytest.fixture
def enrolled(member, clock):
    contact = ContactFactory(owner=member, name="Maya Thompson")
    return enroll(contact=contact, kind=PlanKind.EIGHT_BY_EIGHT, starts_on=dt.date(2026, 3, 9))


def test_the_digest_goes_out_at_seven_local_with_overdue_today_and_this_weeks_touches(
    enrolled, member, clock
):
    # Day 0 (Mar 9) overdue, day 7 (Mar 16) overdue, day 14 (Mar 23) this week from Mar 21.
    mark_done(touch=enrolled.touches.get(due_on=dt.date(2026, 3, 9)), actor=member.user)
    assert send_due_digests(now=at(clock, 2026, 3, 21, 10, 59)) == 0  # 06:59 in New York
    assert send_due_digests(now=at(clock, 2026, 3, 21, 11, 0)) == 1
    message = digests().get()
    assert message.idempotency_key == f"advocates-digest:{member.pk}:2026-03-21"
    assert message.to_email == member.email
    text = message.body_text
    assert "Overdue (1):" in text and "Handwritten thank-you note" in text
    assert "Welcome call" not in text  # done
    assert "Later this week (1):" in text and "Email: my trusted local resources" in text
    assert "Nothing due today." in text
    assert "/advocates/touches/" in text
    assert f"/advocates/touches/{enrolled.touches.get(due_on=dt.date(2026, 3, 23)).pk}/email/" in (
        message.body_html
    )
    assert "1 overdue" in message.subject
    settings = CircleSettings.objects.get(member=member)
    assert settings.next_digest_at == dt.datetime(2026, 3, 22, 11, 0, tzinfo=UTC)


def test_the_digest_is_sent_once_per_local_day(enrolled, member, clock):
    now = at(clock, 2026, 3, 21, 11, 0)
    send_due_digests(now=now)
    # Even re-armed for the same morning (a second enrolment), the day's key sends nothing new.
    enroll(
        contact=ContactFactory(owner=member), kind=PlanKind.YEARLY, starts_on=dt.date(2026, 3, 21)
    )
    CircleSettings.objects.filter(member=member).update(next_digest_at=now)
    send_due_digests(now=now + dt.timedelta(minutes=5))
    send_due_digests(now=now + dt.timedelta(minutes=10))
    assert digests().count() == 1
    send_due_digests(now=at(clock, 2026, 3, 22, 11, 0))
    assert digests().count() == 2


def test_partnerships_in_different_zones_get_their_digest_at_their_own_seven(clock):
    tokyo = PartnershipFactory(slug="tokyo", timezone="Asia/Tokyo")
    chicago = PartnershipFactory(slug="chicago", timezone="America/Chicago")
    members = {}
    for partnership in (tokyo, chicago):
        member = MemberFactory(partnership=partnership)
        contact = ContactFactory(owner=member)
        enroll(contact=contact, kind=PlanKind.YEARLY, starts_on=partnership.today())
        members[partnership.slug] = member
    # 07:00 on March 21 in Tokyo is 22:00 UTC on March 20.
    send_due_digests(now=at(clock, 2026, 3, 20, 22, 0))
    assert [m.to_email for m in digests()] == [members["tokyo"].email]
    assert digests().get().idempotency_key.endswith(":2026-03-21")
    # 07:00 on March 21 in Chicago (CDT) is 12:00 UTC.
    send_due_digests(now=at(clock, 2026, 3, 21, 11, 59))
    assert digests().count() == 1
    send_due_digests(now=at(clock, 2026, 3, 21, 12, 0))
    assert [m.to_email for m in digests()] == [members["tokyo"].email, members["chicago"].email]


def test_with_nothing_pending_no_digest_goes_and_the_clock_is_disarmed(enrolled, member, clock):
    cancel_enrollment(enrollment=enrolled)
    assert send_due_digests(now=at(clock, 2026, 3, 21, 11, 0)) == 0
    assert not digests().exists()
    assert CircleSettings.objects.get(member=member).next_digest_at is None
    # The next enrolment arms it again.
    enroll(
        contact=ContactFactory(owner=member), kind=PlanKind.YEARLY, starts_on=dt.date(2026, 3, 21)
    )
    assert CircleSettings.objects.get(member=member).next_digest_at == dt.datetime(
        2026, 3, 22, 11, 0, tzinfo=UTC
    )


def test_with_touches_only_later_it_sleeps_until_the_first_enters_the_week(member, clock):
    contact = ContactFactory(owner=member)
    enrollment = enroll(
        contact=contact, kind=PlanKind.EIGHT_BY_EIGHT, starts_on=dt.date(2026, 3, 21)
    )
    for touch in enrollment.touches.filter(due_on__lt=dt.date(2026, 4, 18)):
        mark_done(touch=touch, actor=member.user)
    assert send_due_digests(now=at(clock, 2026, 3, 21, 11, 0)) == 0
    # The next pending touch is due April 18 (day 28): the digest wakes on April 12 at 07:00.
    assert CircleSettings.objects.get(member=member).next_digest_at == dt.datetime(
        2026, 4, 12, 11, 0, tzinfo=UTC
    )


def test_the_beat_runs_the_digest_task_every_five_minutes(enrolled, clock):
    entry = django_settings.CELERY_BEAT_SCHEDULE["send-advocate-digests"]
    assert (entry["task"], entry["schedule"]) == ("advocates.tasks.send_due_digests", 300.0)
    at(clock, 2026, 3, 21, 11, 0)
    assert send_touch_digests() == 1
