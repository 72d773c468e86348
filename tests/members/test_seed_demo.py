import io

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from PIL import Image

from members import demo
from members.models import Company, Member, User
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import Partnership

# One worker runs the demo tests and seeds the demo once (`--dist loadgroup`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

DEMO_LOGINS = (
    "leader@pinnacle.localhost",
    "lender@pinnacle.localhost",
    "agent@pinnacle.localhost",
    "admin@pinnacle.localhost",
    "leader@harbor.localhost",
)


def snapshot(media_root):
    """Everything a rerun could change: rows (with their update stamps) and files (with mtimes)."""
    return {
        "partnerships": list(Partnership.objects.values_list("slug", "name", "seal")),
        "users": sorted(User.objects.values_list("email", "password", "is_staff")),
        "companies": sorted(Company.objects.values_list("partnership__slug", "name", "logo")),
        "members": sorted(
            Member.objects.values_list("partnership__slug", "slug", "user__email", "updated_at")
        ),
        "files": sorted((str(p), p.stat().st_mtime_ns) for p in media_root.rglob("*")),
    }


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


# The one test that seeds an empty database for real; the others read the demo seeded once per
# run (`seeded_demo`).
def test_a_first_run_seeds_without_email_and_a_second_changes_nothing(
    settings, tmp_path, mailoutbox
):
    settings.MEDIA_ROOT = tmp_path
    first = seed()
    assert "created this run: 36 members" in first
    # Nothing is sent while seeding: demo leads' and co-marketing invitations, and the policy
    # governance demo's notices and calls to vote, wait in the outbox; demo outreach is recorded
    # as sent days ago, as are the demo satisfaction surveys. Members themselves are created
    # directly, never invited.
    assert mailoutbox == []
    others = OutboxMessage.objects.exclude(
        template__regex=r"^((leads|outreach|comarketing)/|members/policy_|advocates/survey$)"
    )
    assert not others.exists()
    before = snapshot(tmp_path)
    assert len(before["files"]) > 100
    second = seed()
    assert snapshot(tmp_path) == before
    assert "created this run: 0 members, 0 companies, 0 users, 0 images." in second


def test_missing_image_files_are_redrawn(seeded_demo, settings):
    member = Member.objects.get(user__email="agent@pinnacle.localhost")
    (settings.MEDIA_ROOT / member.photo.name).unlink()
    assert "0 users, 1 image." in seed()
    member.refresh_from_db()
    assert open_image(member.photo) == ("JPEG", (512, 512), "RGB")


def test_default_partnership_has_members_of_every_kind(seeded_demo, settings):
    pinnacle = Partnership.objects.get(slug=settings.DEFAULT_PARTNERSHIP)
    assert pinnacle.name == "Pinnacle Partnerships"
    assert pinnacle.website_url == "https://www.pinnaclepartnerships.com"
    members = Member.objects.for_partnership(pinnacle)
    assert 25 <= members.count() <= 35
    assert members.filter(is_listed=False).count() >= 1
    assert members.filter(is_listed=True).count() >= 25
    kinds = dict.fromkeys(Member.Kind, 0)
    for member in members:
        kinds[member.kind] += 1
    assert kinds[Member.Kind.AGENT] >= 10
    assert kinds[Member.Kind.LENDER] >= 4
    assert kinds[Member.Kind.ALLIED] >= 7
    categories = set(members.values_list("service_category", flat=True))
    assert set(Member.ServiceCategory.values) - categories == {Member.ServiceCategory.OTHER}
    # several members share a company
    assert members.filter(company__name="Summit Realty Group").count() >= 3
    agent = members.get(user__email="agent@pinnacle.localhost")
    assert agent.mls_market == "Austin Board of REALTORS\u00ae (ABoR)"
    assert agent.mls_agent_id and agent.license_number
    assert agent.timezone == "America/Chicago"
    assert set(agent.service_areas) <= {
        "Austin", "Round Rock", "Cedar Park", "Georgetown", "Pflugerville", "Leander",
        "Lakeway", "Kyle", "Buda", "San Marcos", "Hutto", "Bee Cave", "Dripping Springs",
    }  # fmt: skip
    lender = members.get(user__email="lender@pinnacle.localhost")
    assert lender.kind == Member.Kind.LENDER
    assert lender.license_number.startswith("NMLS")


