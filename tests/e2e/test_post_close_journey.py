"""After the close, in the browser: leadership confirms that the lone member of a solo
transaction is the whole team, the member closes it and the board shows its three duties; on a
committee's transaction the leader proposes handoff times late, leadership confirms one, records
the meeting held with its evaluation, and the board says whose step was late."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import member_page
from tests.leads.factories import LeadFactory
from tests.members.factories import LeadershipFactory, MemberFactory, UserFactory
from tests.transactions.transaction_builders import closed_transaction
from transactions.models import MeetingProposal, PostCloseStep, Transaction
from transactions.services import lifecycle as services


def people(partnership):
    alice = MemberFactory(
        partnership=partnership,
        display_name="Alice Agent",
        user=UserFactory(email="alice@example.com"),
    )
    lee = LeadershipFactory(
        partnership=partnership,
        display_name="Lee Leadership",
        user=UserFactory(email="lee@example.com"),
    )
    return alice, lee


@pytest.mark.django_db(transaction=True)
def test_leadership_confirms_the_lone_member_who_closes_and_the_duties_start(
    site, browser, partnership, shot_sizes
):
    alice, _lee = people(partnership)
    rita = MemberFactory(partnership=partnership, display_name="Rita Referrer")
    lead = LeadFactory(partnership=partnership, name="Dana Customer", referring_member=rita)
    solo = services.open_transaction(lead=lead, member=alice, kind="buy", role="Buyer's agent")

    # 1. Leadership, on the team page, confirms Alice serves Dana alone.
    lee = member_page(browser, site, "lee@example.com")
    lee.goto(f"{site}/transactions/{solo.pk}/")
    confirm = lee.get_by_role("button", name="Confirm Alice Agent is the whole team")
    expect(confirm).to_be_visible()
    shot_sizes(lee, "solo-confirm")
    confirm.click()
    expect(lee.get_by_text("confirmed that Alice Agent is the whole team").first).to_be_visible()

    # 2. Alice closes it.
    page = member_page(browser, site, "alice@example.com")
    page.goto(f"{site}/transactions/{solo.pk}/")
    page.get_by_label("Move to").select_option("closed")
    page.get_by_role("button", name="Change stage").click()
    expect(page.get_by_role("heading", name="After the close")).to_be_visible()
    shot_sizes(page, "solo-closed")
    assert Transaction.objects.get().stage == "closed"
    assert PostCloseStep.objects.filter(transaction=solo).count() == 3

    # 3. The board shows its three duties.
    lee.goto(f"{site}/transactions/post-close/")
    row = lee.get_by_role("row").filter(has_text="Dana Customer")
    expect(row).to_have_count(1)
    for duty in (
        "Handoff meeting booked with leadership",
        "Thank-you letter sent",
        "Leadership's first client interaction",
    ):
        expect(lee.get_by_role("columnheader", name=duty)).to_be_visible()
    shot_sizes(lee, "post-close-board-solo")


@pytest.mark.django_db(transaction=True)
def test_the_handoff_meeting_is_proposed_confirmed_held_and_evaluated(
    site, browser, partnership, shot_sizes
):
    alice, _lee = people(partnership)
    larry = MemberFactory(partnership=partnership, display_name="Larry Lender")
    # Closed long enough ago that the meeting's deadline has passed: Alice proposes late.
    closed_on = partnership.today() - datetime.timedelta(
        days=partnership.post_close_meeting_days + 3
    )
    deal = closed_transaction(
        partnership,
        leader=alice,
        team=((larry, "Lender"),),
        closed_on=closed_on,
        lead=LeadFactory(partnership=partnership, name="Casey Customer"),
    )

    # 1. Alice proposes two times.
    page = member_page(browser, site, "alice@example.com")
    page.goto(f"{site}/transactions/{deal.pk}/post-close/")
    soon = partnership.today() + datetime.timedelta(days=2)
    page.get_by_label("First choice").fill(f"{soon.isoformat()}T10:00")
    page.get_by_label("Second choice").fill(f"{soon.isoformat()}T15:30")
    page.get_by_label("Where").fill("The Lakeside office, 2nd floor")
    shot_sizes(page, "handoff-propose")
    page.get_by_role("button", name="Propose times").click()
    expect(page.get_by_text("Your times were sent to leadership")).to_be_visible()

    # 2. Leadership confirms the first one.
    lee = member_page(browser, site, "lee@example.com")
    lee.goto(f"{site}/transactions/{deal.pk}/post-close/")
    lee.get_by_role("group", name="Proposed times").get_by_role("radio").first.check()
    shot_sizes(lee, "handoff-confirm")
    lee.get_by_role("button", name="Confirm this time").click()
    expect(lee.get_by_text("The handoff meeting is booked")).to_be_visible()

    # 3. The meeting took place (its time moved to an hour ago); leadership records it held.
    MeetingProposal.objects.filter(confirmed_at__isnull=False).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    lee.reload()
    form = lee.get_by_role("form", name="Record the handoff meeting as held, with its evaluation")
    for name, score in (("success", 5), ("efficiency", 3), ("effectiveness", 4)):
        form.locator(f"input[name={name}][value='{score}']").check()
    form.get_by_label("Evaluation notes").fill("Smooth close; the appraisal took a week too long.")
    shot_sizes(lee, "handoff-held-form")
    form.get_by_role("button", name="Record the meeting as held").click()
    expect(lee.get_by_text("The handoff meeting and its evaluation are recorded")).to_be_visible()
    expect(lee.get_by_text("success 5/5, efficiency 3/5, effectiveness 4/5").first).to_be_visible()
    shot_sizes(lee, "handoff-held")

    # 4. The board: both parts with their times, and the late one is the leader's.
    lee.goto(f"{site}/transactions/post-close/")
    row = lee.get_by_role("row").filter(has_text="Casey Customer")
    expect(row.get_by_text("Late: the leader's step")).to_be_visible()
    expect(row.get_by_text("success 5/5, efficiency 3/5, effectiveness 4/5")).to_be_visible()
    shot_sizes(lee, "post-close-board-handoff")
