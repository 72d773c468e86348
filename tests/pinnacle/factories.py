import factory

from pinnacle.models import Partnership


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"p{n}")
    website_url = factory.LazyAttribute(lambda o: f"https://www.{o.slug}.example.com")
