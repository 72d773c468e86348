"""Doing the touches: marked done (logged once), sent as email through the pipeline with the
member's name, acknowledged (the score follows); the list, the dashboard panel, the contact's
section and the completion rates; nobody else reaches them."""

import datetime as dt

import pytest
from django.test import RequestFactory

from advocates import extensions
from advocates.models import Interaction, InteractionKind, PlanKind, Touch, TouchKind
from advocates.selectors.plans import completion_by_plan, enrollments_of, with_bucket
from advocates.services.plans import enroll
from advocates.services.touches import mark_done
from pinnacle.mail.models import OutboxMessage
from tests.advocates.factories import ContactFactory, bulk_touches
from tests.conftest import client_for
from tests.members.factories import MemberFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.clock_at(dt.datetime(2026, 3, 20, 15, 0, tzinfo=dt.UTC)),
]


@pytest.fixture
def contact(member, clock):
    return ContactFactory(owner=member, name="Maya Thompson", email="maya@example.net")


@pytest.fixture
def enrollment(contact):
    # Started 18 days ago: days 0, 7 and 14 overdue, day 21 in three days.
    return enroll(contact=contact, kind=PlanKind.EIGHT_BY_EIGHT, starts_on=dt.date(2026, 3, 2))


@pytest.fixture
def client(member):
    return client_for(member.partnership, member)


def test_mark_done_logs_one_interaction_of_the_matching_kind_even_on_a_double_click(
    enrollment, client
):
    call = enrollment.touches.get(kind=TouchKind.PHONE_CALL, due_on=dt.date(2026, 3, 2))
    url = f"/advocates/touches/{call.pk}/done/"
    assert client.post(url).status_code == 302
    again = client.post(url, follow=True)
    assert "is already done" in again.text
    logged = Interaction.objects.filter(contact=enrollment.contact)
    assert list(logged.values_list("kind", "touch_id")) == [(InteractionKind.CALL, call.pk)]
    call.refresh_from_db()
    assert call.done_at is not None
    enrollment.contact.refresh_from_db()
    assert enrollment.contact.frequency_points > 0  # the score followed


def test_an_email_touch_is_sent_through_the_pipeline_with_the_members_name_and_logged(
    enrollment, client, member, django_capture_on_commit_callbacks
):
    touch = enrollment.touches.get(kind=TouchKind.TAILORED_EMAIL)
    url = f"/advocates/touches/{touch.pk}/email/"
    compose = client.get(url)
    assert compose.status_code == 200
    assert "A few trusted resources from Alice Agent" in compose.text  # prefilled by kind
    assert "Hello Maya," in compose.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"subject": "My trusted movers", "body": "Hello Maya,\n\nSunrise Moving is great."}
        )
    assert response.status_code == 302
    message = OutboxMessage.objects.get(idempotency_key=f"advocates-touch:{touch.pk}")
    assert message.to_email == "maya@example.net"
    assert message.subject == "My trusted movers"
    assert "Sunrise Moving is great." in message.body_text
    assert "Alice Agent" in message.body_text and member.email in message.body_text  # signature
    assert message.category == OutboxMessage.Category.OUTREACH  # carries the opt-out
    assert "Opt out of future outreach" in message.body_text
    assert message.from_email.startswith(("Alice Agent", '"Alice Agent"'))
    assert message.reply_to == member.email
    touch.refresh_from_db()
    assert touch.done_at is not None and touch.message_id == message.pk
    assert list(
        Interaction.objects.filter(contact=enrollment.contact).values_list("kind", "message_id")
    ) == [(InteractionKind.EMAIL, message.pk)]
    # A second submit sends nothing more.
    again = client.post(url, {"subject": "Again", "body": "Again"})
    assert again.status_code == 400 and "already done" in again.text
    assert OutboxMessage.objects.filter(idempotency_key__startswith="advocates-touch").count() == 1


def test_a_draft_sent_with_its_blank_still_in_it_is_refused(enrollment, client):
    touch = enrollment.touches.get(kind=TouchKind.TAILORED_EMAIL)
    url = f"/advocates/touches/{touch.pk}/email/"
    draft = client.get(url).context["form"].initial
    response = client.post(url, draft)
    assert response.status_code == 400
    assert "Replace [Names, what they do, how to reach them] with your own words" in response.text
    assert not OutboxMessage.objects.exists()
    touch.refresh_from_db()
    assert touch.done_at is None


def test_a_call_cannot_be_sent_as_an_email(enrollment, client):
    call = enrollment.touches.filter(kind=TouchKind.PHONE_CALL).first()
    response = client.post(
        f"/advocates/touches/{call.pk}/email/", {"subject": "Hi", "body": "Hello"}
    )
    assert response.status_code == 400 and "not an email touch" in response.text
    assert not OutboxMessage.objects.exists()


def test_acknowledged_counts_as_engagement_in_the_score(enrollment, client, member):
    touch = enrollment.touches.order_by("due_on").first()
    url = f"/advocates/touches/{touch.pk}/acknowledged/"
    early = client.post(url, follow=True)
    assert "Mark the touch done before" in early.text
    mark_done(touch=touch, actor=member.user)
    assert client.post(url).status_code == 302
    touch.refresh_from_db()
    assert touch.acknowledged_at is not None
    enrollment.contact.refresh_from_db()
    assert enrollment.contact.appreciation_points > 0


