"""The customer's read-only page of their transaction: opened from a signed, expiring link that
only the team sends and can revoke; it shows their own transaction and nothing else."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leads.selectors.timeline import lead_timeline
from leads.services import LeadRefused
from leads.tokens import make_access_token
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage, Suppression
from pinnacle.models import AuditEvent
from tests.conftest import client_for
from tests.leads.factories import LeadFactory
from tests.members.factories import CompanyFactory, MemberFactory
from tests.transactions.factories import TransactionEventFactory
from tests.transactions.transaction_builders import team_transaction
from transactions.models import Transaction, TransactionEvent, TransactionStage
from transactions.services.customer import revoke_customer_links, send_customer_link
from transactions.tokens import customer_url, make_customer_token

NEW_YORK = ZoneInfo("America/New_York")
START = datetime.datetime(2025, 3, 4, 9, 0, tzinfo=NEW_YORK)

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]


@pytest.fixture
def lender(partnership):
    return MemberFactory(
        partnership=partnership,
        display_name="Linda Lender",
        job_title="Loan officer",
        company=CompanyFactory(partnership=partnership, name="Lakeside Mortgage"),
        cell_phone="(512) 555-0111",
        office_phone="(512) 555-0122",
    )


@pytest.fixture
def customer(partnership):
    return LeadFactory(partnership=partnership, name="Casey Customer", email="casey@example.com")


@pytest.fixture
def deal(clock, customer, member, lender):
    """Casey's purchase, led by Alice with Linda as lender; two shared updates, one not."""
    transaction = team_transaction(
        member,
        lender,
        lead=customer,
        property_address="12 Oak Lane, Austin TX",
        stage=TransactionStage.UNDER_CONTRACT,
    )
    transaction.team.filter(member=lender).update(role="Lender")
    transaction.team.filter(member=member).update(role="Buyer's agent")
    TransactionEventFactory(
        transaction=transaction, summary="Offer accepted", shared_with_customer=True, actor=member
    )
    clock.shift(datetime.timedelta(hours=1))
    TransactionEventFactory(
        transaction=transaction, summary="Internal: seller is flexible on price"
    )
    clock.shift(datetime.timedelta(hours=1))
    TransactionEventFactory(
        transaction=transaction,
        summary="Appraisal ordered",
        body="The appraiser visits on Friday.",
        shared_with_customer=True,
    )
    return transaction


@pytest.fixture
def sibling(customer, lender):
    """Another transaction of the same customer, with another team."""
    other = team_transaction(lender, lead=customer, property_address="99 Bay Street")
    TransactionEventFactory(
        transaction=other, summary="Refinance rate locked", shared_with_customer=True
    )
    return other


@pytest.fixture
def stranger_deal(partnership, lender):
    other = team_transaction(
        lender,
        lead=LeadFactory(partnership=partnership, name="Sam Stranger"),
        property_address="7 Elm Court",
    )
    TransactionEventFactory(
        transaction=other, summary="Inspection passed", shared_with_customer=True
    )
    return other


def page_url(transaction) -> str:
    return reverse("customer_transaction", args=[make_customer_token(transaction)])


def assert_link_no_longer_works(response):
    assert response.status_code == 404
    assert "This link no longer works" in response.text
    assert "Ask a member of your transaction team" in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


# --- What the customer sees -------------------------------------------------------------------


def test_the_customer_sees_their_team_stage_and_shared_updates(
    anon_client, deal, member, lender, sibling, stranger_deal
):
    response = anon_client.get(page_url(deal))
    assert response.status_code == 200
    page = response.text
    assert "Hello Casey Customer" in page
    assert "12 Oak Lane, Austin TX" in page
    assert "Under contract" in page
    # The team, with roles and contact details; the leader is marked.
    for text in (
        "Alice Agent",
        "Buyer&#x27;s agent",
        member.email,
        "Linda Lender",
        "Lender",
        "Loan officer",
        "Lakeside Mortgage",
        "(512) 555-0111",
        "(512) 555-0122",
        lender.email,
    ):
        assert text in page, text
    assert page.count("Team leader") == 1
    assert page.index("Alice Agent") < page.index("Team leader") < page.index("Linda Lender")
    # Only the shared entries, newest first.
    assert page.index("Appraisal ordered") < page.index("Offer accepted")
    assert "The appraiser visits on Friday." in page
    assert "seller is flexible" not in page
    # Nothing of another transaction, of this customer or anyone else.
    for elsewhere in ("99 Bay Street", "Refinance rate locked", "Sam Stranger", "7 Elm Court"):
        assert elsewhere not in page
    assert "Inspection passed" not in page
    # No way into the members' side from here.
    assert not re.search(r'href="/(leads|transactions|inquiries|dashboard)', page)


