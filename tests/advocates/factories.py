import datetime

import factory
from django.utils import timezone

from advocates.models import (
    Assignment,
    Contact,
    Experiment,
    Interaction,
    InteractionKind,
    Segment,
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
