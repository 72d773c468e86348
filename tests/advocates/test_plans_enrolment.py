"""Enrolling a contact dates the plan's touches; one live enrolment per contact and plan, a
finished plan renewed after its end, a cancelled one loses its pending touches only."""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connections

from advocates.models import CircleSettings, Enrollment, PlanKind, Touch, TouchKind
from advocates.services import AdvocatesRefused
from advocates.services.plans import cancel_enrollment, enroll
from advocates.services.touches import mark_done
from tests.advocates.factories import ContactFactory
from tests.conftest import client_for

# 10:00 in New York (the partnership's zone) on the plan's first day.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clock_at(dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)),
]

START = dt.date(2026, 3, 2)


@pytest.fixture
def contact(member, clock):
    return ContactFactory(
        owner=member,
        name="Maya Thompson",
        birthday=dt.date(1986, 12, 3),
        home_anniversary=dt.date(2021, 6, 18),
    )


def test_enrolment_dates_the_33_touches_inside_the_year_with_the_contacts_own_dates(contact):
    enrollment = enroll(contact=contact, kind=PlanKind.YEARLY, starts_on=START)
    touches = list(enrollment.touches.all())
    assert enrollment.ends_on == dt.date(2027, 3, 1)
    assert len(touches) == 33
    assert Counter(t.kind for t in touches) == {
        TouchKind.MARKET_UPDATE: 12,
        TouchKind.VALUE_PIECE: 4,
        TouchKind.HOLIDAY: 4,
        TouchKind.PERSONAL_DATE: 4,
        TouchKind.PHONE_CALL: 8,
        TouchKind.CLIENT_EVENT: 1,
    }
    assert all(START <= t.due_on <= enrollment.ends_on for t in touches)
    by_title = {t.title: t.due_on for t in touches}
    assert by_title["Birthday card"] == dt.date(2026, 12, 3)
    assert by_title["Home anniversary note"] == dt.date(2026, 6, 18)
    assert by_title["Monthly market update (1 of 12)"] == START
    assert sum(t.is_email for t in touches) == 16
    assert {t.owner_id for t in touches} == {contact.owner_id}


def test_an_anchor_already_past_this_year_falls_next_year_and_unknown_dates_use_the_day(member):
    contact = ContactFactory(owner=member, birthday=dt.date(1990, 1, 20))
    enrollment = enroll(contact=contact, kind=PlanKind.YEARLY, starts_on=dt.date(2026, 2, 1))
    touches = {t.title: t.due_on for t in enrollment.touches.all()}
    assert touches["Birthday card"] == dt.date(2027, 1, 20)
    # No home anniversary known: the step's own day (196) after the start.
    assert touches["Home anniversary note"] == dt.date(2026, 2, 1) + dt.timedelta(days=196)


@pytest.mark.parametrize("starts_on", [START, dt.date(2026, 10, 16)])
def test_holiday_touches_fall_on_the_holidays_whenever_the_plan_starts(contact, starts_on):
    enrollment = enroll(contact=contact, kind=PlanKind.YEARLY, starts_on=starts_on)
    holidays = {t.title: t.due_on for t in enrollment.touches.filter(kind=TouchKind.HOLIDAY)}
    year = starts_on.year
    assert holidays == {
        "Holiday card: happy New Year": dt.date(year + 1, 1, 2),
        "Holiday touch: Fourth of July pie or flag drop-off": dt.date(
            year if starts_on.month < 7 else year + 1, 7, 3
        ),
        # Thanksgiving 2026 is Thursday, November 26: the card goes out that Monday.
        "Holiday card: Thanksgiving gratitude": dt.date(2026, 11, 23),
        "Holiday card: season's greetings": dt.date(2026, 12, 15),
    }


def test_a_leap_day_birthday_is_kept_on_february_28_in_other_years(member):
    contact = ContactFactory(owner=member, birthday=dt.date(2000, 2, 29))
    enrollment = enroll(contact=contact, kind=PlanKind.YEARLY, starts_on=dt.date(2026, 1, 10))
    assert enrollment.touches.get(title="Birthday card").due_on == dt.date(2026, 2, 28)


def test_the_new_contact_plan_is_a_touch_a_week_for_eight_weeks(contact):
    enrollment = enroll(contact=contact, kind=PlanKind.EIGHT_BY_EIGHT, starts_on=START)
    dates = list(enrollment.touches.order_by("due_on").values_list("due_on", flat=True))
    assert dates == [START + dt.timedelta(weeks=n) for n in range(8)]
    assert enrollment.ends_on == START + dt.timedelta(days=55)


