import factory

from outreach.models import Template
from tests.members.factories import MemberFactory
from tests.pinnacle.factories import PartnershipFactory


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Template

    partnership = factory.SubFactory(PartnershipFactory)
    member = factory.SubFactory(MemberFactory, partnership=factory.SelfAttribute("..partnership"))
    name = factory.Sequence(lambda n: f"Template {n}")
    subject = "Your home search"
    body = "I help first-time buyers find homes near good schools. Could we talk this week?"
    stages = ["new"]
