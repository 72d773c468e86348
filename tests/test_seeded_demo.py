"""The demo seeded once per run (tests/seeded_demo.py): a test that asks for it gets the first
run's rows and files; a test that does not finds the database as empty as ever."""

import io

import pytest
from django.core.management import call_command

from members.models import Member

# One worker runs the demo tests and seeds the demo once (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("demo")


def test_the_seeded_demo_is_what_a_first_run_of_seed_demo_leaves(seeded_demo, settings):
    assert "created this run: 36 members" in seeded_demo
    images = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*.png"))
    assert images
    assert Member.objects.filter(user__email="agent@pinnacle.localhost").exists()

    rerun = io.StringIO()
    call_command("seed_demo", stdout=rerun)

    # Nothing missing: rerunning finds every row and every drawn file in place.
    assert "created this run: 0 members, 0 companies, 0 users, 0 images." in rerun.getvalue()
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*.png")) == images


def test_a_test_without_the_demo_finds_no_member_though_the_run_seeded_it(demo_snapshot, db):
    assert demo_snapshot.tables
    assert not Member.objects.exists()
