import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from leads.services.intake import submit_lead
from leads.tokens import make_access_token
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(partnership):
    submission = submit_lead(
        partnership=partnership,
        form="join",
        name="Dana Prospect",
        email="dana@example.com",
        need="buy",
        timeframe="3m",
        consent=True,
    )
    return submission.lead


def access_path(lead):
    return reverse("prospect_access", args=[make_access_token(lead)])


def test_profile_without_access_sends_the_prospect_to_join(anon_client, member):
    page = anon_client.get(member.get_absolute_url()).text
    assert f'href="/join/?ref={member.slug}"' in page
    response = anon_client.get(reverse("express_interest", args=[member.slug]))
    assert response.status_code == 302 and response.url == f"/join/?ref={member.slug}"


def test_access_link_starts_a_prospect_session(anon_client, lead, member):
    page = anon_client.get(access_path(lead))
    assert page.status_code == 200
    assert "Welcome, Dana Prospect" in page.text
    profile = anon_client.get(member.get_absolute_url()).text
    assert reverse("express_interest", args=[member.slug]) in profile
    assert "Welcome, Dana Prospect" in profile  # the header greets the prospect on every page


def test_the_session_is_per_partnership(lead, other_partnership):
    client = client_for(lead.partnership)
    client.get(access_path(lead))
    outsider = MemberFactory(partnership=other_partnership)
    other_host = client_for(other_partnership)
    other_host.cookies = client.cookies
    response = other_host.get(reverse("express_interest", args=[outsider.slug]))
    assert response.status_code == 302 and response.url.startswith("/join/")


def test_expired_access_link_offers_a_new_one(anon_client, lead):
    path = access_path(lead)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        response = anon_client.get(path)
    assert response.status_code == 410
    assert "This access link has expired" in response.text


def test_forged_or_foreign_access_links_are_404(anon_client, other_partnership):
    assert anon_client.get("/access/forged-token/").status_code == 404
    foreign = LeadFactory(partnership=other_partnership)
    assert anon_client.get(access_path(foreign)).status_code == 404


def test_only_a_person_on_our_page_counts_as_a_click(anon_client, lead):
    welcome = OutboxMessage.objects.get(template="leads/welcome")
    delivery.deliver(welcome.pk)
    anon_client.get(access_path(lead))  # what a link scanner does
    welcome.refresh_from_db()
    assert welcome.link_confirmed_at is None
    anon_client.post(reverse("confirm_access"))  # the page's own request, from a real browser
    welcome.refresh_from_db()
    assert welcome.link_confirmed_at is not None and welcome.status == "clicked"
