import secrets

import factory
from django.utils import timezone

from comarketing.models import Connection, Media, Status
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


class MediaFactory(factory.django.DjangoModelFactory):
    """A capture page of an active connection, owned by its lender."""

    class Meta:
        model = Media

    partnership = factory.SubFactory(PartnershipFactory)
    connection = factory.SubFactory(
        ConnectionFactory,
        partnership=factory.SelfAttribute("..partnership"),
        partner=factory.SubFactory(
            MemberFactory, partnership=factory.SelfAttribute("...partnership"), kind="agent"
        ),
        status=Status.ACTIVE,
        accepted_at=factory.LazyFunction(timezone.now),
    )
    owner = factory.SelfAttribute("connection.lender")
    created_by = factory.SelfAttribute("connection.lender")
    kind = Media.Kind.CAPTURE_PAGE
    slug = factory.Sequence(lambda n: f"page-{n}")
    title = factory.Sequence(lambda n: f"Page {n}")
