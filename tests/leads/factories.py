import datetime

import factory
from django.utils import timezone

from leads.models import Inquiry, Lead, Need, Submission, Timeframe
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


# Transactions. The rows only: the rules live in the services, and the small builders that put a
# team together (team_transaction, closed_transaction, Committee) are in transaction_builders.
