import secrets

import factory
from django.utils import timezone

from comarketing.models import Connection
from tests.members.factories import MemberFactory
from tests.pinnacle.factories import PartnershipFactory


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Connection

    partnership = factory.SubFactory(PartnershipFactory)
    lender = factory.SubFactory(
        MemberFactory, partnership=factory.SelfAttribute("..partnership"), kind="lender"
    )
    email = factory.Sequence(lambda n: f"partner{n}@example.com")
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(24))
    invited_at = factory.LazyFunction(timezone.now)
