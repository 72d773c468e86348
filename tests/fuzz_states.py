"""Objects in the states whose forms the seeded demo never shows, for the form fuzzer
(tests/test_fuzz_forms.py): each builder puts one object of the demo's partnership in its state,
with the demo's agent or leadership as the person who sees the form, and returns the page that
shows it. The crawl starts from these pages, so the forms are found and fuzzed like any other.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from advocates.models import Touch
from advocates.services.touches import mark_done
from comarketing.models import Status
from tests.comarketing.factories import ConnectionFactory
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory, PolicyRevisionFactory
from tests.transactions.factories import (
    DisclosureFactory,
    LeaderProposalFactory,
    TeamMemberFactory,
    TransactionFactory,
)
from tests.transactions.transaction_builders import closed_transaction
from transactions.models import MeetingProposal
from transactions.services.thank_you import draft_letter


def _team_without_leader(partnership, agent, leader) -> str:
    """The agent and a colleague on a team with no leader, the colleague proposed by the
    colleague (the agent may agree or propose another), and a live authorization to revoke."""
    colleague = MemberFactory(partnership=partnership, display_name="Fuzz Colleague")
    transaction = TransactionFactory(
        lead=LeadFactory(partnership=partnership, referring_member=None),
        opened_by=colleague,
        seated=False,
    )
    for member in (colleague, agent):
        TeamMemberFactory(transaction=transaction, member=member)
    LeaderProposalFactory(transaction=transaction, candidate=colleague, proposed_by=colleague)
    DisclosureFactory(transaction=transaction, recorded_by=colleague)
    return reverse("transaction_detail", args=[transaction.pk])


def _just_closed(partnership, agent, leader) -> str:
    """Closed today with the agent leading: the meeting to propose, the letter to write."""
    transaction = closed_transaction(partnership, leader=agent)
    draft_letter(transaction=transaction)
    return reverse("transaction_detail", args=[transaction.pk])


def _met_and_emailed(partnership, agent, leader) -> str:
    """Closed a week ago: the meeting booked yesterday (leadership records it as held), the
    letter emailed and not yet mailed (the agent, leading, records the mailing)."""
    now = timezone.now()
    transaction = closed_transaction(
        partnership, leader=agent, closed_on=partnership.today() - datetime.timedelta(days=7)
    )
    MeetingProposal.objects.create(
        partnership=partnership,
        transaction=transaction,
        starts_at=now - datetime.timedelta(days=1),
        proposed_by=agent,
        confirmed_at=now - datetime.timedelta(days=2),
        confirmed_by=leader,
    )
    letter = draft_letter(transaction=transaction)
    letter.sent_at, letter.sent_by = now, agent
    letter.save(update_fields=["sent_at", "sent_by"])
    return reverse("transaction_detail", args=[transaction.pk])


def _editable_partner(partnership, agent, leader) -> str:
    """An active co-marketing partner who, with the lender's company, allows profile updates:
    leadership may edit the partner's marketing profile."""
    lender = MemberFactory(partnership=partnership, kind="lender")
    lender.company.allows_profile_updates = True
    lender.company.save(update_fields=["allows_profile_updates"])
    partner = MemberFactory(partnership=partnership, kind="agent", allows_profile_updates=True)
    connection = ConnectionFactory(
        partnership=partnership,
        lender=lender,
        partner=partner,
        email=partner.user.email,
        status=Status.ACTIVE,
        accepted_at=timezone.now(),
    )
    return reverse("comarketing_edit", args=[connection.pk])


def _invitation_to_the_agent(partnership, agent, leader) -> str:
    """A co-marketing invitation to the agent's own address: the agent may accept it."""
    connection = ConnectionFactory(partnership=partnership, email=agent.user.email)
    return reverse("comarketing_join", args=[connection.token])


def _touch_done(partnership, agent, leader) -> str:
    """One of the agent's touches done and not yet acknowledged."""
    touch = Touch.objects.filter(owner=agent, done_at__isnull=True).order_by("due_on").first()
    mark_done(touch=touch, actor=agent.user)
    return reverse("advocates_touches") + "?show=done"


def _draft_revision(partnership, agent, leader) -> str:
    revision = PolicyRevisionFactory(partnership=partnership, proposed_by=leader)
    return reverse("policy_revision_detail", args=[revision.pk])


# Each builder and the forms its page shows (the fuzzer checks they are found).
STATE_PAGES = {
    _team_without_leader: (
        "transaction_propose_leader",
        "transaction_agree_leader",
        "transaction_disclosure_revoke",
    ),
    _just_closed: ("post_close_propose_meeting", "post_close_letter"),
    _met_and_emailed: ("post_close_meeting_held", "post_close_letter_mailed"),
    _editable_partner: ("comarketing_edit",),
    _invitation_to_the_agent: ("comarketing_accept",),
    _touch_done: ("advocates_touch_acknowledge",),
    _draft_revision: ("policy_revision_open",),
}


def state_pages(partnership, agent, leader) -> list[str]:
    return [build(partnership, agent, leader) for build in STATE_PAGES]
