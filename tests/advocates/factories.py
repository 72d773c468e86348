import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from advocates.models import (
    Assignment,
    Contact,
    Direction,
    Experiment,
    Interaction,
    InteractionKind,
    Referral,
    ReferralStage,
    Reward,
    RewardRule,
    RewardTrigger,
    Segment,
    ServiceRecord,
    Survey,
)
from tests.members.factories import MemberFactory


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    owner = factory.SubFactory(MemberFactory)
    partnership = factory.LazyAttribute(lambda o: o.owner.partnership)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.net")
    segment = Segment.ADVOCATES


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    contact = factory.SubFactory(ContactFactory)
    owner = factory.LazyAttribute(lambda o: o.contact.owner)
    partnership = factory.LazyAttribute(lambda o: o.contact.partnership)
    kind = InteractionKind.CALL
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


# --- contacts part ------------------------------------------------------------------------------


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRecord

    contact = factory.SubFactory(ContactFactory)
    partnership = factory.LazyAttribute(lambda o: o.contact.partnership)
    happened_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    service = "Pre-listing clean-up"


def contact_referral(contact, direction, *, received_on, stage="received"):
    """A referral row between the contact's owner and the contact (read by the scorecard)."""
    return Referral.objects.create(
        partnership=contact.partnership,
        contact=contact,
        owner=contact.owner,
        direction=direction,
        stage=stage,
        person_name="Someone referred",
        received_on=received_on,
    )


# --- Appreciation plans (tests/advocates/test_plans_*.py) -------------------------------------


def plan_template(partnership, kind):
    """The partnership's plan (every partnership has both from its first moment)."""
    from advocates.models import PlanTemplate

    return PlanTemplate.objects.for_partnership(partnership).get(kind=kind)


def bulk_touches(enrollment, count, *, due_on, **fields):
    """`count` touches of an enrolment in one INSERT (for query-count tests)."""
    from advocates.models import Touch, TouchKind

    return Touch.objects.bulk_create(
        Touch(
            partnership_id=enrollment.partnership_id,
            enrollment=enrollment,
            contact_id=enrollment.contact_id,
            owner_id=enrollment.owner_id,
            kind=fields.get("kind", TouchKind.PHONE_CALL),
            title=f"Bulk touch {n}",
            is_email=fields.get("is_email", False),
            due_on=due_on + datetime.timedelta(days=n % 20 - 5),
        )
        for n in range(count)
    )


# --- Reward experiment and satisfaction survey (insights) --------------------------------------


class ExperimentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Experiment

    owner = factory.SubFactory(MemberFactory)
    partnership = factory.LazyAttribute(lambda o: o.owner.partnership if o.owner else None)
    name = factory.Sequence(lambda n: f"Experiment {n}")
    starts_on = datetime.date(2025, 1, 6)
    ends_on = datetime.date(2025, 4, 6)
    fixed_reward = 250
    variable_rate = "0.10"
    seed = 12345


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    experiment = factory.SubFactory(ExperimentFactory)
    contact = factory.SubFactory(
        ContactFactory,
        owner=factory.SelfAttribute("..experiment.owner"),
    )
    partnership = factory.LazyAttribute(lambda o: o.experiment.partnership)
    group = "A"


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    owner = factory.SubFactory(MemberFactory)
    partnership = factory.LazyAttribute(lambda o: o.owner.partnership)
    name = factory.Sequence(lambda n: f"Client {n}")
    email = factory.Sequence(lambda n: f"client{n}@example.net")


# --- Referrals and rewards -------------------------------------------------------------------


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    contact = factory.SubFactory(ContactFactory)
    owner = factory.LazyAttribute(lambda o: o.contact.owner)
    partnership = factory.LazyAttribute(lambda o: o.contact.partnership)
    direction = Direction.RECEIVED
    person_name = factory.Sequence(lambda n: f"Person {n}")
    person_email = factory.Sequence(lambda n: f"person{n}@example.org")
    stage = ReferralStage.RECEIVED
    received_on = factory.LazyAttribute(lambda o: o.partnership.today())


class RewardRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RewardRule

    owner = factory.SubFactory(MemberFactory)
    partnership = factory.LazyAttribute(lambda o: o.owner.partnership)
    trigger = RewardTrigger.ON_RECEIPT
    description = "$10 coffee card"
    value = Decimal("10")


class RewardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reward

    contact = factory.SubFactory(ContactFactory)
    owner = factory.LazyAttribute(lambda o: o.contact.owner)
    partnership = factory.LazyAttribute(lambda o: o.contact.partnership)
    trigger = RewardTrigger.LONG_TERM
    description = "Client appreciation event"
    value = Decimal("0")
    given_on = factory.LazyAttribute(lambda o: o.partnership.today())
