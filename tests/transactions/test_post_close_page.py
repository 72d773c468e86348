"""After a close: the post-close page and its forms, who sees which action, and input checks."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from tests.conftest import client_for
from tests.members.factories import LeadershipFactory
from tests.transactions import post_close_helpers
from tests.transactions.post_close_helpers import CLOSING_EVENING, actions, at, page
from transactions.models import ClientInteraction, MeetingProposal, TransactionAccess
from transactions.services.postclose import (
    draft_interaction_text,
    propose_meeting_times,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(CLOSING_EVENING)]

# The shared fixtures, bound here so that pytest finds them in this module.
closed = post_close_helpers.closed
people = post_close_helpers.people


# The post-close page and its forms


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
        "transactions/_post_close.html", {**context, "access_name": "disclosure"}
    )
    assert html.strip() == ""
    html = render_to_string(
        "transactions/_post_close.html",
        {**context, "viewer": people.larry, "access_name": "team"},
    )
    assert "After the close" in html and "Due by March 5, 2025" in html.replace("Mar.", "March")