def test_the_page_is_private_to_its_reader(anon_client, deal):
    response = anon_client.get(page_url(deal))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_closed_transaction_shows_its_closing_date(anon_client, deal):
    Transaction.objects.filter(pk=deal.pk).update(
        stage=TransactionStage.CLOSED, closed_on=datetime.date(2025, 4, 18)
    )
    page = anon_client.get(page_url(deal)).text
    assert 'Closed</span> on <time datetime="2025-04-18">April 18, 2025' in page


def test_a_transaction_with_nothing_shared_yet(anon_client, customer, member):
    quiet = team_transaction(member, lead=customer)
    TransactionEventFactory(transaction=quiet, summary="Team formed")
    page = anon_client.get(page_url(quiet)).text
    assert "No updates yet." in page
    assert "Team formed" not in page


def test_each_link_opens_only_its_own_transaction(anon_client, deal, sibling):
    page = anon_client.get(page_url(sibling)).text
    assert "99 Bay Street" in page and "Refinance rate locked" in page
    assert "12 Oak Lane" not in page and "Appraisal ordered" not in page


def test_many_updates_are_paged(anon_client, deal):
    for n in range(25):
        TransactionEventFactory(
            transaction=deal, summary=f"Weekly note {n:02d}", shared_with_customer=True
        )
    first = anon_client.get(page_url(deal)).text
    assert "Weekly note 24" in first and "Offer accepted" not in first
    second = anon_client.get(page_url(deal), {"page": 2}).text
    assert "Offer accepted" in second and "Weekly note 24" not in second


def test_opening_the_page_changes_nothing(anon_client, deal):
    with CaptureQueriesContext(connection) as queries:
        assert anon_client.get(page_url(deal)).status_code == 200
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert set(statements) == {"SELECT"}, statements


# --- Links that no longer work ----------------------------------------------------------------


@pytest.mark.parametrize(
    "spoil",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "nonsense",
        lambda token: token.replace(":", "", 1),
    ],
    ids=["tampered signature", "garbage", "broken format"],
)
def test_a_tampered_link_is_a_friendly_404(anon_client, deal, spoil):
    token = spoil(make_customer_token(deal))
    assert_link_no_longer_works(anon_client.get(f"/my-transaction/{token}/"))


def test_another_kind_of_token_does_not_open_the_page(anon_client, deal):
    # The customer's welcome-email access link names the lead, not a transaction.
    token = make_access_token(deal.lead)
    assert_link_no_longer_works(anon_client.get(f"/my-transaction/{token}/"))


def test_a_link_expires_after_the_partnerships_link_days(clock, anon_client, deal, settings):
    url = page_url(deal)
    clock.shift(datetime.timedelta(days=89))
    assert anon_client.get(url).status_code == 200
    clock.shift(datetime.timedelta(days=2))
    assert_link_no_longer_works(anon_client.get(url))


def test_the_link_lifetime_is_a_setting(clock, anon_client, deal, settings):
    settings.CUSTOMER_LINK_DAYS = 7
    url = page_url(deal)
    clock.shift(datetime.timedelta(days=8))
    assert_link_no_longer_works(anon_client.get(url))


def test_revoking_ends_every_link_sent_so_far(anon_client, deal, member):
    first, second = page_url(deal), page_url(deal)
    revoke_customer_links(transaction=deal, actor=member)
    assert_link_no_longer_works(anon_client.get(first))
    assert_link_no_longer_works(anon_client.get(second))
    deal.refresh_from_db()
    assert anon_client.get(page_url(deal)).status_code == 200


def test_a_link_only_works_on_its_own_partnerships_site(deal, other_partnership, other_member):
    # The same link on another partnership's host, and another partnership's link here.
    assert_link_no_longer_works(client_for(other_partnership).get(page_url(deal)))
    foreign = team_transaction(other_member)
    TransactionEventFactory(transaction=foreign, summary="Harbor secret", shared_with_customer=True)
    response = client_for(deal.partnership).get(page_url(foreign))
    assert_link_no_longer_works(response)
    assert "Harbor secret" not in response.text


def test_a_link_to_a_transaction_that_is_gone(anon_client, partnership, member):
    gone = team_transaction(member)
    url = page_url(gone)
    gone.delete()
    assert_link_no_longer_works(anon_client.get(url))


