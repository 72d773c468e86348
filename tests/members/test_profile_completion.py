"""Profile completion: one checklist for the progress bar, the reminders and the dashboard."""

import pytest

from members.models import Member
from members.selectors import (
    PROFILE_CHECKLIST,
    complete_profile_q,
    profile_progress,
)
from tests.members.factories import CompanyFactory, MemberFactory, bulk_members

pytestmark = pytest.mark.django_db

COMPLETE = {
    "display_name": "Alice Agent",
    "cell_phone": "(512) 555-0147",
    "office_phone": "(512) 555-0100",
    "street_address": "100 Congress Ave",
    "city": "Austin",
    "state": "TX",
    "postal_code": "78701",
    "job_title": "Realtor",
    "timezone": "America/Chicago",
    "photo": "members/photos/alice.jpg",
    "company_logo": "members/logos/alice.png",
    "employer": "Lakeside Realty",
    "mls_market": "Austin Board of Realtors",
    "mls_agent_id": "482913",
    "license_number": "TX-0712345",
}

# The seed's items, each with the fields that blank it and what the member is told is missing.
SEED_ITEMS = [
    ("name", {"display_name": ""}, "your name"),
    ("email", {"user__email": ""}, "an email address"),
    ("cell phone", {"cell_phone": ""}, "a cell phone number"),
    ("office phone", {"office_phone": ""}, "an office phone number"),
    (
        "physical address",
        {"street_address": ""},
        "a physical address (street, city, state and postal code)",
    ),
    ("job title", {"job_title": ""}, "a job title"),
    ("time zone", {"timezone": ""}, "your time zone"),
    ("profile photo", {"photo": ""}, "a profile photo"),
    ("company logo", {"company_logo": ""}, "a company logo"),
    ("employer", {"employer": ""}, "your employer"),
    ("MLS market", {"mls_market": ""}, "your MLS market"),
    ("MLS agent id", {"mls_agent_id": ""}, "your MLS agent ID"),
    (
        "license number",
        {"license_number": ""},
        "your real estate state license number",
    ),
]


def complete_member(**changes) -> Member:
    user_email = changes.pop("user__email", None)
    member = MemberFactory(**{**COMPLETE, **changes})
    if user_email is not None:
        member.user.email = user_email
    return member


def test_the_checklist_is_the_seeds_thirteen_items():
    assert [item.label for item in PROFILE_CHECKLIST] == [label for *_, label in SEED_ITEMS]


def test_a_profile_with_every_item_is_complete():
    progress = profile_progress(complete_member())

    assert progress.missing == []
    assert progress.percent == 100
    assert progress.is_complete


@pytest.mark.parametrize(("item", "blank", "label"), SEED_ITEMS, ids=[i[0] for i in SEED_ITEMS])
def test_each_missing_item_is_named(item, blank, label):
    progress = profile_progress(complete_member(**blank))

    assert progress.missing == [label]
    assert progress.percent == 92  # 12 of 13
    assert not progress.is_complete


@pytest.mark.parametrize("part", ["street_address", "city", "state", "postal_code"])
def test_the_physical_address_needs_every_part(part):
    progress = profile_progress(complete_member(**{part: ""}))

    assert progress.missing == ["a physical address (street, city, state and postal code)"]


def test_spaces_alone_fill_nothing():
    progress = profile_progress(complete_member(job_title="   ", mls_agent_id=" "))

    assert progress.missing == ["a job title", "your MLS agent ID"]


def test_a_new_member_has_chosen_no_time_zone_and_sees_the_partnerships(partnership):
    partnership.timezone = "America/Denver"
    member = complete_member(partnership=partnership, timezone="")

    assert Member.objects.get(pk=member.pk).timezone == ""
    assert profile_progress(member).missing == ["your time zone"]
    assert member.display_timezone == "America/Denver"
    member.timezone = "America/Chicago"
    assert member.display_timezone == "America/Chicago"


def test_the_company_logo_is_the_members_own():
    member = complete_member(company_logo="")
    member.company.logo = "companies/lakeside.png"

    assert profile_progress(member).missing == ["a company logo"]


def test_an_empty_profile_misses_everything_but_name_and_email(partnership):
    member = MemberFactory(partnership=partnership, job_title="")

    progress = profile_progress(member)

    assert progress.missing == [item.label for item in PROFILE_CHECKLIST[2:]]
    assert progress.percent == 15  # 2 of 13


def test_the_filter_agrees_with_the_progress(partnership):
    complete = complete_member(partnership=partnership)
    incomplete = [
        complete_member(partnership=partnership, **blank)
        for _, blank, _ in SEED_ITEMS
        if "user__email" not in blank
    ]
    spaces = complete_member(partnership=partnership, employer="  ")

    members = Member.objects.for_partnership(partnership)
    assert list(members.filter(complete_profile_q())) == [complete]
    assert set(members.exclude(complete_profile_q())) == {*incomplete, spaces}


def test_progress_for_many_members_costs_no_queries(partnership, django_assert_num_queries):
    company = CompanyFactory(partnership=partnership, logo="companies/lakeside.png")
    bulk_members(
        partnership,
        30,
        company=company,
        job_title="Realtor",
        cell_phone=lambda n: f"512555{n:04d}",
    )
    with django_assert_num_queries(1):
        members = list(Member.objects.for_partnership(partnership).select_related("user"))

    with django_assert_num_queries(0):
        progress = [profile_progress(member) for member in members]

    assert {p.percent for p in progress} == {31}  # name, email, cell phone, job title
    assert all("an email address" not in p.missing for p in progress)


def test_dashboard_shows_the_percentage_and_what_is_missing(member_client, member):
    Member.objects.filter(pk=member.pk).update(
        **{**COMPLETE, "display_name": member.display_name, "photo": "", "mls_market": ""}
    )

    page = member_client.get("/dashboard/").text

    assert "<strong>85% complete</strong>" in page  # 11 of 13
    assert '<progress id="profile-progress" class="profile-progress" max="100" value="85">' in page
    missing = page.split('<ul class="missing-list">', 1)[1].split("</ul>", 1)[0]
    assert missing == "<li>a profile photo</li><li>your MLS market</li>"


def test_dashboard_says_when_the_profile_is_complete(member_client, member):
    Member.objects.filter(pk=member.pk).update(**{**COMPLETE, "display_name": "Alice Agent"})

    page = member_client.get("/dashboard/").text

    assert "Your profile is complete." in page
    assert "missing-list" not in page
