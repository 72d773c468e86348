"""Transactions with their team, timeline and written authorizations, for the customer page
and the confidentiality tests (rows only: the rules live in the services)."""

import datetime

import factory
from django.utils import timezone

from leads.models import Disclosure, TeamMember, Transaction, TransactionEvent, TransactionKind
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory


class TransactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transaction

    lead = factory.SubFactory(LeadFactory)
    partnership = factory.SelfAttribute("lead.partnership")
    kind = TransactionKind.BUY
    property_address = factory.Sequence(lambda n: f"{100 + n} Lakeview Drive, Austin TX")
    opened_by = factory.SubFactory(
        MemberFactory, partnership=factory.SelfAttribute("..partnership")
    )


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    transaction = factory.SubFactory(TransactionFactory)
    partnership = factory.SelfAttribute("transaction.partnership")
    member = factory.SubFactory(MemberFactory, partnership=factory.SelfAttribute("..partnership"))
    role = "Buyer's agent"


class TransactionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransactionEvent

    transaction = factory.SubFactory(TransactionFactory)
    partnership = factory.SelfAttribute("transaction.partnership")
    kind = TransactionEvent.Kind.NOTE
    summary = factory.Sequence(lambda n: f"Update {n}")


class DisclosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disclosure

    transaction = factory.SubFactory(TransactionFactory)
    partnership = factory.SelfAttribute("transaction.partnership")
    grantee_name = factory.SelfAttribute("grantee_member.display_name")
    grantee_member = factory.SubFactory(
        MemberFactory, partnership=factory.SelfAttribute("..partnership")
    )
    scope = "The stage and the team, for the customer's relocation employer."
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    signed_document = factory.django.FileField(filename="authorization.pdf", data=b"%PDF-1.4")
    recorded_by = factory.SubFactory(
        MemberFactory, partnership=factory.SelfAttribute("..partnership")
    )


def team_transaction(*members, lead=None, **fields) -> Transaction:
    """A transaction whose team is `members` (the first opens it and leads it)."""
    first = members[0]
    transaction = TransactionFactory(
        lead=lead or LeadFactory(partnership=first.partnership),
        opened_by=first,
        leader=first,
        **fields,
    )
    for member in members:
        TeamMemberFactory(transaction=transaction, member=member)
    return transaction
