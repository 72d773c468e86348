"""The directory's full-text document: name, specialization, company and service areas."""

from django.contrib.postgres.search import SearchVector
from django.db.models import F, Func, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from members.models import Company, Member


def _array_to_string(field: str) -> Func:
    return Func(F(field), Value(" "), function="array_to_string", output_field=TextField())


def refresh_search_document(member_ids) -> None:
    """Recompute `search_document` for the given members (call after any profile write)."""
    company_name = Subquery(Company.objects.filter(pk=OuterRef("company_id")).values("name")[:1])
    Member.objects.filter(pk__in=list(member_ids)).update(
        search_document=(
            SearchVector("display_name", weight="A", config="english")
            + SearchVector(Coalesce(company_name, Value("")), weight="B", config="english")
            + SearchVector("specialization", "job_title", weight="B", config="english")
            + SearchVector(_array_to_string("service_areas"), weight="B", config="english")
            + SearchVector("employer", "bio", weight="C", config="english")
        )
    )
