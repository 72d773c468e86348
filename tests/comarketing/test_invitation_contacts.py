"""The invitation picker: "send an invitation to an email address or addresses or choose contacts
within your account ... If a contact in your account exists with that email address, you can
select that contact. You can also search for contacts by name." A member's contacts include
their own advocate CRM (found through members.extensions.contact_sources), never another
member's."""

import pytest

from comarketing import selectors
from comarketing.models import Connection
from tests.advocates.factories import ContactFactory
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lender(partnership):
    return MemberFactory(partnership=partnership, display_name="Lena Lender", kind="lender")


@pytest.fixture
def colleague(partnership):
    return MemberFactory(partnership=partnership, display_name="Larry Lender", kind="lender")


def test_the_picker_finds_the_members_own_advocate_contacts_by_name(lender, partnership):
    ContactFactory(owner=lender, name="Dora Advocate", email="dora@example.net")
    page = client_for(partnership, lender).get("/comarketing/invite/", {"q": "dora"}).text
    assert "Dora Advocate (your inner circle) &middot; dora@example.net" in page
    assert 'name="contact" value="dora@example.net"' in page


def test_another_members_contacts_are_never_offered(lender, colleague, partnership):
    ContactFactory(owner=colleague, name="Dora Advocate", email="dora@example.net")
    client = client_for(partnership, lender)
    assert "dora@example.net" not in client.get("/comarketing/invite/", {"q": "dora"}).text
    by_address = client.get("/comarketing/invite/", {"q": "dora@example.net"}).text
    assert "Dora Advocate" not in by_address and "No contact matches" in by_address


def test_a_typed_email_shows_whose_contact_it_is(lender, partnership):
    ContactFactory(owner=lender, name="Dora Advocate", email="Dora@Example.net")
    LeadFactory(partnership=partnership, name="Priya Prospect", email="priya@example.com")
    client = client_for(partnership, lender)
    found = client.get("/comarketing/invite/", {"q": " DORA@example.net "}).text
    assert "Dora Advocate (your inner circle) &middot; Dora@Example.net" in found
    # Typed into the addresses, the preview names each known address.
    preview = client.post(
        "/comarketing/invite/",
        {"addresses": "dora@example.net, priya@example.com, new@example.com", "action": "preview"},
    ).text
    assert (
        "Dora Advocate (your inner circle) &lt;dora@example.net&gt;, "
        "Priya Prospect (lead) &lt;priya@example.com&gt;, new@example.com"
    ) in preview
    assert not Connection.objects.exists()


def test_a_chosen_advocate_contact_is_invited(lender, partnership):
    ContactFactory(owner=lender, name="Dora Advocate", email="dora@example.net")
    client_for(partnership, lender).post(
        "/comarketing/invite/", {"contact": ["dora@example.net"], "action": "send"}
    )
    assert Connection.objects.get().email == "dora@example.net"


def test_a_contact_who_is_also_a_member_is_offered_once(lender, partnership):
    agent = MemberFactory(partnership=partnership, display_name="Alice Agent", kind="agent")
    ContactFactory(owner=lender, name="Alice (my realtor)", email=agent.email, linked_member=agent)
    found = selectors.invitation_contacts(lender, "ali")
    assert [(c.name, c.kind) for c in found] == [("Alice (my realtor)", "your inner circle")]


@pytest.mark.parametrize("count", [1, 30])
def test_the_picker_reads_a_fixed_number_of_queries(
    lender, partnership, count, django_assert_num_queries
):
    for n in range(count):
        ContactFactory(owner=lender, name=f"Sam {n}", email=f"sam{n}@example.net")
        LeadFactory(partnership=partnership, name=f"Sam Lead {n}")
    with django_assert_num_queries(3):  # the inner circle, members, leads
        found = selectors.invitation_contacts(lender, "sam")
    assert len(found) == min(count, 10) * 2
