"""Closed transactions with their team committees, for the post-close tests (the transactions
app's own services open and close them; these build the rows directly)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from leads.models import Lead, TeamMember, Transaction, TransactionKind, TransactionStage
from leads.services.postclose import schedule_post_close
from members.models import Member
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory


class TransactionFactory(factory.django.DjangoModelFactory):
    """A closed transaction led by a member (no team rows: see `closed_transaction`)."""

    class Meta:
        model = Transaction

    lead = factory.SubFactory(LeadFactory)
    partnership = factory.SelfAttribute("lead.partnership")
    kind = TransactionKind.BUY
    property_address = "12 Oak Street, Austin, TX 78701"
    stage = TransactionStage.CLOSED
    closed_on = factory.LazyAttribute(lambda o: o.partnership.today())
    stage_changed_at = factory.LazyFunction(timezone.now)
    leader = factory.SubFactory(MemberFactory, partnership=factory.SelfAttribute("..partnership"))
    opened_by = factory.LazyAttribute(
        lambda o: o.leader or MemberFactory(partnership=o.partnership)
    )


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    transaction = factory.SubFactory(TransactionFactory)
    partnership = factory.SelfAttribute("transaction.partnership")
    member = factory.SubFactory(MemberFactory, partnership=factory.SelfAttribute("..partnership"))
    role = "Lender"


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
        partnership=partnership,
        lead=lead or LeadFactory(partnership=partnership),
        leader=leader,
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
        from tests.members.factories import LeadershipFactory

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
