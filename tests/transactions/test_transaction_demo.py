import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import Partnership
from tests.conftest import client_for
from transactions.models import (
    LeaderProposal,
    MeetingProposal,
    PostCloseStep,
    TeamMember,
    ThankYouLetter,
    Transaction,
    TransactionDocument,
    TransactionEvent,
)
from transactions.selectors.board import post_close_board

# One worker runs the demo tests and seeds the demo once (`--dist loadgroup`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

MODELS = (
    Transaction,
    TeamMember,
    LeaderProposal,
    TransactionEvent,
    TransactionDocument,
    PostCloseStep,
    MeetingProposal,
    ThankYouLetter,
    OutboxMessage,
)


def counts():
    return [model.objects.count() for model in MODELS]


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def login(email: str) -> Member:
    return Member.objects.select_related("partnership", "user").get(user__email=email)


def test_seed_demo_opens_the_three_transactions_once(seeded_demo):
    assert "Demo transactions created: a buy under contract, a refinance closed" in seeded_demo
    pinnacle = Partnership.objects.get(slug="pinnacle")
    assert Transaction.objects.filter(partnership=pinnacle).count() == 3
    assert not Transaction.objects.exclude(partnership=pinnacle).exists()
    before = counts()
    again = seed()
    assert counts() == before
    assert "Demo transactions" not in again


def test_the_live_transaction_is_under_contract_with_a_team_the_agent_leads(seeded_demo, settings):
    agent, lender = login("agent@pinnacle.localhost"), login("lender@pinnacle.localhost")
    live = Transaction.objects.get(lead__email="grace.liu@example.net")
    assert (live.kind, live.stage) == ("buy", "under_contract")
    assert live.leader == live.referral_member == live.opened_by == agent
    assert live.property_address and live.value and live.expected_close_on
    team = {seat.member.slug: seat.role for seat in live.team.select_related("member")}
    assert team == {
        agent.slug: "Buyer's agent",
        lender.slug: "Lender (bridge loan)",
        "tyler-brandt": "Home inspector",
    }
    notes = live.events.filter(kind=TransactionEvent.Kind.NOTE)
    assert notes.count() == 2
    assert notes.filter(shared_with_customer=True).count() == 1
    document = live.documents.get()
    assert document.title == "Purchase agreement (summary)"
    assert document.content_type == "application/pdf"
    with document.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert (settings.PRIVATE_MEDIA_ROOT / document.file.name).exists()
    link = OutboxMessage.objects.get(template="leads/customer_link")
    assert link.to_email == "grace.liu@example.net"
    # The agent and the lender see it; a member outside the committee does not.
    assert client_for(agent.partnership, lender).get(live.get_absolute_url()).status_code == 200
    outsider = Member.objects.get(slug="elena-vasquez")
    assert client_for(agent.partnership, outsider).get(live.get_absolute_url()).status_code == 404


def test_the_closed_transaction_waits_on_leadership_on_the_post_close_board(seeded_demo):
    leader, lender = login("leader@pinnacle.localhost"), login("lender@pinnacle.localhost")
    pinnacle = leader.partnership
    closed = Transaction.objects.get(lead__email="marcus.hill@example.net")
    assert closed.stage == "closed" and closed.leader == lender
    assert closed.closed_on == pinnacle.today() - datetime.timedelta(days=3)
    assert set(closed.team.values_list("member__user__email", flat=True)) == {
        "lender@pinnacle.localhost",
        "agent@pinnacle.localhost",
    }
    now = timezone.now()
    states = {step.kind: step.state(now) for step in closed.post_close_steps.all()}
    assert states == {"handoff": "overdue", "letter": "due", "interaction": "due"}
    times = closed.meeting_proposals.all()
    assert len(times) == 2 and all(t.starts_at > now and t.confirmed_at is None for t in times)
    letter = closed.thank_you_letter
    assert letter.sent_at is None and letter.mailed_at is None
    assert letter.edited_by == lender and "15-year loan" in letter.body

    # Leadership's board: overdue first, so the demo's closed transaction leads it.
    assert list(post_close_board(leader)) == [closed]
    board = client_for(pinnacle, leader).get("/transactions/post-close/").text
    assert "Marcus Hill" in board and "Overdue" in board
    # The lender proposed the day after the close: the lateness is leadership's.
    assert "Late: leadership&#x27;s step" in board


def test_the_forming_transaction_shows_as_forming_to_leadership(seeded_demo):
    leader = login("leader@pinnacle.localhost")
    forming = Transaction.objects.get(lead__email="noah.patel@example.net")
    assert forming.opened_by.slug == "derek-olsen" and forming.leader is None
    assert forming.team.count() == 1 and forming.stage == "opened"
    listing = client_for(leader.partnership, leader).get("/transactions/").text
    assert listing.count(">Forming</span>") == 1
