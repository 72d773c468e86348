import factory

from pinnacle.models import Partnership
from pinnacle.services import create_partnership


class PartnershipFactory(factory.django.DjangoModelFactory):
    """The partnership with the given slug, created (when new) the way every creator does, with
    its policy and plans."""

    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"p{n}")
    website_url = factory.LazyAttribute(lambda o: f"https://www.{o.slug}.example.com")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        existing = model_class.objects.filter(slug=kwargs["slug"]).first()
        if existing is not None:
            return existing
        return create_partnership(partnership=model_class(*args, **kwargs))
