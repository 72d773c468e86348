"""Pre-filling an invitee's registration ("Next"): only when the lender's organization opted in,
only for one address; the invitee sees the data filled in and can correct it."""

import pytest

from comarketing import services
from comarketing.forms import PrefillForm, RegistrationForm
from comarketing.models import PREFILL_FIELDS, Connection
from comarketing.services import ComarketingRefused
from members.models import Member
from tests.conftest import client_for
from tests.members.factories import CompanyFactory, MemberFactory

pytestmark = pytest.mark.django_db

PREFILL = {
    "first_name": "Nina",
    "last_name": "New",
    "cell_phone": "(512) 555-0100",
    "office_phone": "(512) 555-0111",
    "employer": "Hill Country Realty",
    "job_title": "Realtor",
    "license_number": "TX-778899",
    "mls_market": "Austin Board of Realtors",
    "mls_agent_id": "ABR-4411",
    "street_address": "100 Congress Ave",
    "city": "Austin",
    "state": "TX",
    "postal_code": "78701",
}


@pytest.fixture
def lender(partnership):
    company = CompanyFactory(partnership=partnership, allows_registration_prefill=True)
    return MemberFactory(
        partnership=partnership, company=company, display_name="Lena Lender", kind="lender"
    )


@pytest.fixture
def lender_without_opt_in(partnership):
    return MemberFactory(partnership=partnership, display_name="Olly Lender", kind="lender")


def prefilled(**data):
    return {f"prefill-{name}": value for name, value in data.items()}


def test_the_prefill_fields_are_exactly_the_registration_fields():
    assert list(PrefillForm.base_fields) == list(PREFILL)
    assert set(PREFILL_FIELDS) == set(PREFILL)
    assert set(PREFILL_FIELDS) <= set(RegistrationForm.base_fields)


def test_next_with_one_address_and_the_opt_in_asks_for_the_prefill(lender, partnership):
    client = client_for(partnership, lender)
    page = client.post(
        "/comarketing/invite/", {"addresses": "nina@example.com", "action": "next"}
    ).text
    assert "Pre-fill registration data for nina@example.com" in page
    for name in PREFILL:
        assert f'name="prefill-{name}"' in page
    assert "Preview of the co-marketing invitation" not in page
    assert not Connection.objects.exists()


def test_prefill_then_preview_then_send_stores_it_on_the_connection(lender, partnership):
    client = client_for(partnership, lender)
    preview = client.post(
        "/comarketing/invite/",
        {"addresses": "nina@example.com", "action": "preview", **prefilled(**PREFILL)},
    ).text
    assert "Preview of the co-marketing invitation" in preview
    assert "Pre-filled in their registration form" in preview and "TX-778899" in preview
    assert 'name="prefill-mls_agent_id" value="ABR-4411"' in preview  # travels to the send
    assert "Hello Nina," in preview  # the email greets them by the pre-filled name
    client.post(
        "/comarketing/invite/",
        {"addresses": "nina@example.com", "action": "send", **prefilled(**PREFILL)},
    )
    connection = Connection.objects.get()
    assert connection.prefill == PREFILL
    assert "Hello Nina," in connection.message.body_text


@pytest.mark.parametrize("addresses", ["a@example.com, b@example.com", "a@example.com"])
def test_next_goes_straight_to_the_send_page_with_several_addresses_or_no_opt_in(
    addresses, lender, lender_without_opt_in, partnership
):
    inviter = lender if "," in addresses else lender_without_opt_in
    client = client_for(partnership, inviter)
    assert 'name="action" value="next"' in client.get("/comarketing/invite/").text
    page = client.post("/comarketing/invite/", {"addresses": addresses, "action": "next"})
    assert page.status_code == 200
    assert "Pre-fill registration data" not in page.text
    assert "Preview of the co-marketing invitation" in page.text
    assert 'value="send"' in page.text and "prefill-first_name" not in page.text


def test_the_service_refuses_a_prefill_without_the_opt_in(lender_without_opt_in, lender):
    with pytest.raises(ComarketingRefused, match="has not opted in"):
        services.invite_partners(
            lender=lender_without_opt_in,
            emails=["nina@example.com"],
            actor=None,
            prefill={"first_name": "Nina"},
        )
    lender.company = None
    with pytest.raises(ComarketingRefused, match="has not opted in"):
        services.invite_partners(
            lender=lender, emails=["nina@example.com"], actor=None, prefill={"first_name": "Nina"}
        )
    assert not Connection.objects.exists()


def test_the_service_refuses_a_prefill_for_several_addresses(lender, partnership):
    with pytest.raises(ComarketingRefused, match="one address at a time"):
        services.invite_partners(
            lender=lender, emails=["a@example.com", "b@example.com"], actor=None, prefill=PREFILL
        )
    # Through the page too: the addresses were changed after pre-filling.
    response = client_for(partnership, lender).post(
        "/comarketing/invite/",
        {"addresses": "a@example.com, b@example.com", "action": "send", **prefilled(**PREFILL)},
    )
    assert response.status_code == 400 and "one address at a time" in response.text
    assert not Connection.objects.exists()


def test_the_service_refuses_fields_the_registration_does_not_have(lender):
    with pytest.raises(ComarketingRefused, match="not registration fields: password1"):
        services.invite_partners(
            lender=lender, emails=["a@example.com"], actor=None, prefill={"password1": "x"}
        )


def test_the_invitee_sees_the_prefill_and_corrects_it(lender, partnership):
    (connection,) = services.invite_partners(
        lender=lender, emails=["nina@example.com"], actor=lender.user, prefill=PREFILL
    )
    visitor = client_for(partnership)
    page = visitor.get(f"/comarketing/join/{connection.token}/").text
    assert "Lena Lender filled in some details for you" in page
    for name, value in PREFILL.items():
        assert f'name="{name}" value="{value}"' in page, name
    response = visitor.post(
        f"/comarketing/join/{connection.token}/",
        {
            **PREFILL,
            "last_name": "Newton",  # corrected
            "mls_agent_id": "ABR-4412",  # corrected
            "password1": "a-long-enough-passphrase-7",
            "password2": "a-long-enough-passphrase-7",
        },
    )
    assert response.status_code == 302
    partner = Member.objects.get(user__email="nina@example.com")
    assert partner.display_name == "Nina Newton"
    assert (partner.mls_agent_id, partner.license_number, partner.city) == (
        "ABR-4412",
        "TX-778899",
        "Austin",
    )