def test_second_partnership_is_separate(seeded_demo, settings):
    pinnacle = Partnership.objects.get(slug=settings.DEFAULT_PARTNERSHIP)
    harbor = Partnership.objects.get(slug="harbor")
    assert harbor.name == "Harbor Point Alliance"
    harbor_members = Member.objects.for_partnership(harbor)
    assert 4 <= harbor_members.count() <= 8
    harbor_users = set(harbor_members.values_list("user_id", flat=True))
    pinnacle_users = set(Member.objects.for_partnership(pinnacle).values_list("user_id", flat=True))
    assert not harbor_users & pinnacle_users
    assert (
        not Company.objects.for_partnership(harbor).filter(members__partnership=pinnacle).exists()
    )
    leader = User.objects.get(email="leader@harbor.localhost")
    assert leader.is_leadership_of(harbor)
    assert not leader.is_leadership_of(pinnacle)
    assert leader.membership_in(pinnacle) is None


def test_demo_logins_work_and_others_cannot_log_in(seeded_demo, settings):
    for email in DEMO_LOGINS:
        assert User.objects.get(email=email).check_password("pinnacle-demo"), email
        assert email in seeded_demo
    pinnacle = Partnership.objects.get(slug=settings.DEFAULT_PARTNERSHIP)
    leader = User.objects.get(email="leader@pinnacle.localhost")
    assert leader.is_staff and not leader.is_superuser
    assert leader.is_leadership_of(pinnacle)
    assert leader.membership_in(pinnacle).is_listed
    assert User.objects.get(email="admin@pinnacle.localhost").is_superuser
    agent = User.objects.get(email="agent@pinnacle.localhost")
    assert not agent.is_staff and not agent.is_leadership_of(pinnacle)
    others = User.objects.filter(email__endswith="@example.com")
    assert others.count() >= 25
    assert not any(user.has_usable_password() for user in others)


def test_reset_passwords_restores_demo_password(seeded_demo):
    leader = User.objects.get(email="leader@pinnacle.localhost")
    leader.set_password("changed-by-someone")
    leader.save()
    call_command("seed_demo", stdout=io.StringIO())
    leader.refresh_from_db()
    assert not leader.check_password("pinnacle-demo")  # a plain rerun keeps a changed password
    call_command("seed_demo", "--reset-passwords", stdout=io.StringIO())
    leader.refresh_from_db()
    assert leader.check_password("pinnacle-demo")


def open_image(field_file):
    with field_file.open("rb") as handle, Image.open(handle) as image:
        image.load()
        return image.format, image.size, image.mode


def test_images_are_generated_and_valid(seeded_demo):
    for partnership in Partnership.objects.all():
        assert open_image(partnership.seal) == ("PNG", (256, 256), "RGBA")
    for company in Company.objects.all():
        assert open_image(company.logo)[0] == "PNG"
    members = Member.objects.all()
    for member in members:
        assert open_image(member.photo) == ("JPEG", (512, 512), "RGB")
        assert open_image(member.photo_thumbnail) == ("JPEG", (256, 256), "RGB")
        assert open_image(member.company_logo)[0] == "PNG"
        assert open_image(member.company_logo_thumbnail)[0] == "PNG"
    # portraits are drawn per person, not one picture copied
    photos = {member.photo.open("rb").read() for member in members}
    assert len(photos) == members.count()


def test_seals_differ_between_partnerships(seeded_demo):
    seals = {p.slug: p.seal.open("rb").read() for p in Partnership.objects.all()}
    assert seals["harbor"] != seals["pinnacle"]


def test_search_document_is_populated(seeded_demo, settings):
    pinnacle = Partnership.objects.get(slug=settings.DEFAULT_PARTNERSHIP)
    members = Member.objects.for_partnership(pinnacle)
    assert not members.filter(search_document__isnull=True).exists()
    lenders = members.filter(search_document=SearchQuery("keystone"))
    assert lenders.exists()
    assert set(lenders.values_list("kind", flat=True)) == {Member.Kind.LENDER}
    assert members.filter(search_document=SearchQuery("Georgetown")).count() >= 3


def test_the_demo_data_refreshes_without_the_command(seeded_demo, settings):
    seeded = demo.seed_demo()
    assert seeded.created == {"member": 0, "company": 0, "user": 0, "image": 0}
    pinnacle, harbor = seeded.partnerships
    assert pinnacle[0].slug == settings.DEFAULT_PARTNERSHIP and harbor[0].slug == "harbor"
    assert "leader@harbor.localhost" in [user.email for user in harbor[1]]
