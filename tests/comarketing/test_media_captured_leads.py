"""Co-branded media's captured leads: they enter the partnership's intake assigned to the page's
owner and shared with the other partner, keep their first referrer, and keep the visitor's
address behind the proxy."""

import pytest

from comarketing.models import Media, SharedLead
from leads.models import FormKind, Lead, Submission
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import find_suppression, record_opt_out
from pinnacle.models import AuditEvent
from tests.comarketing.media_helpers import lead_data, make
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_media_root")]


# --- Captured leads -------------------------------------------------------------------------


def test_a_captured_lead_is_the_owners_and_shared_with_the_other_partner(
    connection, lender, agent, partnership
):
    media = make(connection, agent, title="Elm site", kind=Media.Kind.PROPERTY_SITE, owner=agent)
    response = client_for(partnership).post("/m/elm-site/?utm_source=facebook", lead_data())
    assert response.status_code == 302 and response.url == "/join/thanks/"
    lead = Lead.objects.get()
    submission = lead.submissions.get()
    assert (submission.form, submission.message, lead.referring_member) == (
        FormKind.CAPTURE,
        "Can I see it Sunday?",
        agent,
    )
    assert AuditEvent.objects.filter(action="lead.reassigned", target_id=lead.pk).exists()
    welcome = OutboxMessage.objects.get(template="leads/welcome")
    assert welcome.to_email == "priya@example.com"
    shared = SharedLead.objects.get()
    assert (shared.lead, shared.shared_by, shared.shared_with, shared.media) == (
        lead,
        agent,
        lender,
        media,
    )
    email = OutboxMessage.objects.get(template="comarketing/lead_shared")
    assert email.to_email == lender.email
    assert 'filled in the form of your single property site "Elm site"' in email.body_text
    captured = AuditEvent.objects.get(action="comarketing.lead_captured")
    assert (captured.target_id, captured.data["media"]) == (lead.pk, media.pk)
    # Both partners see it on the overview.
    overview = client_for(partnership, lender).get(f"/comarketing/{connection.pk}/").text
    assert "Priya Prospect" in overview.split("Leads shared with you")[1].split("</section>")[0]


def test_a_returning_lead_keeps_its_first_referrer(connection, lender, agent, partnership):
    rita = MemberFactory(partnership=partnership, display_name="Rita Referrer")
    LeadFactory(partnership=partnership, email="priya@example.com", referring_member=rita)
    make(connection, lender, title="Guide")
    client_for(partnership).post("/m/guide/", lead_data())
    lead = Lead.objects.get()
    assert lead.referring_member == rita and lead.submissions.count() == 1
    assert not AuditEvent.objects.filter(action="lead.reassigned").exists()
    assert SharedLead.objects.get().shared_with == agent


def test_a_second_capture_is_shared_once(connection, lender, agent, partnership):
    make(connection, lender, title="Guide")
    client = client_for(partnership)
    client.post("/m/guide/", lead_data())
    client.post("/m/guide/embed/", lead_data(message="Again"))
    assert Submission.objects.count() == 2
    assert SharedLead.objects.count() == 1
    assert OutboxMessage.objects.filter(template="comarketing/lead_shared").count() == 1
    assert AuditEvent.objects.filter(action="comarketing.lead_captured").count() == 2


def test_an_opted_out_lead_who_submits_again_is_kept_and_open_to_contact(
    connection, lender, agent, partnership
):
    LeadFactory(partnership=partnership, email="priya@example.com")
    record_opt_out(
        partnership=partnership, email="priya@example.com", how="phone", note="", actor=None
    )
    make(connection, lender, title="Guide")
    response = client_for(partnership).post("/m/guide/", lead_data())
    assert response.status_code == 302
    assert Submission.objects.get().form == FormKind.CAPTURE
    assert find_suppression(partnership=partnership, email="priya@example.com") is None
    assert SharedLead.objects.get().shared_with == agent


def test_behind_the_trusted_proxy_a_capture_keeps_the_visitors_address(
    connection, lender, settings
):
    settings.TRUSTED_PROXIES = 1
    make(connection, lender, title="Guide")
    client_for(connection.partnership).post(
        "/m/guide/",
        lead_data(),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert Submission.objects.get().ip_address == "198.51.100.23"
