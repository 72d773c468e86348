"""The connection overview: "click on the name of your co-marketing partners to see a detailed
overview of your connection with them": their contact and company info, the media created
together, and the leads shared both ways."""

import re

import pytest
from django.utils import timezone

from comarketing import services
from comarketing.models import SharedLead
from leads.models import Lead
from pinnacle.mail.services import record_opt_out
from tests.comarketing.factories import ConnectionFactory
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import LeadershipFactory, MemberFactory

pytestmark = pytest.mark.django_db


def share(connection, lead, member, note=""):
    return services.share_lead(
        connection=connection, lead=lead, member=member, note=note, actor=member.user
    )


def test_the_lender_sees_the_partners_contact_company_media_and_leads(
    connection, lender, agent, partnership
):
    theirs = LeadFactory(partnership=partnership, name="Priya Prospect")
    mine = LeadFactory(partnership=partnership, name="Sam Seller", need="sell")
    share(connection, theirs, agent, note="Wants a condo downtown")
    share(connection, mine, lender)
    page = client_for(partnership, lender).get(f"/comarketing/{connection.pk}/")
    assert page.status_code == 200
    text = page.text
    for shown in (
        "Alice Agent",
        "Realtor",
        agent.email,
        "(512) 555-0100",
        "(512) 555-0111",
        "100 Congress Ave, Austin, TX 78701",
        "Hill Country Realty",
        "<progress",
        "Media you created together",
        "Co-branded flyers, property sites and lead capture pages will appear here",
    ):
        assert shown in text, shown
    received = text.split("Leads shared with you")[1].split("</section>")[0]
    assert "Priya Prospect" in received and "Wants a condo downtown" in received
    assert "Sam Seller" not in received
    sent = text.split("Leads you shared")[1].split("</section>")[0]
    assert "Sam Seller" in sent and "Sell a home" in sent and "Priya Prospect" not in sent


def test_the_partner_sees_the_lender_and_what_the_lender_shared(
    connection, lender, agent, partnership
):
    share(connection, LeadFactory(partnership=partnership, name="Priya Prospect"), lender)
    text = client_for(partnership, agent).get(f"/comarketing/{connection.pk}/").text
    assert "Lena Lender" in text and "Loan Officer" in text and "Summit Mortgage" in text
    assert "Priya Prospect" in text.split("Leads shared with you")[1].split("</section>")[0]


def test_leadership_sees_it_from_the_lenders_side(connection, lender, partnership):
    share(connection, LeadFactory(partnership=partnership, name="Priya Prospect"), lender)
    leader = LeadershipFactory(partnership=partnership)
    text = client_for(partnership, leader).get(f"/comarketing/{connection.pk}/").text
    assert "Co-marketing partner of Lena Lender" in text
    assert "Priya Prospect" in text.split("Leads Lena Lender shared")[1].split("</section>")[0]


def test_an_opted_out_shared_lead_says_so(connection, lender, partnership):
    lead = LeadFactory(partnership=partnership, name="Priya Prospect")
    share(connection, lead, lender)
    record_opt_out(partnership=partnership, email=lead.email, how="phone", note="", actor=None)
    text = client_for(partnership, lender).get(f"/comarketing/{connection.pk}/").text
    assert "Opted out" in text.split("Leads you shared")[1]


def test_another_member_gets_a_404(connection, partnership):
    stranger = MemberFactory(partnership=partnership)
    assert client_for(partnership, stranger).get(f"/comarketing/{connection.pk}/").status_code == (
        404
    )


def test_a_pending_connection_has_no_overview_yet(lender, partnership):
    pending = ConnectionFactory(partnership=partnership, lender=lender, email="new@example.com")
    response = client_for(partnership, lender).get(f"/comarketing/{pending.pk}/", follow=True)
    assert response.redirect_chain == [("/comarketing/", 302)]
    assert "new@example.com has not registered yet" in response.text


def test_the_menu_links_the_partners_name_to_the_overview(connection, lender, partnership):
    ConnectionFactory(partnership=partnership, lender=lender, email="new@example.com")
    text = client_for(partnership, lender).get("/comarketing/").text
    assert f'<a href="/comarketing/{connection.pk}/">Alice Agent</a>' in text
    # The pending invitation is not linked: it has no overview yet.
    assert re.findall(r'href="/comarketing/(\d+)/"', text) == [str(connection.pk)]


@pytest.mark.parametrize("count", [10, 300])
def test_the_overview_reads_a_fixed_number_of_queries(
    connection, lender, agent, partnership, count, django_assert_num_queries
):
    leads = Lead.objects.bulk_create(
        Lead(
            partnership=partnership,
            name=f"Lead {n:03d}",
            email=f"lead{n:03d}@example.com",
            need="buy",
            timeframe="3m",
            last_submitted_at=timezone.now(),
        )
        for n in range(count)
    )
    SharedLead.objects.bulk_create(
        SharedLead(
            partnership=partnership,
            connection=connection,
            lead=lead,
            shared_by=agent if n % 2 else lender,
            shared_with=lender if n % 2 else agent,
            note=f"note {n}",
        )
        for n, lead in enumerate(leads)
    )
    client = client_for(partnership, lender)
    # Partnership, user, membership; the connection with both partners, their users and
    # companies; for each list the count and the page's rows with their leads and opt-outs; the
    # media's count (none: no row query).
    with django_assert_num_queries(9):
        page = client.get(f"/comarketing/{connection.pk}/")
    assert page.text.count("<tr>") == 2 + 2 * min(count // 2, 25)