def test_the_page_is_read_only(anon_client, deal):
    assert anon_client.post(page_url(deal)).status_code == 405


# --- Sending and revoking ---------------------------------------------------------------------


def sent_email(message: OutboxMessage):
    delivery.deliver(message.pk)
    (email,) = [m for m in mail.outbox if m.to == [message.to_email]][-1:]
    return email


def test_a_team_member_emails_the_customer_their_link(clock, deal, member, partnership):
    client = client_for(partnership, member)
    response = client.post(f"/transactions/{deal.pk}/customer-link/")
    assert response.status_code == 302
    assert response.url == f"/transactions/{deal.pk}/"
    page = client.get(deal.lead.get_absolute_url()).text
    assert "Casey Customer has been emailed the link to their page at casey@example.com." in page

    message = OutboxMessage.objects.get(template="leads/customer_link")
    assert (message.content_type.model, message.object_id) == ("transaction", deal.pk)
    email = sent_email(message)
    assert email.to == ["casey@example.com"]
    assert email.from_email == f"Alice Agent <{partnership.from_email}>"
    assert email.reply_to == [member.email]
    assert (
        email.subject == "Your transaction with Pinnacle Partnerships: your team and its progress"
    )
    link = customer_url(deal)
    assert link in email.body
    assert "Hello Casey Customer" in email.body
    assert "buy of 12 Oak Lane, Austin TX" in email.body
    assert "valid for 90 days, until June 2, 2025" in email.body
    assert "Alice Agent" in email.body and "https://www.pinnaclepartnerships.example" in email.body
    html = email.alternatives[0][0]
    assert link in html and "seal" in html
    # The link in the email opens the page.
    path = link.split(partnership.host, 1)[1]
    assert client_for(partnership).get(path).status_code == 200

    event = deal.events.get(kind=TransactionEvent.Kind.EMAIL)
    assert event.actor == member and not event.shared_with_customer
    assert AuditEvent.objects.filter(
        action="transaction.customer_link_sent", target_id=deal.pk
    ).exists()


def test_the_link_can_be_sent_again(clock, deal, member):
    send_customer_link(transaction=deal, actor=member)
    clock.shift(datetime.timedelta(days=3))
    send_customer_link(transaction=deal, actor=member)
    assert OutboxMessage.objects.filter(template="leads/customer_link").count() == 2


def test_a_double_click_sends_one_email(clock, deal, member):
    send_customer_link(transaction=deal, actor=member)
    send_customer_link(transaction=deal, actor=member)
    assert OutboxMessage.objects.filter(template="leads/customer_link").count() == 1


def test_a_double_click_across_a_seconds_turn_sends_one_email(clock, deal, member, lender):
    clock.move_to(START + datetime.timedelta(seconds=59.9), tick=False)
    first = send_customer_link(transaction=deal, actor=member)
    clock.shift(datetime.timedelta(seconds=0.2))  # the next second
    assert send_customer_link(transaction=deal, actor=member) == first
    clock.shift(datetime.timedelta(seconds=50))  # a teammate clicks too
    assert send_customer_link(transaction=deal, actor=lender) == first
    assert OutboxMessage.objects.filter(template="leads/customer_link").count() == 1
    assert deal.events.filter(kind=TransactionEvent.Kind.EMAIL).count() == 1
    # A minute after the last email, sending again is meant: a new email.
    clock.shift(datetime.timedelta(seconds=10))
    assert send_customer_link(transaction=deal, actor=member) != first
    assert OutboxMessage.objects.filter(template="leads/customer_link").count() == 2


def test_a_link_sent_right_after_revoking_is_sent(clock, deal, member):
    send_customer_link(transaction=deal, actor=member)
    revoke_customer_links(transaction=deal, actor=member)
    deal.refresh_from_db()
    send_customer_link(transaction=deal, actor=member)
    versions = [
        key.split(":")[2]
        for key in OutboxMessage.objects.filter(template="leads/customer_link")
        .order_by("pk")
        .values_list("idempotency_key", flat=True)
    ]
    assert versions == ["v1", "v2"]


def test_the_email_stays_off_the_leads_timeline(clock, deal, member, partnership):
    # Every member reads a lead's timeline; the email belongs to the transaction.
    send_customer_link(transaction=deal, actor=member)
    outsider = MemberFactory(partnership=partnership)
    titles = [entry.title for entry in lead_timeline(deal.lead, outsider)]
    assert not any("transaction" in title.lower() for title in titles), titles


