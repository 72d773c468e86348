"""A member opens a transaction for a lead they referred, adds a lender to the committee, moves
it under contract and keeps a note; a colleague outside the team finds nothing of it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, log_in
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory, UserFactory
from transactions.models import Transaction
from transactions.selectors.members import CHOICES_SHOWN
from transactions.services import lifecycle as services


@pytest.mark.django_db(transaction=True)
def test_a_team_committee_forms_and_works_the_transaction(site, partnership, browser):
    base = site.replace("127.0.0.1", "localhost")
    rita = MemberFactory(
        partnership=partnership,
        display_name="Rita Referrer",
        user=UserFactory(email="rita@example.com"),
    )
    sam = MemberFactory(partnership=partnership, display_name="Sam Lender", job_title="Lender")
    MemberFactory(
        partnership=partnership,
        display_name="Olive Outsider",
        user=UserFactory(email="olive@example.com"),
    )
    lead = LeadFactory(partnership=partnership, name="Dana Customer", referring_member=rita)

    page = log_in(browser.new_context().new_page(), base, "rita@example.com")
    page.goto(f"{base}/leads/{lead.pk}/transactions/new/")
    expect(page.get_by_text("as the referral partner member you lead the team")).to_be_visible()
    page.get_by_label("Kind").select_option("buy")
    page.get_by_label("Your role").fill("Buyer's agent")
    page.get_by_label("Property address").fill("12 Elm St, Austin")
    page.get_by_label("Value ($)").fill("425000")
    page.screenshot(path=str(SCREENSHOTS / "transaction-open.png"), full_page=True)
    page.get_by_role("button", name="Open the transaction").click()
    # Rita referred Dana: her team of one may move on (no "forming"), and she may add members.
    expect(page.get_by_text("you may serve this customer alone")).to_be_visible()
    expect(page.get_by_text("is forming")).to_have_count(0)

    page.locator("#id_member").select_option(str(sam.pk))
    page.get_by_label("Their role").fill("Lender")
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_text("Sam Lender is on the team")).to_be_visible()

    page.get_by_label("Move to").select_option("under_contract")
    page.get_by_role("button", name="Change stage").click()
    expect(page.get_by_text("The transaction is now under contract.")).to_be_visible()
    page.locator("#id_body").fill("Inspection booked for Tuesday.")
    page.get_by_label("Share with the customer on their page").check()
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added to the timeline.")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "transaction-team-page.png"), full_page=True)

    transaction = Transaction.objects.get()
    assert transaction.stage == "under_contract" and transaction.leader == rita

    outsider = log_in(browser.new_context().new_page(), base, "olive@example.com")
    outsider.goto(f"{base}/transactions/")
    expect(outsider.get_by_text("No transactions yet.")).to_be_visible()
    response = outsider.goto(f"{base}/transactions/{transaction.pk}/")
    assert response.status == 404


@pytest.mark.django_db(transaction=True)
def test_in_a_large_partnership_the_member_to_add_is_found_as_one_types(
    site, partnership, browser, shot_sizes
):
    base = site.replace("127.0.0.1", "localhost")
    rita = MemberFactory(
        partnership=partnership,
        display_name="Rita Referrer",
        user=UserFactory(email="rita@example.com"),
    )
    sam = MemberFactory(partnership=partnership, display_name="Sam Lender", job_title="Lender")
    # More members than a choice lists: the team page offers a search instead.
    MemberFactory.create_batch(CHOICES_SHOWN, partnership=partnership)
    lead = LeadFactory(partnership=partnership, name="Dana Customer", referring_member=rita)
    transaction = services.open_transaction(lead=lead, member=rita, kind="buy", role="Agent")

    page = log_in(browser.new_context().new_page(), base, "rita@example.com")
    page.goto(f"{base}{transaction.get_absolute_url()}")
    expect(page.locator("#id_member option")).to_have_count(1)
    page.get_by_label("Find a partner member to add").fill("sam lend")
    # htmx swaps in the matches as the member types; no "Find" needed.
    expect(page.locator("#member_q_status")).to_have_text("1 member match \u201csam lend\u201d.")
    shot_sizes(page, "transaction-member-search")
    page.locator("#id_member").select_option(str(sam.pk))
    page.get_by_label("Their role").fill("Lender")
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_text("Sam Lender is on the team")).to_be_visible()
