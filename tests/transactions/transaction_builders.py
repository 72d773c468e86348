"""Transactions with their team committees, built from the factories for the tests (the
transactions app's own services open and close them; these build the rows directly)."""

from __future__ import annotations

import datetime

from leads.models import Lead
from members.models import Member
from tests.leads.factories import LeadFactory
from tests.members.factories import LeadershipFactory, MemberFactory
from tests.transactions.factories import TeamMemberFactory, TransactionFactory
from transactions.models import Transaction
from transactions.services.postclose import schedule_post_close


def team_transaction(*members: Member, lead: Lead | None = None, **fields) -> Transaction:
    """A transaction whose team is `members` (the first opens it and leads it), each seated as
    "Buyer's agent"."""
    first = members[0]
    transaction = TransactionFactory(
        lead=lead or LeadFactory(partnership=first.partnership),
        opened_by=first,
        leader=first,
        seated=False,
        **fields,
    )
    for member in members:
        TeamMemberFactory(transaction=transaction, member=member)
    return transaction


def closed_transaction(
    partnership,
    *,
    leader: Member | None,
    team: tuple[tuple[Member, str], ...] = (),
    closed_on: datetime.date | None = None,
    lead: Lead | None = None,
    **fields,
) -> Transaction:
    """A transaction closed on `closed_on` (the partnership's today by default), its committee
    (the leader first, as "Buyer's agent", then `team` as (member, role)), and its three
    post-close steps scheduled as closing it does."""
    transaction = TransactionFactory(
        closed=True,
        seated=False,
        partnership=partnership,
        lead=lead or LeadFactory(partnership=partnership),
        leader=leader,
        opened_by=leader or MemberFactory(partnership=partnership),
        closed_on=closed_on or partnership.today(),
        **fields,
    )
    seats = ([(leader, "Buyer's agent")] if leader else []) + list(team)
    for member, role in seats:
        TeamMemberFactory(
            partnership=partnership, transaction=transaction, member=member, role=role
        )
    schedule_post_close(transaction)
    return transaction


class Committee:
    """The people of the post-close tests in one partnership: Alice Agent leads the team with
    Larry Lender and Ines Inspector; Lee and Lou are leadership; Nora is a member off the team."""

    def __init__(self, partnership, *, alice: Member | None = None, lee: Member | None = None):
        self.partnership = partnership
        self.alice = alice or MemberFactory(
            partnership=partnership,
            display_name="Alice Agent",
            job_title="Realtor",
            cell_phone="512-555-0101",
            specialization="helping first-time buyers find their footing",
        )
        self.larry = MemberFactory(partnership=partnership, display_name="Larry Lender")
        self.ines = MemberFactory(partnership=partnership, display_name="Ines Inspector")
        self.lee = lee or LeadershipFactory(partnership=partnership, display_name="Lee Leadership")
        self.lou = LeadershipFactory(partnership=partnership, display_name="Lou Leadership")
        self.nora = MemberFactory(partnership=partnership, display_name="Nora Outsider")

    def close(self, **fields) -> Transaction:
        if "lead" not in fields:
            fields["lead"] = LeadFactory(
                partnership=self.partnership, name="Dana Customer", email="dana@example.com"
            )
        return closed_transaction(
            self.partnership,
            leader=fields.pop("leader", self.alice),
            team=((self.larry, "Lender"), (self.ines, "Home inspector")),
            **fields,
        )