def test_a_second_live_enrolment_in_the_same_plan_is_refused(contact):
    enroll(contact=contact, kind=PlanKind.YEARLY, starts_on=START)
    with pytest.raises(AdvocatesRefused, match="already on the 33-touch yearly plan"):
        enroll(contact=contact, kind=PlanKind.YEARLY, starts_on=START)
    # The other plan is another matter.
    enroll(contact=contact, kind=PlanKind.EIGHT_BY_EIGHT, starts_on=START)
    assert Enrollment.objects.filter(contact=contact).count() == 2


def test_a_finished_plan_is_renewed_by_a_new_enrolment_after_its_end(contact, clock):
    first = enroll(contact=contact, kind=PlanKind.EIGHT_BY_EIGHT, starts_on=START)
    clock.move_to(dt.datetime(2026, 5, 1, 15, 0, tzinfo=dt.UTC))
    with pytest.raises(AdvocatesRefused, match="after the last one ended"):
        enroll(contact=contact, kind=PlanKind.EIGHT_BY_EIGHT, starts_on=first.ends_on)
    renewed = enroll(contact=contact, kind=PlanKind.EIGHT_BY_EIGHT, starts_on=dt.date(2026, 5, 1))
    assert renewed.touches.count() == 8
    first.refresh_from_db()
    assert first.closed_at is not None and first.touches.count() == 8  # kept for its rate


def test_cancelling_deletes_pending_touches_and_keeps_done_ones(contact, member):
    enrollment = enroll(contact=contact, kind=PlanKind.YEARLY, starts_on=START)
    mark_done(touch=enrollment.touches.get(due_on=START), actor=member.user)
    client = client_for(member.partnership, member)
    url = f"/advocates/enrollments/{enrollment.pk}/cancel/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "32 pending touches will be removed" in confirm.text
    assert enrollment.touches.count() == 33  # a GET changes nothing
    assert client.post(url).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.closed_at is not None
    assert list(enrollment.touches.values_list("title", flat=True)) == [
        "Monthly market update (1 of 12)"
    ]
    with pytest.raises(AdvocatesRefused, match="already ended"):
        cancel_enrollment(enrollment=enrollment)
    # Cancelled: the contact can start again.
    enroll(contact=contact, kind=PlanKind.YEARLY, starts_on=START)


def test_a_member_enrols_a_contact_from_the_contact_section(contact, member):
    client = client_for(member.partnership, member)
    response = client.post(
        f"/advocates/{contact.pk}/enroll/",
        {"kind": "yearly", "starts_on": "2026-03-02", "next": f"/advocates/{contact.pk}/"},
    )
    assert response.status_code == 302 and response.url == f"/advocates/{contact.pk}/"
    assert Touch.objects.filter(contact=contact).count() == 33
    again = client.post(
        f"/advocates/{contact.pk}/enroll/",
        {"kind": "yearly", "starts_on": "2026-03-02"},
        follow=True,
    )
    assert "already on the 33-touch yearly plan" in again.text
    bad = client.post(f"/advocates/{contact.pk}/enroll/", {"kind": "weekly", "starts_on": "x"})
    assert bad.status_code == 302 and Enrollment.objects.filter(contact=contact).count() == 1


def test_a_start_so_long_ago_that_the_plan_is_over_is_refused(contact):
    with pytest.raises(AdvocatesRefused, match="would be over already"):
        enroll(contact=contact, kind=PlanKind.EIGHT_BY_EIGHT, starts_on=START - dt.timedelta(60))


def test_enrolment_arms_the_members_digest_for_the_next_morning_in_the_partnerships_zone(
    contact, member
):
    enroll(contact=contact, kind=PlanKind.YEARLY, starts_on=START)
    settings = CircleSettings.objects.get(member=member)
    # 07:00 on March 3 in New York (EST, UTC-5).
    assert settings.next_digest_at == dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)


# --- A double click enrols once ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_enrolments_at_the_same_moment_make_one(partnership, member):
    contact = ContactFactory(owner=member)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait(timeout=10)
            enroll(contact=contact, kind=PlanKind.YEARLY, starts_on=partnership.today())
            outcomes.append("enrolled")
        except AdvocatesRefused as refusal:
            outcomes.append(str(refusal))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("enrolled") == 1
    refused = [o for o in outcomes if o != "enrolled"]
    assert len(refused) == 1 and "already on the 33-touch yearly plan" in refused[0]
    assert Enrollment.objects.filter(contact=contact).count() == 1
    assert Touch.objects.filter(contact=contact).count() == 33
