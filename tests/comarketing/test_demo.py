import io

import pytest
from django.core.management import call_command

from comarketing.models import Connection, Media, Status

# One worker runs the demo tests and seeds the demo once (`--dist loadgroup`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


def test_seed_demo_shows_co_marketing_once(seeded_demo):
    statuses = dict(Connection.objects.values_list("email", "status"))
    assert statuses["agent@pinnacle.localhost"] == Status.ACTIVE
    assert statuses["jamie.cole@example.net"] == Status.LINK_CLICKED
    assert statuses["sam.ortega@example.net"] == Status.NOT_DELIVERED
    bounced = Connection.objects.get(email="pat.wrongaddress@example.net")
    assert bounced.status == Status.NOT_DELIVERED and "does not exist" in bounced.status_reason
    assert sorted(Media.objects.values_list("kind", flat=True)) == ["flyer", "property_site"]
    call_command("seed_demo", stdout=io.StringIO())
    assert Connection.objects.count() == 4 and Media.objects.count() == 2
