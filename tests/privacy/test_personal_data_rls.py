"""Erasure as the portal runs it: on the app role's connection, held by row-level security to the
requesting partnership, it erases there and cannot reach another partnership's rows."""

import pytest

from leads.models import Lead
from leads.services.intake import submit_lead
from pinnacle.mail.services import is_suppressed, opt_out
from pinnacle.privacy.services import erase_personal_data, export_personal_data
from pinnacle.tenancy import tenant_scope
from tests.pinnacle.factories import PartnershipFactory
from tests.test_row_level_security import app_role, as_app  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "owner", "app"]),
    pytest.mark.slow,
    pytest.mark.xdist_group("row_level_security"),
]

EMAIL = "wren.oduya@example.org"


def test_an_erasure_under_the_wall_stays_in_its_partnership(app_role):  # noqa: F811
    alpha, bravo = PartnershipFactory(slug="alpha"), PartnershipFactory(slug="bravo")
    for partnership in (alpha, bravo):
        submit_lead(
            partnership=partnership, form="join", name="Wren Oduya", email=EMAIL, need="buy",
            timeframe="3m",
        )  # fmt: skip
        opt_out(partnership=partnership, email=EMAIL, source="link", message_id=None)

    with as_app(), tenant_scope(alpha):
        erase_personal_data(partnership=alpha, email=EMAIL)
        assert is_suppressed(partnership=alpha, email=EMAIL)
        export = export_personal_data(partnership=alpha, email=EMAIL)
        assert [r["model"] for r in export["records"]] == ["mail.Suppression"]

    assert Lead.objects.get(partnership=alpha).name == "Erased"
    assert Lead.objects.get(partnership=bravo).name == "Wren Oduya"
    assert is_suppressed(partnership=bravo, email=EMAIL)