def test_leadership_may_not_send_the_link(deal, leader, partnership):
    with pytest.raises(LeadRefused, match="Only a member of the transaction's team"):
        send_customer_link(transaction=deal, actor=leader)
    client = client_for(partnership, leader)
    response = client.post(f"/transactions/{deal.pk}/customer-link/", follow=True)
    assert response.status_code == 200
    assert "Only a member of the transaction&#x27;s team can send the customer their page." in (
        response.text
    )
    assert not OutboxMessage.objects.filter(template="leads/customer_link").exists()


def test_a_member_outside_the_team_gets_404(deal, partnership):
    outsider = MemberFactory(partnership=partnership)
    client = client_for(partnership, outsider)
    assert client.post(f"/transactions/{deal.pk}/customer-link/").status_code == 404
    assert client.post(f"/transactions/{deal.pk}/customer-link/revoke/").status_code == 404
    with pytest.raises(LeadRefused):
        send_customer_link(transaction=deal, actor=outsider)
    assert not OutboxMessage.objects.filter(template="leads/customer_link").exists()


def test_only_the_team_may_revoke(deal, leader, partnership):
    outsider = MemberFactory(partnership=partnership)
    for actor in (leader, outsider):
        with pytest.raises(LeadRefused, match="revoke the customer's links"):
            revoke_customer_links(transaction=deal, actor=actor)
    deal.refresh_from_db()
    assert deal.customer_link_version == 1


def test_a_team_member_revokes_the_links(deal, lender, partnership, anon_client):
    url = page_url(deal)
    client = client_for(partnership, lender)
    response = client.post(f"/transactions/{deal.pk}/customer-link/revoke/", follow=True)
    assert "Every link sent to Casey Customer so far has stopped working." in response.text
    assert_link_no_longer_works(anon_client.get(url))
    assert AuditEvent.objects.filter(action="transaction.customer_links_revoked").count() == 1
    assert client.get(f"/transactions/{deal.pk}/customer-link/revoke/").status_code == 405


def test_no_link_goes_to_an_address_that_bounced(deal, member, partnership):
    Suppression.objects.create(partnership=partnership, email="casey@example.com", reason="bounced")
    with pytest.raises(LeadRefused, match=r"Email to casey@example\.com bounced"):
        send_customer_link(transaction=deal, actor=member)
    assert not deal.events.filter(kind=TransactionEvent.Kind.EMAIL).exists()
    assert not OutboxMessage.objects.filter(template="leads/customer_link").exists()


def test_an_opted_out_customer_still_gets_their_link(deal, member, partnership):
    # An opt-out stops outreach; the link to their own transaction is not outreach.
    Suppression.objects.create(
        partnership=partnership, email="casey@example.com", reason="unsubscribed"
    )
    message = send_customer_link(transaction=deal, actor=member)
    assert message.category == OutboxMessage.Category.TRANSACTIONAL


@pytest.mark.parametrize(
    ("access_name", "shown"), [("team", True), ("leadership", False), ("disclosure", False)]
)
def test_the_send_and_revoke_buttons_are_for_the_team(rf, deal, member, access_name, shown):
    send_customer_link(transaction=deal, actor=member)
    request = rf.get("/")
    html = render_to_string(
        "transactions/_customer_link.html",
        {"transaction": deal, "viewer": member, "access_name": access_name},
        request,
    )
    assert ("Send the customer their page" in html) is shown
    assert ("Revoke links" in html) is shown
    if shown:
        assert f'action="/transactions/{deal.pk}/customer-link/"' in html
        assert "data-confirm=" in html and "works for 90 days" in html


def test_revoke_links_shows_once_a_link_of_the_current_version_was_sent(rf, clock, deal, member):
    def panel() -> str:
        deal.refresh_from_db()
        return render_to_string(
            "transactions/_customer_link.html",
            {"transaction": deal, "viewer": member, "access_name": "team"},
            rf.get("/"),
        )

    assert "Revoke links" not in panel()  # nothing sent: nothing to revoke
    send_customer_link(transaction=deal, actor=member)
    assert "Revoke links" in panel()
    revoke_customer_links(transaction=deal, actor=member)
    assert "Revoke links" not in panel()  # every link sent is already revoked
    clock.shift(datetime.timedelta(minutes=5))
    send_customer_link(transaction=deal, actor=member)
    assert "Revoke links" in panel()
