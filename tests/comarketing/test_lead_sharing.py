"""Sharing a lead with a co-marketing partner: only the two partners of an active connection,
once per lead and partner, never an opted-out lead; the partner is emailed; the lead is sent
nothing and no outreach attempt is recorded."""

import pytest

from comarketing import panels, services
from comarketing.models import SharedLead
from comarketing.services import ComarketingRefused
from leads import extensions as lead_extensions
from outreach.models import Attempt
from pinnacle.mail.models import OutboxMessage
from pinnacle.mail.services import record_opt_out, suppress
from tests.comarketing.factories import ConnectionFactory
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import LeadershipFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(partnership):
    return LeadFactory(partnership=partnership, name="Priya Prospect", need="buy")


@pytest.fixture
def share_panel(monkeypatch):
    """The lead page's panel, registered for this test only (ComarketingConfig.ready() registers
    it for good)."""
    point = lead_extensions.lead_actions
    monkeypatch.setattr(point, "_extensions", list(point._extensions))
    panels.register()


def share(connection, lead, member, note="Pre-approved, wants Travis Heights"):
    return services.share_lead(
        connection=connection, lead=lead, member=member, note=note, actor=member.user
    )


def test_either_side_shares_and_the_partner_is_emailed(connection, lead, lender, agent):
    shared = share(connection, lead, lender)
    assert (shared.shared_by, shared.shared_with, shared.partnership_id) == (
        lender,
        agent,
        connection.partnership_id,
    )
    email = OutboxMessage.objects.get(template="comarketing/lead_shared")
    assert email.to_email == agent.email
    assert email.subject == "Lena Lender shared a lead with you: Priya Prospect"
    assert "Priya Prospect (Buy a home)" in email.body_text
    assert "Pre-approved, wants Travis Heights" in email.body_text
    assert f"/leads/{lead.pk}/" in email.body_text and f"/leads/{lead.pk}/" in email.body_html
    back = share(connection, lead, agent, note="")
    assert back.shared_with == lender


def test_sharing_sends_nothing_to_the_lead_and_records_no_attempt(connection, lead, lender):
    share(connection, lead, lender)
    assert not OutboxMessage.objects.filter(to_email=lead.email).exists()
    assert not Attempt.objects.exists()


def test_once_per_lead_and_partner(connection, lead, lender):
    share(connection, lead, lender)
    with pytest.raises(ComarketingRefused, match="already shared Priya Prospect with Alice Agent"):
        share(connection, lead, lender)
    assert SharedLead.objects.count() == 1


def test_an_opted_out_lead_is_not_shared(connection, lead, lender, partnership):
    record_opt_out(
        partnership=partnership, email=lead.email, how="phone", note="", actor=lender.user
    )
    with pytest.raises(ComarketingRefused, match="Priya Prospect opted out of outreach"):
        share(connection, lead, lender)
    assert not SharedLead.objects.exists()
    assert not OutboxMessage.objects.filter(template="comarketing/lead_shared").exists()


def test_a_bounced_address_is_no_opt_out(connection, lead, lender, partnership):
    suppress(partnership=partnership, email=lead.email, reason="bounced", source="esp")
    assert share(connection, lead, lender)


def test_only_the_two_partners_of_an_active_connection(connection, lead, partnership, lender):
    for outsider in (
        MemberFactory(partnership=partnership),
        LeadershipFactory(partnership=partnership),
    ):
        with pytest.raises(ComarketingRefused, match="Only the two partners"):
            share(connection, lead, outsider)
    pending = ConnectionFactory(partnership=partnership, lender=lender)
    with pytest.raises(ComarketingRefused, match="active co-marketing partners only"):
        share(pending, lead, lender)
    services.delete_connection(connection=connection, member=lender, actor=None)
    with pytest.raises(ComarketingRefused, match="active co-marketing partners only"):
        share(connection, lead, lender)


def test_a_lead_of_another_partnership_is_refused(connection, lender, other_partnership):
    with pytest.raises(ComarketingRefused, match="not in your partnership"):
        share(connection, LeadFactory(partnership=other_partnership), lender)


def test_the_lead_page_offers_the_viewers_active_partners(
    share_panel, connection, lead, lender, partnership
):
    ConnectionFactory(partnership=partnership, lender=lender)  # pending: not offered
    client = client_for(partnership, lender)
    page = client.get(f"/leads/{lead.pk}/").text
    assert "Share with a co-marketing partner" in page
    panel = page.split('id="share-lead-heading"')[1].split("</section>")[0]
    assert f'<option value="{connection.pk}">Alice Agent</option>' in panel
    assert panel.count("<option") == 1
    response = client.post(
        f"/comarketing/share/{lead.pk}/",
        {"connection": connection.pk, "note": "Call after 5pm"},
        follow=True,
    )
    assert "Shared Priya Prospect with Alice Agent" in response.text
    assert SharedLead.objects.get().note == "Call after 5pm"
    assert "Already shared with Alice Agent" in client.get(f"/leads/{lead.pk}/").text


def test_no_panel_without_active_partners(share_panel, lead, partnership):
    loner = MemberFactory(partnership=partnership)
    assert (
        "Share with a co-marketing partner"
        not in client_for(partnership, loner).get(f"/leads/{lead.pk}/").text
    )


def test_the_share_form_refuses_someone_elses_connection(connection, lead, partnership):
    stranger = MemberFactory(partnership=partnership, kind="lender")
    response = client_for(partnership, stranger).post(
        f"/comarketing/share/{lead.pk}/", {"connection": connection.pk, "note": ""}, follow=True
    )
    assert "Choose one of your active co-marketing partners" in response.text
    assert not SharedLead.objects.exists()


def test_the_share_form_shows_an_opt_out_refusal(connection, lead, lender, partnership):
    record_opt_out(
        partnership=partnership, email=lead.email, how="phone", note="", actor=lender.user
    )
    response = client_for(partnership, lender).post(
        f"/comarketing/share/{lead.pk}/", {"connection": connection.pk, "note": ""}, follow=True
    )
    assert "opted out of outreach" in response.text
    assert not SharedLead.objects.exists()
