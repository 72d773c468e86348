import pytest
from django.contrib.postgres.search import SearchQuery

from members.models import Member
from members.search import refresh_search_document
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_search_document_covers_company_and_service_areas(partnership):
    member = MemberFactory(partnership=partnership, service_areas=["Georgetown"])
    member.company.name = "Lakeview Mortgage"
    member.company.save()
    refresh_search_document([member.pk])
    found = Member.objects.filter(search_document=SearchQuery("lakeview georgetown"))
    assert list(found) == [member]
    assert not Member.objects.filter(search_document=SearchQuery("nowhere")).exists()
