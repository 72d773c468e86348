"""Demo transactions for `seed_demo`, made through the transaction and post-close services so
every rule applies (and every email, timeline entry and audit row is the real one):

- live: the demo agent's buy for Grace Liu (the agent's referral, who asked the lender about a
  bridge loan), under contract, with the lender and an inspector on the team, the agent leading
  as the referral partner member; two notes (one shared with the customer), the purchase
  agreement's summary as a PDF, and the customer's link emailed to her;
- closed three days ago: the demo lender's refinance for Marcus Hill (the lender's referral),
  with the agent on the team; the lender proposed two handoff meeting times the day after the
  close, which leadership has not confirmed (past the 2-day deadline, so the board shows it
  overdue as leadership's step, not the leader's), and the thank-you
  letter is drafted and personalized but not sent;
- forming: Derek Olsen's buy for Noah Patel, with only Derek on the team so far.

Idempotent: each story is told only when its opener has no transaction for that lead yet. A
story the rules refuse (say, the opener was made leadership since) is skipped and reported; it
never stops the seed.

Services used (module imports, so moving one between modules is a one-line change here):
transactions.open_transaction, add_team_member, change_stage; transaction_records.add_note,
add_document; customer.send_customer_link; postclose.propose_meeting_times; thank_you.draft_letter,
edit_letter.
"""

from __future__ import annotations

import datetime
import decimal
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction as db_transaction

from leads.models import Lead
from members.models import Member
from pinnacle.models import Partnership
from pinnacle.refusals import refused_into
from transactions.models import PostCloseStep, Transaction, TransactionKind, TransactionStage
from transactions.selectors import team_transactions
from transactions.services import TransactionRefused, customer, postclose, thank_you
from transactions.services import lifecycle as transactions
from transactions.services import records as transaction_records

PINNACLE = "pinnacle"
AGENT, LENDER = "agent@pinnacle.localhost", "lender@pinnacle.localhost"
INSPECTOR, INVESTOR_AGENT = "tyler-brandt", "derek-olsen"  # member slugs
DAY = datetime.timedelta(days=1)
CLOSED_DAYS_AGO = 3


@dataclass(frozen=True)
class Story:
    name: str
    lead_email: str
    opener: str  # a demo login or a member slug
    tell: Callable[[Partnership, Lead, Member], Transaction]


def seed_demo_transactions(sender, partnerships, stdout=None, **kwargs) -> None:
    partnership = next((p for p in partnerships if p.slug == PINNACLE), None)
    if partnership is None:
        return
    leads = {lead.email: lead for lead in Lead.objects.for_partnership(partnership)}
    told, skipped = [], []
    for story in STORIES:
        lead, opener = leads.get(story.lead_email), _member(partnership, story.opener)
        if lead is None or opener is None:
            continue
        if team_transactions(opener).filter(lead=lead).exists():
            continue
        # A savepoint: a refused story leaves nothing half-made behind.
        with refused_into() as telling, db_transaction.atomic():
            story.tell(partnership, lead, opener)
        if telling.refusal:
            skipped.append(f"{story.name} ({telling.refusal})")
        else:
            told.append(story.name)
    if stdout is not None:
        if told:
            stdout.write(f"Demo transactions created: {', '.join(told)}.")
        for reason in skipped:
            stdout.write(f"Demo transaction skipped: {reason}")


def _member(partnership: Partnership, who: str) -> Member | None:
    members = Member.objects.for_partnership(partnership).select_related("user")
    found = members.filter(user__email=who) if "@" in who else members.filter(slug=who)
    member = found.first()
    if member is not None:
        member.partnership = partnership
    return member


def _require(partnership: Partnership, who: str) -> Member:
    member = _member(partnership, who)
    if member is None:
        raise TransactionRefused(f"the demo member {who} is missing")
    return member


# --- The stories --------------------------------------------------------------------------------


def _under_contract(partnership: Partnership, lead: Lead, agent: Member) -> Transaction:
    """Grace Liu buys a house with a yard before listing her condo: the agent leads."""
    lender = _require(partnership, LENDER)
    inspector = _require(partnership, INSPECTOR)
    today = partnership.today()
    deal = transactions.open_transaction(
        lead=lead,
        member=agent,
        kind=TransactionKind.BUY,
        role="Buyer's agent",
        property_address="4117 Cypress Hollow Dr, Pflugerville, TX 78660",
        expected_close_on=today + 24 * DAY,
        value=decimal.Decimal("489000.00"),
    )
    transactions.add_team_member(
        transaction=deal, actor=agent, member=lender, role="Lender (bridge loan)"
    )
    transactions.add_team_member(
        transaction=deal, actor=agent, member=inspector, role="Home inspector"
    )
    transactions.change_stage(transaction=deal, actor=agent, stage=TransactionStage.UNDER_CONTRACT)
    transaction_records.add_note(
        transaction=deal,
        actor=agent,
        body="Offer accepted at $489,000 with a 10-day option period. Tyler inspects in the "
        "first days of the option period; the appraisal is ordered, and Priya expects the "
        "bridge loan approval within the week.",
    )
    transaction_records.add_note(
        transaction=deal,
        actor=agent,
        body="Grace, congratulations: the sellers accepted your offer! Tyler will inspect the "
        "house in the next few days, and you are welcome to join him for the last half hour. "
        "Next, Priya will send you the list of documents for the loan.",
        shared_with_customer=True,
    )
    transaction_records.add_document(
        transaction=deal,
        actor=agent,
        title="Purchase agreement (summary)",
        file=ContentFile(_purchase_summary_pdf(deal, lender, inspector), name="summary.pdf"),
    )
    customer.send_customer_link(transaction=deal, actor=agent)
    return deal


