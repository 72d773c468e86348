"""`get_or_404`: a missing row, another partnership's, and an id that is no id are one 404."""

import pytest
from django.http import Http404

from leads.models import Lead
from pinnacle.access import get_or_404
from tests.leads.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _the_404(partnership, pk) -> str:
    with pytest.raises(Http404) as refused:
        get_or_404(Lead.objects.for_partnership(partnership), pk=pk)
    return str(refused.value)


def test_a_row_in_scope_is_returned(partnership):
    lead = LeadFactory(partnership=partnership)
    assert get_or_404(Lead.objects.for_partnership(partnership), pk=lead.pk) == lead
    assert get_or_404(Lead.objects.for_partnership(partnership), pk=str(lead.pk)) == lead


def test_missing_foreign_junk_and_huge_ids_are_the_same_404(partnership, other_partnership):
    foreign = LeadFactory(partnership=other_partnership)
    missing = foreign.pk + 1000
    answers = {
        _the_404(partnership, pk) for pk in (missing, foreign.pk, "abc", None, 2**70, "9" * 30)
    }
    assert answers == {"No such lead."}
