"""Editing a co-marketing partner's marketing profile: needs the partner's own consent and the
lender's organization's opt-in; lenders and leadership may, agents may not; every edit is
audited and emailed to the partner with each old and new value."""

import pytest

from comarketing import services
from comarketing.services import ComarketingRefused
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import AuditEvent
from tests.comarketing.factories import ConnectionFactory
from tests.conftest import client_for
from tests.members.factories import CompanyFactory, LeadershipFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lender(partnership):
    company = CompanyFactory(partnership=partnership, allows_profile_updates=True)
    return MemberFactory(
        partnership=partnership, company=company, display_name="Lena Lender", kind="lender"
    )


@pytest.fixture
def agent(partnership):
    return MemberFactory(
        partnership=partnership,
        display_name="Alice Agent",
        kind="agent",
        job_title="Realtor",
        mls_market="",
        allows_profile_updates=True,
    )


def edit(connection, editor, **changes):
    return services.edit_partner_profile(
        connection=connection, editor=editor, changes=changes, actor=editor.user
    )


def test_a_lender_edits_and_the_partner_is_told_what_changed(connection, lender, agent):
    changed = edit(
        connection, lender, job_title="Broker Associate", mls_market="Austin Board of Realtors"
    )
    assert changed == {
        "job_title": ("Realtor", "Broker Associate"),
        "mls_market": ("", "Austin Board of Realtors"),
    }
    agent.refresh_from_db()
    assert (agent.job_title, agent.mls_market) == ("Broker Associate", "Austin Board of Realtors")
    email = OutboxMessage.objects.get(template="comarketing/profile_edited")
    assert email.to_email == agent.email
    assert email.subject == "Lena Lender updated your Pinnacle Partnerships profile"
    assert "- Job title: Realtor -> Broker Associate" in email.body_text
    assert "- MLS market: (blank) -> Austin Board of Realtors" in email.body_text
    assert "Broker Associate" in email.body_html
    audit = AuditEvent.objects.get(action="comarketing.profile_edited")
    assert audit.actor == lender.user
    assert audit.data["changes"]["job_title"] == ["Realtor", "Broker Associate"]
    # members' own audit of the profile change, with its search document refreshed
    assert AuditEvent.objects.filter(action="member.profile_updated", target_id=agent.pk).exists()


def test_nothing_changed_sends_nothing(connection, lender):
    assert edit(connection, lender, job_title="Realtor") == {}
    assert not OutboxMessage.objects.filter(template="comarketing/profile_edited").exists()


def test_without_the_partners_consent_it_is_refused(connection, lender, agent):
    agent.allows_profile_updates = False
    agent.save()
    with pytest.raises(ComarketingRefused, match="Alice Agent has not allowed profile updates"):
        edit(connection, lender, job_title="Broker")


def test_without_the_lenders_organization_opt_in_it_is_refused(connection, lender):
    lender.company.allows_profile_updates = False
    lender.company.save()
    with pytest.raises(ComarketingRefused, match="has not opted in"):
        edit(connection, lender, job_title="Broker")
    lender.company = None
    lender.save()
    with pytest.raises(ComarketingRefused, match="has not opted in"):
        edit(connection, lender, job_title="Broker")


def test_an_agent_cannot_edit_even_their_own_connection(connection, agent, partnership):
    with pytest.raises(ComarketingRefused, match="agents cannot"):
        edit(connection, agent, job_title="Broker")
    other_lender = MemberFactory(partnership=partnership, kind="lender")
    with pytest.raises(ComarketingRefused, match="Only the lender of this connection"):
        edit(connection, other_lender, job_title="Broker")


def test_leadership_may_edit(connection, partnership, agent):
    leader = LeadershipFactory(partnership=partnership, kind="agent")
    edit(connection, leader, display_name="Alice  Agent-Smith")
    agent.refresh_from_db()
    assert agent.display_name == "Alice Agent-Smith"


def test_a_pending_connection_cannot_be_edited(partnership, lender):
    pending = ConnectionFactory(partnership=partnership, lender=lender)
    with pytest.raises(ComarketingRefused, match="active"):
        edit(pending, lender, job_title="Broker")


def test_only_plain_fields_with_valid_values(connection, lender):
    with pytest.raises(ComarketingRefused, match="cannot be edited: allows_profile_updates"):
        edit(connection, lender, allows_profile_updates=False)
    with pytest.raises(ComarketingRefused, match="Time zone"):
        edit(connection, lender, timezone="Mars/Olympus")
    with pytest.raises(ComarketingRefused, match="Display name"):
        edit(connection, lender, display_name="  ")


def test_the_menu_offers_edit_only_when_allowed(connection, lender, agent, partnership):
    client = client_for(partnership, lender)
    assert f"/comarketing/{connection.pk}/edit/" in client.get("/comarketing/").text
    agent.allows_profile_updates = False
    agent.save()
    assert f"/comarketing/{connection.pk}/edit/" not in client.get("/comarketing/").text
    # an agent never sees it
    agent.allows_profile_updates = True
    agent.save()
    assert (
        f"/comarketing/{connection.pk}/edit/"
        not in client_for(partnership, agent).get("/comarketing/").text
    )


def test_the_edit_page_shows_current_values_and_saves(connection, lender, agent, partnership):
    client = client_for(partnership, lender)
    page = client.get(f"/comarketing/{connection.pk}/edit/")
    assert page.status_code == 200
    assert 'name="job_title" value="Realtor"' in page.text
    assert 'name="display_name" value="Alice Agent"' in page.text
    response = client.post(
        f"/comarketing/{connection.pk}/edit/",
        {"display_name": "Alice Agent", "job_title": "Team Lead", "cell_phone": "(512) 555-0147"},
    )
    assert response.status_code == 302 and response.url == f"/comarketing/{connection.pk}/"
    agent.refresh_from_db()
    assert (agent.job_title, agent.cell_phone) == ("Team Lead", "(512) 555-0147")
    assert OutboxMessage.objects.filter(template="comarketing/profile_edited").count() == 1


def test_the_edit_page_refuses_with_a_message(connection, agent, partnership):
    client = client_for(partnership, agent)
    response = client.post(
        f"/comarketing/{connection.pk}/edit/", {"job_title": "Boss"}, follow=True
    )
    assert "agents cannot" in response.text
    agent.refresh_from_db()
    assert agent.job_title == "Realtor"


def test_a_bad_phone_number_is_shown_on_the_form(connection, lender, partnership):
    response = client_for(partnership, lender).post(
        f"/comarketing/{connection.pk}/edit/", {"display_name": "Alice", "cell_phone": "call me"}
    )
    assert response.status_code == 400 and "Enter a phone number" in response.text
