import datetime

import factory
from django.utils import timezone

from advocates.models import Contact, Interaction, InteractionKind, Segment
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
