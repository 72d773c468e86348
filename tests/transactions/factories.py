import datetime

import factory
from django.utils import timezone

from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory
from transactions.models import (
    Disclosure,
    LeaderProposal,
    TeamMember,
    Transaction,
    TransactionDocument,
    TransactionEvent,
    TransactionKind,
    TransactionStage,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class TransactionFactory(factory.django.DjangoModelFactory):
    """A lead's transaction with its opener on the team, as `open_transaction` leaves it.

    `seated=False`: no team rows (the caller seats the team); `closed=True`: closed today in
    the partnership's days (the post-close steps are not scheduled: see `closed_transaction`).
    """

    class Meta:
        model = Transaction
        skip_postgeneration_save = True

    class Params:
        closed = factory.Trait(
            stage=TransactionStage.CLOSED,
            closed_on=factory.LazyAttribute(lambda o: o.partnership.today()),
            stage_changed_at=factory.LazyFunction(timezone.now),
        )

    lead = factory.SubFactory(LeadFactory)
    partnership = factory.SelfAttribute("lead.partnership")
    kind = TransactionKind.BUY
    property_address = factory.Sequence(lambda n: f"{100 + n} Lakeview Drive, Austin TX")
    opened_by = factory.SubFactory(
        MemberFactory, partnership=factory.SelfAttribute("..partnership")
    )
    referral_member = factory.SelfAttribute("lead.referring_member")

    @factory.post_generation
    def seated(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            TeamMember.objects.create(
                partnership=obj.partnership, transaction=obj, member=obj.opened_by
            )


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    transaction = factory.SubFactory(TransactionFactory)
    partnership = factory.SelfAttribute("transaction.partnership")
    member = factory.SubFactory(MemberFactory, partnership=factory.SelfAttribute("..partnership"))
    role = "Buyer's agent"


class LeaderProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeaderProposal

    transaction = factory.SubFactory(TransactionFactory)
    partnership = factory.SelfAttribute("transaction.partnership")
    candidate = factory.SelfAttribute("transaction.opened_by")
    proposed_by = factory.SelfAttribute("transaction.opened_by")


class TransactionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransactionEvent

    transaction = factory.SubFactory(TransactionFactory)
    partnership = factory.SelfAttribute("transaction.partnership")
    kind = TransactionEvent.Kind.NOTE
    summary = factory.Sequence(lambda n: f"Update {n}")


class TransactionDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransactionDocument

    transaction = factory.SubFactory(TransactionFactory)
    partnership = factory.SelfAttribute("transaction.partnership")
    title = "Purchase agreement"
    file = factory.django.FileField(data=PDF_BYTES, filename="agreement.pdf")
    content_type = "application/pdf"


class DisclosureFactory(factory.django.DjangoModelFactory):
    """The customer's written authorization naming a partner member, recorded by the opener."""

    class Meta:
        model = Disclosure

    transaction = factory.SubFactory(TransactionFactory)
    partnership = factory.SelfAttribute("transaction.partnership")
    grantee_member = factory.SubFactory(
        MemberFactory, partnership=factory.SelfAttribute("..partnership")
    )
    grantee_name = factory.LazyAttribute(
        lambda o: o.grantee_member.display_name if o.grantee_member else "Gina Grantee"
    )
    scope = "The stage and the team, for the customer's relocation employer."
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    signed_document = factory.django.FileField(data=PDF_BYTES, filename="signed.pdf")
    recorded_by = factory.SelfAttribute("transaction.opened_by")
