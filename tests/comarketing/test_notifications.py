"""People who should hear, do, once: the owner of a capture page hears of each lead it captured
(the other partner hears through the share), and the lender hears when an invitee becomes
Active. Every email goes through the outbox under a key, so a retry or a double submit sends
nothing more."""

import pytest

from comarketing import services
from comarketing.models import Connection, Media
from leads.models import Lead
from pinnacle.mail.models import OutboxMessage
from tests.comarketing.media_helpers import lead_data, make
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def emails(template):
    return list(OutboxMessage.objects.filter(template=template).order_by("pk"))


# --- A captured lead ----------------------------------------------------------------------------


def test_the_pages_owner_is_emailed_the_captured_lead_once_even_on_a_double_submit(
    connection, lender, agent, partnership
):
    make(connection, agent, title="Elm site", kind=Media.Kind.PROPERTY_SITE, owner=agent)
    visitor = client_for(partnership)
    assert visitor.post("/m/elm-site/", lead_data()).status_code == 302
    assert visitor.post("/m/elm-site/embed/", lead_data()).status_code == 302  # double submit
    lead = Lead.objects.get()

    (owner_email,) = emails("comarketing/lead_captured")
    assert owner_email.to_email == agent.email
    assert owner_email.subject == "New lead from your single property site: Priya Prospect"
    text = owner_email.body_text
    assert 'Priya Prospect filled in the form of your single property site "Elm site"' in text
    assert "The lead is assigned to you: answer soon" in text
    assert "Phone: (512) 555-0142" in text and "Can I see it Sunday?" in text
    lead_url = partnership.absolute_url(lead.get_absolute_url())
    assert f"The lead's page: {lead_url}" in text
    assert f'href="{lead_url}"' in owner_email.body_html
    assert "Lena Lender, your co-marketing partner on this page, was told too." in text
    # ... and the other partner was, through the share, once.
    (shared,) = emails("comarketing/lead_shared")
    assert shared.to_email == lender.email and "Priya Prospect" in shared.body_text


def test_a_returning_leads_thank_you_says_they_came_through_a_co_marketing_page(
    connection, lender, partnership
):
    LeadFactory(
        partnership=partnership,
        name="Priya Prospect",
        email="priya@example.com",
        referring_member=lender,
    )
    make(connection, lender, title="Guide")
    client_for(partnership).post("/m/guide/", lead_data())
    (thanks,) = emails("leads/referrer_thanks")
    assert thanks.to_email == "priya@example.com"
    for body in (thanks.body_text, thanks.body_html):
        assert (
            "Thank you for your interest, shown on a Pinnacle Partnerships co-marketing page."
            in (body)
        )
        assert "requesting access" not in body


def test_the_owner_is_told_when_a_lead_referred_first_stays_with_its_referrer(
    connection, lender, agent, partnership
):
    rita = MemberFactory(partnership=partnership, display_name="Rita Referrer")
    LeadFactory(partnership=partnership, email="priya@example.com", referring_member=rita)
    make(connection, lender, title="Guide")
    client_for(partnership).post("/m/guide/", lead_data())
    (owner_email,) = emails("comarketing/lead_captured")
    assert owner_email.to_email == lender.email
    assert "Rita Referrer referred them first, so the lead stays assigned there" in (
        owner_email.body_text
    )
    assert "assigned to you" not in owner_email.body_text


# --- The invitee becomes Active -----------------------------------------------------------------


def registration():
    return {
        "first_name": "Nina",
        "last_name": "New",
        "password1": "a-long-enough-passphrase-7",
        "password2": "a-long-enough-passphrase-7",
    }


def test_the_lender_is_emailed_once_when_the_invitee_registers(lender, partnership):
    (connection,) = services.invite_partners(
        lender=lender, emails=["nina@example.com"], actor=lender.user
    )
    visitor = client_for(partnership)
    assert visitor.post(f"/comarketing/join/{connection.token}/", registration()).status_code == 302
    # The same form sent again (a double click, a back button) changes and sends nothing.
    client_for(partnership).post(f"/comarketing/join/{connection.token}/", registration())

    (told,) = emails("comarketing/partner_active")
    assert told.to_email == lender.email
    assert told.subject == "Nina New is now your co-marketing partner"
    assert "Nina New (nina@example.com) accepted your co-marketing invitation" in told.body_text
    assert "your connection is Active" in told.body_text
    overview = partnership.absolute_url(f"/comarketing/{connection.pk}/")
    assert f"Your connection with Nina New: {overview}" in told.body_text
    assert f'href="{overview}"' in told.body_html


def test_the_lender_is_emailed_once_when_a_member_accepts(lender, agent, partnership):
    (connection,) = services.invite_partners(lender=lender, emails=[agent.email], actor=lender.user)
    client = client_for(partnership, agent)
    for _ in range(2):
        assert client.post(f"/comarketing/join/{connection.token}/accept/").status_code == 302
    assert Connection.objects.get().partner == agent
    (told,) = emails("comarketing/partner_active")
    assert told.to_email == lender.email
    assert "Alice Agent" in told.subject and f"/comarketing/{connection.pk}/" in told.body_text


def test_the_owner_of_a_returning_lead_of_theirs_hears_once(connection, lender, partnership):
    LeadFactory(
        partnership=partnership,
        name="Priya Prospect",
        email="priya@example.com",
        referring_member=lender,
    )
    make(connection, lender, title="Guide")
    client_for(partnership).post("/m/guide/", lead_data())
    to_owner = OutboxMessage.objects.filter(to_email=lender.email)
    # The intake's notice to the lead's member is the one email; no second one from the page.
    assert [m.template for m in to_owner] == ["leads/referrer_notice"]
    (notice,) = to_owner
    # It says where the lead came back from, and that they named no one this time.
    assert "Priya Prospect came back" in notice.subject
    for body in (notice.body_text, notice.body_html):
        assert "just filled in the form on a Pinnacle Partnerships co-marketing page." in body
        assert "online form" not in body and "named you" not in body
        assert "They named no partner member this time; the lead is assigned to you" in body
