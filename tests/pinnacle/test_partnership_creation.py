"""A new partnership has its policy's version 1 and both appreciation plans from its first moment,
whoever creates it, and never exists without them."""

import pytest
from django.test import Client

from advocates.models import PlanKind, PlanTemplate
from pinnacle import services
from pinnacle.models import POLICY_FIELDS, Partnership
from pinnacle.services import create_partnership
from policy.models import PolicyVersion
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(partnership) -> Client:
    client = Client(HTTP_HOST=partnership.host)
    client.force_login(
        UserFactory(email="root@example.com", is_superuser=True, is_staff=True),
        backend="members.auth.PartnershipMemberBackend",
    )
    return client


def test_adding_a_partnership_in_admin_gives_it_version_1_and_the_default_plans(
    superuser_client,
):
    response = superuser_client.post(
        "/admin/pinnacle/partnership/add/",
        {
            "name": "Summit Group",
            "slug": "summit",
            "domain": "",
            "timezone": "America/Denver",
            "website_url": "https://summit.example.com",
            "reply_from_email": "",
            "inquiry_reminder_hours_before": 4,
            **{name: Partnership._meta.get_field(name).get_default() for name in POLICY_FIELDS},
        },
    )
    assert response.status_code == 302
    summit = Partnership.objects.get(slug="summit")
    (version,) = PolicyVersion.objects.filter(partnership=summit)
    assert version.number == 1
    plans = PlanTemplate.objects.filter(partnership=summit)
    assert sorted(plans.values_list("kind", flat=True)) == sorted(PlanKind.values)
    assert all(plan.steps.exists() for plan in plans)


def test_a_failing_set_up_leaves_no_partnership_behind(monkeypatch):
    def refuse(partnership):
        raise RuntimeError("set-up failed")

    # After the policy's and the plans' set-ups, so their rows are undone too.
    monkeypatch.setitem(services._set_ups, "test: fails", refuse)
    with pytest.raises(RuntimeError, match="set-up failed"):
        create_partnership(partnership=Partnership(name="Doomed", slug="doomed"))
    assert not Partnership.objects.filter(slug="doomed").exists()
    assert not PolicyVersion.objects.filter(partnership__slug="doomed").exists()
    assert not PlanTemplate.objects.filter(partnership__slug="doomed").exists()
