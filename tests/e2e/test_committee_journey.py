"""The issue's journey end to end: two members form a team committee on a lead and close the
transaction; the leader books the handoff meeting with leadership and sends the thank-you letter;
the customer opens their own page; a member outside the committee gets 404; the members vote a
policy change and the new cadence number takes effect on outreach."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from outreach.models import Attempt
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from policy.services.revisions import close_due_votes, open_voting, propose_revision
from policy.services.versions import current_policy
from tests.e2e.conftest import SCREENSHOTS
from tests.leads.factories import LeadFactory
from tests.members.factories import PASSWORD, LeadershipFactory, MemberFactory, UserFactory
from transactions.models import PostCloseStep, Transaction


def log_in(browser, base, email):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)
    return page


def deliver_queued() -> None:
    for pk in OutboxMessage.objects.filter(status="queued").values_list("pk", flat=True):
        delivery.deliver(pk)


def shot(page, name):
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_call(page, base, lead):
    page.goto(f"{base}/leads/{lead.pk}/")
    call = page.locator("details").filter(has_text="Log a call")
    call.get_by_text("Log a call").click()
    call.get_by_label("No answer").check()
    call.get_by_role("button", name="Log the call").click()


@pytest.mark.django_db(transaction=True)
def test_committee_close_post_close_customer_page_and_a_policy_vote(
    site, partnership, browser, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    base = site.replace("127.0.0.1", "localhost")  # the host the emails' links use
    alice = MemberFactory(
        partnership=partnership,
        display_name="Alice Agent",
        specialization="helping families relocate to North Austin",
        user=UserFactory(email="alice@example.com"),
    )
    bob = MemberFactory(
        partnership=partnership,
        display_name="Bob Lender",
        kind="lender",
        user=UserFactory(email="bob@example.com"),
    )
    MemberFactory(
        partnership=partnership,
        display_name="Olive Outsider",
        user=UserFactory(email="olive@example.com"),
    )
    lee = LeadershipFactory(
        partnership=partnership,
        display_name="Lee Leadership",
        user=UserFactory(email="lee@example.com", is_staff=True),
    )
    dana = LeadFactory(
        partnership=partnership,
        name="Dana Customer",
        email="dana@example.com",
        referring_member=alice,
    )

    # 1. Alice opens a transaction from Dana's page and forms the committee with Bob.
    page = log_in(browser, base, "alice@example.com")
    page.goto(f"{base}/leads/{dana.pk}/")
    page.get_by_role("link", name="Open a transaction").click()
    page.get_by_label("Kind").select_option("buy")
    page.get_by_label("Your role").fill("Buyer's agent")
    page.get_by_label("Property address").fill("12 Elm St, Austin TX")
    page.get_by_label("Value ($)").fill("425000")
    page.get_by_role("button", name="Open the transaction").click()
    expect(page.get_by_text("you may serve this customer alone")).to_be_visible()
    page.locator("#id_member").select_option(str(bob.pk))
    page.get_by_label("Their role").fill("Lender")
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_text("Bob Lender is on the team")).to_be_visible()

    # 2. Under contract, then closed today: the three post-close duties appear with deadlines.
    page.get_by_label("Move to").select_option("under_contract")
    page.get_by_role("button", name="Change stage").click()
    expect(page.get_by_text("The transaction is now under contract.")).to_be_visible()
    page.get_by_label("Move to").select_option("closed")
    page.get_by_role("button", name="Change stage").click()
    expect(page.get_by_role("heading", name="After the close")).to_be_visible()
    transaction = Transaction.objects.get()
    assert transaction.stage == "closed" and transaction.leader == alice
    assert transaction.post_close_steps.count() == 3

    # 3. The leader proposes a time for the handoff meeting; leadership confirms it.
    tomorrow = partnership.localtime(timezone.now()) + datetime.timedelta(days=1)
    page.get_by_label("First choice").fill(tomorrow.strftime("%Y-%m-%dT10:00"))
    page.get_by_role("button", name="Propose times").click()
    expect(page.get_by_text("Your times were sent to leadership")).to_be_visible()
    lead_ship = log_in(browser, base, "lee@example.com")
    lead_ship.goto(f"{base}/transactions/post-close/")
    expect(lead_ship.get_by_text("Dana Customer")).to_be_visible()
    shot(lead_ship, "post-close-board")
    lead_ship.goto(f"{base}/transactions/{transaction.pk}/")
    lead_ship.get_by_label(re.compile(r"10 a\.m\.")).check()
    lead_ship.get_by_role("button", name="Confirm this time").click()
    expect(lead_ship.get_by_text("The handoff meeting is booked")).to_be_visible()
    handoff = transaction.post_close_steps.get(kind=PostCloseStep.Kind.HANDOFF_MEETING)
    assert handoff.completed_at is not None and handoff.completed_by == lee

    # 4. The leader reads the drafted letter and emails it to Dana.
    page.reload()
    letter = page.get_by_label("Your letter")
    expect(letter).to_contain_text("Dana")
    # The referral request with Alice's specialization is added to every letter, read-only.
    expect(page.locator(".letter-fixed")).to_contain_text(
        "helping families relocate to North Austin"
    )
    shot(page, "post-close-letter")
    page.get_by_role("button", name="Email to dana@example.com").click()
    expect(page.get_by_text("Your letter was emailed to Dana Customer.")).to_be_visible()
    pdf = page.request.get(f"{base}/transactions/{transaction.pk}/post-close/letter.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    # 5. Alice sends Dana her page; Dana opens it from the email, without logging in.
    page.get_by_role("button", name="Send the customer their page").click()
    expect(page.get_by_text("has been emailed the link to their page")).to_be_visible()
    deliver_queued()
    subjects = [m.subject for m in mail.outbox if m.to == ["dana@example.com"]]
    assert len(subjects) == 2, subjects  # the thank-you letter and the page's link
    sent = next(m for m in mail.outbox if "/my-transaction/" in m.body)
    link = re.search(r"http://localhost:\d+/my-transaction/\S+", sent.body).group(0)
    customer = browser.new_context().new_page()
    customer.goto(link)
    expect(customer.get_by_role("heading", name="Your team", exact=True)).to_be_visible()
    expect(customer.get_by_text("Alice Agent")).to_be_visible()
    expect(customer.get_by_text("Bob Lender")).to_be_visible()
    expect(customer.get_by_text("Closed", exact=True)).to_be_visible()
    shot(customer, "committee-customer-page")

    # 6. A member outside the committee finds nothing of it, and its id is a 404.
    olive = log_in(browser, base, "olive@example.com")
    assert olive.goto(f"{base}/transactions/{transaction.pk}/").status == 404
    olive.goto(f"{base}/leads/{dana.pk}/")
    expect(olive.get_by_text("12 Elm St")).to_have_count(0)
    shot(olive, "committee-outsider-lead-page")

    # 7. Two cold calls to a new lead this week, and no third under the policy's 2 ...
    eve = LeadFactory(partnership=partnership, name="Eve Prospect", email="eve@example.com")
    for _ in range(2):
        log_call(page, base, eve)
    page.goto(f"{base}/leads/{eve.pk}/")
    expect(page.get_by_text("You have made 2 cold attempts to reach Eve Prospect")).to_be_visible()
    expect(page.locator("details").filter(has_text="Log a call")).to_have_count(0)
    assert Attempt.objects.filter(lead=eve).count() == 2

    # ... the members vote three a week into the policy ...
    revision = propose_revision(
        actor=lee,
        title="Three cold attempts a week",
        rationale="Relocating buyers answer slowly.",
        text=current_policy(partnership).text,
        settings={"cold_attempts_per_week": 3},
    )
    revision = open_voting(revision=revision, actor=lee)
    for voter in ("alice@example.com", "bob@example.com", "olive@example.com"):
        voting = page if voter == "alice@example.com" else log_in(browser, base, voter)
        voting.goto(f"{base}/policy/revisions/{revision.pk}/")
        voting.get_by_role("button", name="Approve").click()
        expect(voting.get_by_text("Your vote is recorded: approve")).to_be_visible()
    close_due_votes(now=revision.voting_closes_at + datetime.timedelta(minutes=1))
    page.goto(f"{base}/policy/")
    expect(page.get_by_text("attempts to 3 times per week")).to_be_visible()
    shot(page, "committee-policy-adopted")

    # ... and the third cold call now goes through.
    log_call(page, base, eve)
    expect(page.get_by_text("You have made 3 cold attempts to reach Eve Prospect")).to_be_visible()
    assert Attempt.objects.filter(lead=eve).count() == 3
    shot(page, "committee-third-cold-call")
