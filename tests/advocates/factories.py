import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from advocates.models import (
    Contact,
    Direction,
    Interaction,
    InteractionKind,
    Referral,
    ReferralStage,
    Reward,
    RewardRule,
    RewardTrigger,
    Segment,
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
