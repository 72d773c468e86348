import datetime

import factory
from django.utils import timezone

from advocates.models import (
    Contact,
    Interaction,
    InteractionKind,
    Referral,
    Segment,
    ServiceRecord,
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
