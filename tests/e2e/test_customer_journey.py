"""A customer follows the link their transaction team emailed them: they see their team with
roles and contact details, the stage and the updates shared with them; once the team revokes
the link, it no longer works. The team sees the transaction on the lead's page and dashboard."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, deliver_queued, log_in
from tests.leads.factories import LeadFactory
from tests.members.factories import CompanyFactory, MemberFactory, UserFactory
from tests.transactions.factories import TransactionEventFactory
from tests.transactions.transaction_builders import team_transaction
from transactions.models import TransactionStage
from transactions.services.customer import revoke_customer_links, send_customer_link


@pytest.mark.django_db(transaction=True)
def test_the_customer_follows_their_transaction(page, site, shot, partnership, settings, browser):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    base = site.replace("127.0.0.1", "localhost")  # the host the emails' links use
    alice = MemberFactory(
        partnership=partnership,
        display_name="Alice Agent",
        user=UserFactory(email="alice@example.com"),
        cell_phone="(512) 555-0101",
    )
    linda = MemberFactory(
        partnership=partnership,
        display_name="Linda Lender",
        job_title="Loan officer",
        company=CompanyFactory(partnership=partnership, name="Lakeside Mortgage"),
        office_phone="(512) 555-0122",
    )
    casey = LeadFactory(partnership=partnership, name="Casey Customer", email="casey@example.com")
    deal = team_transaction(
        alice,
        linda,
        lead=casey,
        property_address="12 Oak Lane, Austin TX",
        stage=TransactionStage.UNDER_CONTRACT,
    )
    deal.team.filter(member=linda).update(role="Lender")
    deal.team.filter(member=alice).update(role="Buyer's agent")
    TransactionEventFactory(transaction=deal, summary="Offer accepted", shared_with_customer=True)
    TransactionEventFactory(transaction=deal, summary="Internal: seller is flexible")
    TransactionEventFactory(
        transaction=deal,
        summary="Appraisal ordered",
        body="The appraiser visits on Friday morning.",
        shared_with_customer=True,
    )

    # 1. Alice sees the transaction on Casey's page and on her dashboard.
    member_page = log_in(browser.new_context().new_page(), base, "alice@example.com")
    expect(member_page.get_by_role("heading", name="Your transactions")).to_be_visible()
    member_page.screenshot(path=str(SCREENSHOTS / "transactions-dashboard.png"), full_page=True)
    member_page.goto(f"{base}{casey.get_absolute_url()}")
    expect(member_page.get_by_text("Buy: 12 Oak Lane, Austin TX").first).to_be_visible()
    expect(member_page.get_by_text("Your team").first).to_be_visible()
    member_page.screenshot(path=str(SCREENSHOTS / "transaction-on-lead-page.png"), full_page=True)

    # 2. Alice emails Casey the link; Casey opens it.
    send_customer_link(transaction=deal, actor=alice)
    deliver_queued()
    (email,) = [m for m in mail.outbox if m.to == ["casey@example.com"]]
    link = re.search(r"https?://\S+/my-transaction/\S+/", email.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Hello Casey Customer")).to_be_visible()
    expect(page.get_by_text("Under contract")).to_be_visible()
    expect(page.get_by_text("Team leader")).to_be_visible()
    expect(page.get_by_text("Lakeside Mortgage")).to_be_visible()
    expect(page.get_by_text("The appraiser visits on Friday morning.")).to_be_visible()
    expect(page.get_by_text("seller is flexible")).to_have_count(0)
    shot("customer-transaction-page")

    # 3. Alice revokes the links: the page no longer opens.
    revoke_customer_links(transaction=deal, actor=alice)
    page.reload()
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    shot("customer-link-revoked")