def test_the_touch_list_groups_overdue_today_this_week_and_later(enrollment, client):
    page = client.get("/advocates/touches/")
    assert page.status_code == 200
    text = page.text
    assert "Maya Thompson" in text and "Welcome call" in text
    assert "Overdue" in text and "This week" in text
    assert "Email: my trusted local resources" in text  # day 14: overdue
    assert "Real-estate advice worth keeping" in text  # day 21: in three days
    assert "Small appreciation gift" not in text  # day 35: later
    later = client.get("/advocates/touches/?show=later").text
    assert "Small appreciation gift" in later
    assert "Send as email" in later  # the market update on day 42


def test_completion_rate_is_done_over_due_so_far(enrollment, member, contact):
    touches = list(enrollment.touches.order_by("due_on"))
    mark_done(touch=touches[0], actor=member.user)  # day 0, due
    mark_done(touch=touches[5], actor=member.user)  # day 35, done early: counts as due
    today = member.partnership.today()
    rates = completion_by_plan(member, today)
    assert (rates[PlanKind.EIGHT_BY_EIGHT].done, rates[PlanKind.EIGHT_BY_EIGHT].due) == (2, 4)
    assert rates[PlanKind.EIGHT_BY_EIGHT].rate == 50
    assert rates[PlanKind.YEARLY].rate is None
    (row,) = enrollments_of(contact, today)
    assert (row.completion.rate, row.touches_total) == (50, 8)
    page = client_for(member.partnership, member).get("/advocates/touches/").text
    assert "50% done (2 of 4 due so far)" in page


def test_the_contact_section_shows_progress_next_touches_and_the_enrol_form(
    enrollment, member, contact
):
    request = RequestFactory().get(f"/advocates/{contact.pk}/")
    request.user, request.partnership = member.user, member.partnership
    html = "".join(extensions.contact_sections.render(request, contact=contact))
    assert "Appreciation plans" in html
    assert "0 of 8 touches done" in html
    assert "Welcome call" in html and "Overdue" in html
    assert f'action="/advocates/{contact.pk}/enroll/"' in html
    assert 'value="2026-03-20"' in html  # the start defaults to today
    assert f"/advocates/enrollments/{enrollment.pk}/cancel/" in html


# --- Dashboard --------------------------------------------------------------------------------


def test_the_dashboard_shows_todays_and_this_weeks_touches(enrollment, client):
    page = client.get("/dashboard/").text
    assert "Appreciation touches" in page
    assert "3 overdue" in page and "1 more this week" in page
    assert "Welcome call" in page


def test_the_dashboard_shows_nothing_to_someone_with_no_touches(member, client, clock):
    assert "Appreciation touches" not in client.get("/dashboard/").text


# --- Query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [10, 1000])
def test_the_touch_list_costs_the_same_at_10_and_1000_touches(
    enrollment, client, count, django_assert_num_queries
):
    bulk_touches(enrollment, count, due_on=dt.date(2026, 3, 20), is_email=True)
    # Session user, membership; counts per bucket (the page's count too); completion per plan;
    # page rows.
    with django_assert_num_queries(6):
        response = client.get("/advocates/touches/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [10, 1000])
def test_the_dashboard_panel_costs_two_queries_at_10_and_1000_touches(
    enrollment, member, count, django_assert_num_queries
):
    from advocates.panels import touches_panel

    bulk_touches(enrollment, count, due_on=dt.date(2026, 3, 20))
    with django_assert_num_queries(2):
        found = touches_panel(None, member)
    assert len(found["first"]) == 5


# --- Privacy ----------------------------------------------------------------------------------


def object_urls(enrollment, touch):
    return [
        f"/advocates/touches/{touch.pk}/done/",
        f"/advocates/touches/{touch.pk}/email/",
        f"/advocates/touches/{touch.pk}/acknowledged/",
        f"/advocates/enrollments/{enrollment.pk}/cancel/",
        f"/advocates/{enrollment.contact_id}/enroll/",
    ]


@pytest.mark.parametrize("who", ["another member", "leadership"])
def test_nobody_but_the_owner_reaches_touches_or_enrolments(enrollment, partnership, leader, who):
    viewer = MemberFactory(partnership=partnership) if who == "another member" else leader
    client = client_for(partnership, viewer)
    touch = enrollment.touches.filter(is_email=True).first()
    for url in object_urls(enrollment, touch):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"kind": "yearly", "starts_on": "2026-03-20"}).status_code == 404
    assert Touch.objects.filter(done_at__isnull=False).count() == 0
    assert "Maya Thompson" not in client.get("/advocates/touches/").text
    assert "Maya Thompson" not in client.get("/dashboard/").text


def test_each_touch_is_badged_by_the_rule_the_filters_use(enrollment, member, client, clock):
    first = enrollment.touches.order_by("due_on").first()
    mark_done(touch=first, actor=member.user)  # day 0
    today = member.partnership.today()  # Mar 20: days 7 and 14 overdue, day 21 in three days
    buckets = {t.due_on.day: t.bucket for t in with_bucket(enrollment.touches.all(), today)}
    assert buckets == {
        2: "done",
        9: "overdue",
        16: "overdue",
        23: "week",
        6: "later",
        13: "later",
        20: "later",
        30: "later",
    }
    due = client.get("/advocates/touches/").text
    assert due.count('<span class="badge badge-bad">Overdue</span>') == 2
    assert due.count('<span class="badge badge-info">This week</span>') == 1
    done = client.get("/advocates/touches/?show=done").text
    assert done.count('<span class="badge badge-ok">Done</span>') == 1
    clock.move_to(dt.datetime(2026, 3, 23, 15, 0, tzinfo=dt.UTC), tick=False)
    assert 'badge-info">Due today</span>' in client.get("/advocates/touches/").text
    later = client.get("/advocates/touches/?show=later").text
    assert later.count('<span class="badge badge-info">Later</span>') == 4
