import datetime

import factory
from django.utils import timezone

from leads.models import (
    Disclosure,
    Inquiry,
    Lead,
    LeaderProposal,
    Need,
    Submission,
    TeamMember,
    Timeframe,
    Transaction,
    TransactionDocument,
    TransactionEvent,
    TransactionKind,
)
from tests.members.factories import MemberFactory
from tests.pinnacle.factories import PartnershipFactory


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"lead{n}@example.com")
    need = Need.BUY
    timeframe = Timeframe.THREE_MONTHS
    last_submitted_at = factory.LazyFunction(timezone.now)


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    lead = factory.SubFactory(LeadFactory)
    partnership = factory.SelfAttribute("lead.partnership")
    form = "join"
    name = factory.SelfAttribute("lead.name")
    need = factory.SelfAttribute("lead.need")
    timeframe = factory.SelfAttribute("lead.timeframe")
    consent = True


class InquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inquiry

    lead = factory.SubFactory(LeadFactory)
    partnership = factory.SelfAttribute("lead.partnership")
    member = factory.SubFactory(MemberFactory, partnership=factory.SelfAttribute("..partnership"))
    message = "We are moving in March and need a 3-bedroom near good schools."
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=24))
    remind_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=20))


# Transactions: a lead's transaction with the opener on its team (as open_transaction leaves it).

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class TransactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transaction
        skip_postgeneration_save = True

    lead = factory.SubFactory(LeadFactory)
    partnership = factory.SelfAttribute("lead.partnership")
    kind = TransactionKind.BUY
    opened_by = factory.SubFactory(
        MemberFactory, partnership=factory.SelfAttribute("..partnership")
    )
    referral_member = factory.SelfAttribute("lead.referring_member")

    @factory.post_generation
    def seated(obj, create, extracted, **kwargs):
        if create:
            TeamMember.objects.create(
                partnership=obj.partnership, transaction=obj, member=obj.opened_by
            )


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    transaction = factory.SubFactory(TransactionFactory)
    partnership = factory.SelfAttribute("transaction.partnership")
    member = factory.SubFactory(MemberFactory, partnership=factory.SelfAttribute("..partnership"))


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
    summary = "Note"
    body = "Inspection booked for Tuesday."


class TransactionDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransactionDocument

    transaction = factory.SubFactory(TransactionFactory)
    partnership = factory.SelfAttribute("transaction.partnership")
    title = "Purchase agreement"
    file = factory.django.FileField(data=PDF_BYTES, filename="agreement.pdf")
    content_type = "application/pdf"


class DisclosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disclosure

    transaction = factory.SubFactory(TransactionFactory)
    partnership = factory.SelfAttribute("transaction.partnership")
    grantee_name = "Gina Grantee"
    scope = "The closing date and the property address."
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    signed_document = factory.django.FileField(data=PDF_BYTES, filename="signed.pdf")
    recorded_by = factory.SelfAttribute("transaction.opened_by")
