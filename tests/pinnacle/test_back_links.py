""" "Back to where you came from": every form that carries a `next` returns to it only when it
is a path on this site; a bare word, another host or a trick spelling goes to the page's own
default, after the action was saved (never a 500, never off-site)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from advocates.models import PlanKind, ReferralStage, TouchKind
from advocates.services import referrals as referral_services
from advocates.services.plans import enroll
from advocates.services.touches import mark_done
from pinnacle.http import local_path
from tests.advocates.factories import ContactFactory, RewardFactory
from tests.conftest import client_for
from tests.transactions.transaction_builders import Committee
from transactions.models import ClientInteraction, MeetingProposal, ThankYouLetter
from transactions.services.postclose import propose_meeting_times
from transactions.services.thank_you import edit_letter

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
CRAFTED = ["foo", "//evil.example", "https://evil.example", "/\\evil.example", "/\t/evil.example"]


@pytest.mark.parametrize(
    "target",
    ["/advocates/12/", "/advocates/touches/?show=done&page=2", "/transactions/3/post-close/#x"],
)
def test_a_path_on_this_site_is_where_back_goes(target):
    assert local_path(target, "/default/") == target


@pytest.mark.parametrize(
    "target",
    [*CRAFTED, "", None, "http:/evil.example", "javascript:alert(1)", " /x", "/x\x00", "/x\r\n"],
)
def test_anything_else_goes_to_the_default(target):
    assert local_path(target, "/default/") == "/default/"


@dataclass
class Form:
    """A form that carries `next`: who posts it, where, with what, where it goes by default, and
    how to see that its action was saved."""

    client: Client
    url: str
    data: dict
    default: str
    saved: Callable[[], bool]


@pytest.fixture
def people(partnership, time_machine):
    time_machine.move_to(dt.datetime(2025, 3, 3, 22, 30, tzinfo=LA), tick=False)
    partnership.timezone = "America/Los_Angeles"
    partnership.save()
    return Committee(partnership)


def _contact(people):
    return ContactFactory(owner=people.alice, name="Maya Thompson", email="maya@example.net")


def _enrollment(people):
    return enroll(
        contact=_contact(people), kind=PlanKind.EIGHT_BY_EIGHT, starts_on=dt.date(2025, 3, 1)
    )


def touch_done(people):
    touch = _enrollment(people).touches.filter(is_email=False).earliest("due_on")
    return Form(
        client_for(people.partnership, people.alice),
        f"/advocates/touches/{touch.pk}/done/",
        {},
        "/advocates/touches/",
        lambda: type(touch).objects.get(pk=touch.pk).done_at is not None,
    )


def touch_acknowledged(people):
    touch = _enrollment(people).touches.filter(is_email=False).earliest("due_on")
    mark_done(touch=touch)
    return Form(
        client_for(people.partnership, people.alice),
        f"/advocates/touches/{touch.pk}/acknowledged/",
        {},
        "/advocates/touches/?show=done",
        lambda: type(touch).objects.get(pk=touch.pk).acknowledged_at is not None,
    )


def touch_email(people):
    touch = _enrollment(people).touches.get(kind=TouchKind.TAILORED_EMAIL)
    return Form(
        client_for(people.partnership, people.alice),
        f"/advocates/touches/{touch.pk}/email/",
        {"subject": "My trusted movers", "body": "Hello Maya,\n\nSunrise Moving is great."},
        "/advocates/touches/",
        lambda: type(touch).objects.get(pk=touch.pk).done_at is not None,
    )


def contact_enroll(people):
    contact = _contact(people)
    return Form(
        client_for(people.partnership, people.alice),
        f"/advocates/{contact.pk}/enroll/",
        {"kind": "yearly", "starts_on": "2025-03-03"},
        "/advocates/touches/",
        lambda: contact.enrollments.exists(),
    )


def enrollment_cancel(people):
    enrollment = _enrollment(people)
    return Form(
        client_for(people.partnership, people.alice),
        f"/advocates/enrollments/{enrollment.pk}/cancel/",
        {},
        "/advocates/touches/",
        lambda: not enrollment.touches.filter(done_at__isnull=True).exists(),
    )


def _told_referral(people):
    referral = referral_services.record_referral_received(
        contact=_contact(people), person_name="Dan Buyer", person_email="dan@example.org"
    )
    return referral_services.advance_referral(referral=referral, stage=ReferralStage.CONTACTED)


def progress_note(people):
    referral = _told_referral(people)
    return Form(
        client_for(people.partnership, people.alice),
        f"/advocates/referrals/{referral.pk}/progress-note/",
        {},
        f"/advocates/referrals/{referral.pk}/",
        lambda: type(referral).objects.get(pk=referral.pk).untold_stage == "",
    )


def progress_note_dismissed(people):
    form = progress_note(people)
    form.url += "dismiss/"
    return form


def reward_redeemed(people):
    reward = RewardFactory(contact=_contact(people))
    return Form(
        client_for(people.partnership, people.alice),
        f"/advocates/rewards/{reward.pk}/redeemed/",
        {},
        "/advocates/rewards/",
        lambda: type(reward).objects.get(pk=reward.pk).redeemed_on is not None,
    )


def _post_close(people, who, path, data, saved):
    transaction = people.close()
    return Form(
        client_for(people.partnership, getattr(people, who)),
        f"/transactions/{transaction.pk}/post-close/{path}",
        data(transaction) if callable(data) else data,
        f"/transactions/{transaction.pk}/post-close/#post-close",
        lambda: saved(transaction),
    )


def meeting_proposed(people):
    return _post_close(
        people,
        "alice",
        "meeting/propose/",
        {"time_1": "2025-03-04T10:00", "location": "Video call"},
        lambda t: MeetingProposal.objects.filter(transaction=t).exists(),
    )


def meeting_confirmed(people):
    def proposal(transaction):
        (proposed,) = propose_meeting_times(
            transaction=transaction,
            actor=people.alice,
            times=[dt.datetime(2025, 3, 4, 10, tzinfo=LA)],
        )
        return {"proposal": str(proposed.pk)}

    return _post_close(
        people,
        "lee",
        "meeting/confirm/",
        proposal,
        lambda t: MeetingProposal.objects.get(transaction=t).confirmed_at is not None,
    )


def letter_saved(people):
    return _post_close(
        people,
        "alice",
        "letter/",
        {"action": "save", "body": "Dear Dana, thank you.", "mailing_address": "1 Elm St"},
        lambda t: ThankYouLetter.objects.get(transaction=t).body == "Dear Dana, thank you.",
    )


def letter_mailed(people):
    def letter(transaction):
        edit_letter(
            transaction=transaction, actor=people.alice, body="Thanks", mailing_address="1 Elm St"
        )
        return {}

    return _post_close(
        people,
        "alice",
        "letter/mailed/",
        letter,
        lambda t: ThankYouLetter.objects.get(transaction=t).mailed_at is not None,
    )


def interaction_recorded(people):
    return _post_close(
        people,
        "lee",
        "interaction/",
        lambda t: {
            "mode": "call",
            "occurred_at": "2025-03-03T22:00",
            "participants": [
                str(m.pk) for m in (people.lee, people.alice, people.larry, people.ines)
            ],
        },
        lambda t: ClientInteraction.objects.filter(transaction=t).exists(),
    )


FORMS_WITH_NEXT = [
    touch_done,
    touch_acknowledged,
    touch_email,
    contact_enroll,
    enrollment_cancel,
    progress_note,
    progress_note_dismissed,
    reward_redeemed,
    meeting_proposed,
    meeting_confirmed,
    letter_saved,
    letter_mailed,
    interaction_recorded,
]


@pytest.mark.parametrize("crafted", CRAFTED)
@pytest.mark.parametrize("form", FORMS_WITH_NEXT, ids=lambda f: f.__name__)
def test_a_crafted_next_saves_the_action_and_goes_back_to_the_default(people, form, crafted):
    form = form(people)
    response = form.client.post(form.url, {**form.data, "next": crafted})
    assert response.status_code == 302
    assert response["Location"] == form.default
    assert form.saved()


@pytest.mark.parametrize("form", FORMS_WITH_NEXT, ids=lambda f: f.__name__)
def test_a_path_on_this_site_is_where_the_form_goes_back_to(people, form):
    form = form(people)
    response = form.client.post(form.url, {**form.data, "next": "/advocates/?page=2"})
    assert response.status_code == 302
    assert response["Location"].startswith("/advocates/?page=2")
    assert form.saved()


@pytest.mark.parametrize("path", ["touches/{touch}/email/", "enrollments/{enrollment}/cancel/"])
def test_a_page_never_carries_a_crafted_next_into_its_form(people, path):
    enrollment = _enrollment(people)
    touch = enrollment.touches.get(kind=TouchKind.TAILORED_EMAIL)
    url = "/advocates/" + path.format(touch=touch.pk, enrollment=enrollment.pk)
    page = client_for(people.partnership, people.alice).get(url, {"next": "//evil.example"})
    assert page.status_code == 200
    assert "evil.example" not in page.text
