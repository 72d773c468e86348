"""The satisfaction survey: the member sends it by email with a signed link; the client answers
once on a public page; the member's page fits S = aC + bQ + gV from enough answers."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from advocates.demo.insights import seed_insights
from advocates.models import Experiment, Interaction, Survey
from advocates.services import AdvocatesRefused
from advocates.services.surveys import MIN_RESPONSES, send_survey
from advocates.tokens import SURVEY_SALT, make_survey_token
from pinnacle.mail.models import OutboxMessage, Suppression
from tests.advocates.factories import ContactFactory, SurveyFactory
from tests.conftest import client_for
from tests.members.factories import MemberFactory
from tests.pinnacle.factories import PartnershipFactory

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime.datetime(2025, 3, 4, 9, 0, tzinfo=CHICAGO)

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(NOW), pytest.mark.usefixtures("clock")]
ANSWER = {"communication": "7", "quality": "9", "value": "6", "satisfaction": "8"}


def link_in(message: OutboxMessage) -> str:
    return re.search(r"https?://\S+/survey/[^/\s]+/", message.body_text).group(0)


def test_the_survey_email_comes_from_the_member_with_a_personal_link(member, partnership):
    survey = send_survey(owner=member, name="Casey Client", email="Casey@Example.com")
    message = survey.message
    assert survey.email == "casey@example.com"
    assert message.to_email == "casey@example.com"
    assert message.template == "advocates/survey"
    assert message.category == OutboxMessage.Category.TRANSACTIONAL
    assert message.subject == "Alice Agent would like to know how they did"
    assert "Hello Casey Client," in message.body_text
    assert "valid for 60 days, until May 3, 2025" in message.body_text
    assert "Alice Agent" in message.body_text  # the signature
    assert message.reply_to == member.email
    url = link_in(message)
    assert url.startswith(partnership.base_url)
    assert "Answer the survey" in message.body_html and url in message.body_html


def test_a_suppressed_address_gets_no_survey_and_the_member_is_told_why(member, partnership):
    Suppression.objects.create(partnership=partnership, email="casey@example.com", reason="bounced")
    with pytest.raises(AdvocatesRefused, match=r"casey@example\.com is on .* \(bounced\)"):
        send_survey(owner=member, name="Casey", email="casey@example.com")
    assert not Survey.objects.exists() and not OutboxMessage.objects.exists()
    client = client_for(partnership, member)
    response = client.post(
        reverse("advocates_satisfaction_send"), {"name": "Casey", "email": "casey@example.com"}
    )
    assert response.status_code == 400
    assert "do-not-email list" in response.content.decode()


def test_a_double_click_sends_one_survey(member):
    first = send_survey(owner=member, name="Casey", email="casey@example.com")
    second = send_survey(owner=member, name="Casey", email="casey@example.com")
    assert first == second and Survey.objects.count() == 1


def test_sending_from_the_contact_page_logs_the_email_on_the_contact(member, partnership):
    contact = ContactFactory(owner=member, name="Maya Thompson", email="maya@example.com")
    client = client_for(partnership, member)
    response = client.post(reverse("advocates_contact_survey", args=[contact.pk]))
    assert response["Location"] == f"/advocates/{contact.pk}/"
    survey = Survey.objects.get()
    assert survey.contact == contact and survey.name == "Maya Thompson"
    logged = Interaction.objects.get(contact=contact)
    assert logged.message == survey.message and logged.kind == "email"


def test_another_members_contact_cannot_be_surveyed(member, partnership, leader):
    contact = ContactFactory(owner=MemberFactory(partnership=partnership))
    for viewer in (member, leader):
        response = client_for(partnership, viewer).post(
            reverse("advocates_contact_survey", args=[contact.pk])
        )
        assert response.status_code == 404
    assert not Survey.objects.exists()


def test_the_client_answers_once_on_a_private_page(member, partnership):
    survey = send_survey(owner=member, name="Casey Client", email="casey@example.com")
    client = client_for(partnership)
    url = link_in(survey.message).removeprefix(partnership.base_url)
    page = client.get(url)
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert page["Referrer-Policy"] == "same-origin"
    assert "How did we do, Casey Client?" in page.content.decode()
    done = client.post(url, {**ANSWER, "comment": "Great\nwork"})
    assert "Your answers are with Alice Agent" in done.content.decode()
    survey.refresh_from_db()
    assert (survey.communication, survey.quality, survey.value, survey.satisfaction) == (
        7,
        9,
        6,
        8,
    )
    assert survey.comment == "Great\nwork" and survey.answered_at == timezone.now()
    again = client.post(url, {**ANSWER, "satisfaction": "1"})
    assert "already been answered" in again.content.decode()
    survey.refresh_from_db()
    assert survey.satisfaction == 8


def test_the_client_answers_with_redis_down(member, partnership, redis_down):
    """Cache, sessions' cache and broker unreachable: the answer is still saved and thanked for."""
    survey = send_survey(owner=member, name="Casey Client", email="casey@example.com")
    client = client_for(partnership)
    client.get("/?utm_source=newsletter")  # the visitor carries a session, read on every page
    assert client.cookies.get("sessionid")
    url = link_in(survey.message).removeprefix(partnership.base_url)
    assert client.get(url).status_code == 200
    done = client.post(url, ANSWER)
    assert done.status_code == 200 and "Your answers are with Alice Agent" in done.text
    survey.refresh_from_db()
    assert survey.answered_at == timezone.now() and survey.satisfaction == 8


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({**ANSWER, "comment": "bell\x07"}, "control characters"),
        ({**ANSWER, "comment": "x" * 2001}, "at most 2000 characters"),
        ({**ANSWER, "quality": "11"}, "Select a valid choice"),
        ({"communication": "5"}, "This field is required"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(member, partnership, data, error):
    survey = SurveyFactory(owner=member)
    url = reverse("satisfaction_survey", args=[make_survey_token(survey)])
    response = client_for(partnership).post(url, data)
    assert response.status_code == 400
    assert error in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_forged_expired_or_other_hosts_link_is_one_friendly_404(member, partnership, clock):
    survey = SurveyFactory(owner=member)
    token = make_survey_token(survey)
    client = client_for(partnership)
    forged = signing.dumps({"p": partnership.pk, "s": survey.pk}, salt="leads.prospect-access")
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        response = client.get(reverse("satisfaction_survey", args=[bad]))
        assert response.status_code == 404
        assert "This link no longer works" in response.content.decode()
    other = PartnershipFactory(slug="harbor")
    assert client_for(other).get(reverse("satisfaction_survey", args=[token])).status_code == 404
    clock.shift(datetime.timedelta(days=61))
    response = client.post(reverse("satisfaction_survey", args=[token]), ANSWER)
    assert response.status_code == 404
    survey.refresh_from_db()
    assert survey.answered_at is None
    assert SURVEY_SALT == "advocates.satisfaction-survey"


def answered(owner, rows):
    Survey.objects.bulk_create(
        Survey(
            partnership=owner.partnership,
            owner=owner,
            name=f"Client {i}",
            email=f"c{i}@example.com",
            answered_at=timezone.now(),
            communication=c,
            quality=q,
            value=v,
            satisfaction=s,
        )
        for i, (c, q, v, s) in enumerate(rows)
    )


def exact_rows(n):
    rows = []
    for i in range(n):
        c, q, v = 1 + i % 10, 1 + (i * 3) % 10, 1 + (i * 7 + 2) % 10
        rows.append((c, q, v, 0))
    return rows


def test_below_the_minimum_the_page_says_how_many_more_are_needed(member_client, member):
    answered(member, [(5, 6, 7, 6)] * (MIN_RESPONSES - 3))
    SurveyFactory(owner=member)  # sent, not answered
    html = member_client.get(reverse("advocates_satisfaction")).content.decode()
    assert "8 surveys sent, 7 answered." in html
    assert "3 more answered surveys needed" in html
    assert "at least 10" in html
    assert "R²" not in html


def test_the_fit_names_the_factor_that_matters_most(member_client, member):
    rows = [(c, q, v, c * 0.1 + q * 0.2 + v * 0.7) for c, q, v, _ in exact_rows(12)]
    # Satisfaction is whole numbers 1-10: scale the rule so it stays whole and in range.
    rows = [(c, q, v, max(1, min(10, round(s)))) for c, q, v, s in rows]
    answered(member, rows)
    response = member_client.get(reverse("advocates_satisfaction"))
    fit = response.context["model"].fit
    assert fit.n == 12
    assert fit.most_important == "perceived value"
    html = response.content.decode()
    assert "What matters most to your clients: perceived value." in html
    assert "R² = 1 \u2212 SSE/SST" in html and "no constant term" in html


def test_no_factor_is_named_from_noise_and_each_weight_shows_its_uncertainty(member_client, member):
    # Twelve clients whose quality and value ratings weigh about the same in their overall
    # satisfaction: one of them comes out on top, by less than the noise.
    rows = [
        (3, 7, 6, 6),
        (8, 4, 5, 6),
        (5, 5, 9, 7),
        (2, 9, 3, 5),
        (9, 2, 8, 7),
        (6, 6, 4, 5),
        (4, 8, 8, 8),
        (7, 3, 2, 4),
        (1, 6, 7, 6),
        (10, 9, 5, 8),
        (5, 1, 6, 4),
        (3, 10, 10, 9),
    ]
    answered(member, rows)
    response = member_client.get(reverse("advocates_satisfaction"))
    fit = response.context["model"].fit
    assert fit.most_important == ""
    html = response.content.decode()
    assert "What matters most" not in html
    assert "No factor is clearly ahead yet." in html
    assert f"but its lead over {fit.runner_up} is within the noise" in html
    assert "Standard error" in html and "95% interval" in html
    quality = fit.weights[1]
    assert f"{quality.low:.3f} to {quality.high:.3f}" in html


def test_answers_that_do_not_vary_are_named_not_a_500(member_client, member):
    answered(member, [(7, 7, 7, 7)] * 12)
    response = member_client.get(reverse("advocates_satisfaction"))
    assert response.status_code == 200
    assert "The answers do not vary enough to fit the model" in response.content.decode()


def test_leadership_sees_every_members_answers_in_aggregate_without_names(
    partnership, leader, member
):
    others = [MemberFactory(partnership=partnership) for _ in range(2)]
    rows = exact_rows(12)
    answered(
        others[0], [(c, q, v, max(1, min(10, round(0.5 * q + 0.5 * v)))) for c, q, v, _ in rows[:6]]
    )
    answered(
        others[1], [(c, q, v, max(1, min(10, round(0.5 * q + 0.5 * v)))) for c, q, v, _ in rows[6:]]
    )
    html = (
        client_for(partnership, leader)
        .get(reverse("advocates_satisfaction") + "?scope=all")
        .content.decode()
    )
    assert "across members" in html and "12 surveys sent, 12 answered." in html
    assert "Client 0" not in html
    # A member asking for the aggregate gets their own page.
    own = client_for(partnership, member).get(reverse("advocates_satisfaction") + "?scope=all")
    assert own.context["aggregate"] is False


@pytest.mark.parametrize("count", [10, 1000])
def test_the_satisfaction_page_takes_the_same_queries_at_10_and_1000_rows(
    member_client, member, django_assert_num_queries, count
):
    answered(member, [(c, q, v, 1 + (c + q) % 10) for c, q, v, _ in exact_rows(count)])
    url = reverse("advocates_satisfaction")
    member_client.get(url)
    with django_assert_num_queries(7):
        response = member_client.get(url)
    assert len(response.context["page"].object_list) == min(count, 25)


def test_the_demo_seeds_once(partnership):
    from advocates.demo import seed_contacts

    agent = MemberFactory(partnership=partnership, display_name="Demo Agent")
    seed_contacts(agent)
    first = seed_insights(agent)
    assert first == 13
    assert seed_insights(agent) == 0
    assert Experiment.objects.count() == 1
    assert Survey.objects.filter(answered_at__isnull=False).count() == 12
    experiment = Experiment.objects.get()
    assert experiment.starts_on == partnership.today() - datetime.timedelta(weeks=6)
    assert experiment.feedback.count() == 3
    # The demo's survey emails are recorded as sent weeks ago: nothing goes out while seeding.
    statuses = set(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses == {OutboxMessage.Status.SENT}
    client = client_for(partnership, agent)
    assert client.get(reverse("advocates_satisfaction")).context["model"].fit is not None
