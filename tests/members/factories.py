import datetime

import factory
from django.utils import timezone

from members.models import Company, Invitation, Member, User
from members.search import refresh_search_document
from policy.models import BreachReport, PolicyRevision, PolicySuggestion
from policy.services.versions import current_policy
from tests.pinnacle.factories import PartnershipFactory

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Company {n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    partnership = factory.SubFactory(PartnershipFactory)
    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory, partnership=factory.SelfAttribute("..partnership"))
    display_name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"member-{n}")
    job_title = "Realtor"
    specialization = "first-time buyers and relocation"
    service_areas = factory.LazyFunction(lambda: ["Austin", "Round Rock"])
    languages = factory.LazyFunction(lambda: ["English"])


class LeadershipFactory(MemberFactory):
    role = Member.Role.LEADERSHIP
    user = factory.SubFactory(UserFactory, is_staff=True)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    partnership = factory.SubFactory(PartnershipFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    display_name = factory.Faker("name")
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


def bulk_members(partnership, count: int, *, prefix: str = "Member", **fields) -> list[Member]:
    """`count` listed members with their search documents, in a few queries (for query budgets
    measured at 1,000 rows). A field given as a function gets the row's number."""
    users = User.objects.bulk_create(
        User(email=f"{prefix.lower()}{n:04d}.{partnership.slug}@example.com") for n in range(count)
    )
    members = Member.objects.bulk_create(
        Member(
            partnership=partnership,
            user=user,
            display_name=f"{prefix} {n:04d}",
            slug=f"{prefix.lower()}-{n:04d}",
            **{name: value(n) if callable(value) else value for name, value in fields.items()},
        )
        for n, user in enumerate(users)
    )
    refresh_search_document([member.pk for member in members])
    return members


class PolicySuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicySuggestion

    partnership = factory.SubFactory(PartnershipFactory)
    author = factory.SubFactory(MemberFactory, partnership=factory.SelfAttribute("..partnership"))
    body = "Two cold attempts a week is too few for relocation buyers."


class BreachReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BreachReport

    partnership = factory.SubFactory(PartnershipFactory)
    description = "A member emailed a lead without the introductory statement."


class PolicyRevisionFactory(factory.django.DjangoModelFactory):
    """A draft revising the partnership's current version (no service rules applied)."""

    class Meta:
        model = PolicyRevision

    partnership = factory.SubFactory(PartnershipFactory)
    proposed_by = factory.SubFactory(
        LeadershipFactory, partnership=factory.SelfAttribute("..partnership")
    )
    title = factory.Sequence(lambda n: f"Revision {n}")
    text = factory.LazyAttribute(lambda o: current_policy(o.partnership).text)
    settings = factory.LazyAttribute(lambda o: {"cold_attempts_per_week": 3})
    base_version = factory.LazyAttribute(lambda o: current_policy(o.partnership))