def _closed(partnership: Partnership, lead: Lead, lender: Member) -> Transaction:
    """Marcus Hill's refinance closed three days ago: the lender leads the post-close steps."""
    agent = _require(partnership, AGENT)
    closed_on = partnership.today() - CLOSED_DAYS_AGO * DAY
    deal = transactions.open_transaction(
        lead=lead,
        member=lender,
        kind=TransactionKind.REFINANCE,
        role="Loan officer",
        property_address="9205 Whispering Elm Ln, Austin, TX 78748",
        expected_close_on=closed_on,
        value=decimal.Decimal("312000.00"),
    )
    transactions.add_team_member(
        transaction=deal, actor=lender, member=agent, role="Market advisor"
    )
    transactions.change_stage(transaction=deal, actor=lender, stage=TransactionStage.UNDER_CONTRACT)
    # A close cannot come before the opening: the refinance was opened a month before its close,
    # so the story told today dates what happened so far back to then.
    opened_at = partnership.start_of_day(closed_on - 30 * DAY) + datetime.timedelta(hours=10)
    Transaction.objects.filter(pk=deal.pk).update(created_at=opened_at)
    deal.events.update(created_at=opened_at)
    deal.team.update(added_at=opened_at)
    # In the past on purpose: the close was three days ago, so its deadlines run from then.
    transactions.change_stage(
        transaction=deal, actor=lender, stage=TransactionStage.CLOSED, closed_on=closed_on
    )
    # The leader proposed times the day after the close; leadership has not confirmed one, and
    # the 2-day deadline has passed, so the board shows leadership's step of the handoff overdue.
    postclose.propose_meeting_times(
        transaction=deal,
        actor=lender,
        times=_next_weekdays_at(partnership, (datetime.time(10), datetime.time(15, 30))),
        location="Summit Realty Group, 9600 Great Hills Trail, Suite 150",
    )
    proposed_at = partnership.start_of_day(closed_on + DAY) + datetime.timedelta(hours=9)
    deal.post_close_steps.filter(kind=PostCloseStep.Kind.HANDOFF_MEETING).update(
        times_proposed_at=proposed_at
    )
    deal.meeting_proposals.update(created_at=proposed_at)
    deal.events.filter(summary__startswith="Handoff meeting times proposed").update(
        created_at=proposed_at
    )
    # The portal's draft, made personal by the leader; not sent yet (due within the window).
    letter = thank_you.draft_letter(transaction=deal)
    paragraphs = letter.body.split("\n\n")
    paragraphs.insert(
        2,
        "Choosing the 15-year loan was the right call: you will own your home outright years "
        "sooner, and the savings start with your first payment next month.",
    )
    thank_you.edit_letter(transaction=deal, actor=lender, body="\n\n".join(paragraphs))
    return deal


def _forming(partnership: Partnership, lead: Lead, derek: Member) -> Transaction:
    """Noah Patel chose Derek after touring fourplexes in Round Rock; the team is forming."""
    return transactions.open_transaction(
        lead=lead,
        member=derek,
        kind=TransactionKind.BUY,
        role="Buyer's agent (investment)",
        property_address="1408 Chisholm Valley Dr, Round Rock, TX 78681 (fourplex)",
    )


STORIES = (
    Story("a buy under contract", "grace.liu@example.net", AGENT, _under_contract),
    Story("a refinance closed 3 days ago", "marcus.hill@example.net", LENDER, _closed),
    Story("a buy forming its team", "noah.patel@example.net", INVESTOR_AGENT, _forming),
)


# --- Helpers ------------------------------------------------------------------------------------


def _next_weekdays_at(
    partnership: Partnership, times: tuple[datetime.time, ...]
) -> list[datetime.datetime]:
    """One moment per time, each on the next weekday after the one before (from tomorrow), in
    the partnership's zone: always ahead, whenever the seed runs."""
    moments, day = [], partnership.today()
    for at in times:
        day += DAY
        while day.weekday() >= 5:
            day += DAY
        moments.append(datetime.datetime.combine(day, at, tzinfo=partnership.tzinfo))
    return moments


def _purchase_summary_pdf(deal: Transaction, lender: Member, inspector: Member) -> bytes:
    """A one-page summary of the purchase agreement (drawn with ReportLab, no files read).
    ReportLab is imported here, not with the module: the demo's receiver loads this module at
    every process start."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.units import inch
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=LETTER, invariant=True)
    page.setTitle("Purchase agreement (summary)")
    height = LETTER[1]
    y = height - inch
    page.setFont("Helvetica-Bold", 16)
    page.drawString(inch, y, "Purchase agreement (summary)")
    page.setFont("Helvetica", 11)
    lines = [
        f"Buyer: {deal.lead.name}",
        f"Property: {deal.property_address}",
        f"Price: ${deal.value:,.0f}",
        "Earnest money: $5,000, held by Clearview Title & Escrow",
        "Option period: 10 days from the effective date",
        f"Expected closing: {deal.expected_close_on:%B} {deal.expected_close_on.day}, "
        f"{deal.expected_close_on.year}",
        f"Financing: bridge loan and conventional loan, {lender.display_name} "
        f"({lender.company.name})",
        f"Inspection: {inspector.display_name} ({inspector.company.name})",
        "",
        "This summary is for the transaction team and the buyer; the signed agreement governs.",
    ]
    for line in lines:
        y -= 0.3 * inch
        page.drawString(inch, y, line)
    page.showPage()
    page.save()
    return buffer.getvalue()
