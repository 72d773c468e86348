import pytest
from playwright.sync_api import expect

from members.models import Member
from members.search import refresh_search_document
from tests.members.factories import CompanyFactory, MemberFactory

AREAS = ["Austin", "Round Rock", "Georgetown", "Cedar Park", "Pflugerville"]
KINDS = [
    (Member.Kind.AGENT, Member.ServiceCategory.REAL_ESTATE, "Realtor"),
    (Member.Kind.LENDER, Member.ServiceCategory.MORTGAGE, "Loan officer"),
    (Member.Kind.ALLIED, Member.ServiceCategory.INSPECTION, "Home inspector"),
]


@pytest.fixture
def directory(partnership, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    companies = [
        CompanyFactory(partnership=partnership, name=name)
        for name in ("Sunrise Realty", "Hill Country Mortgage", "Capitol Inspections")
    ]
    members = [
        MemberFactory(
            partnership=partnership,
            display_name=name,
            company=companies[n % 3],
            kind=KINDS[n % 3][0],
            service_category=KINDS[n % 3][1],
            job_title=KINDS[n % 3][2],
            service_areas=[AREAS[n % 5], AREAS[(n + 2) % 5]],
            specialization="first-time buyers and relocation to Central Texas",
            bio="Helping families buy and sell across Central Texas.",
            cell_phone=f"(512) 555-01{n:02d}",
        )
        for n, name in enumerate(
            [
                "Avery Brooks",
                "Blake Carter",
                "Casey Diaz",
                "Dana Ellis",
                "Emerson Fox",
                "Finley Grant",
                "Gray Harper",
                "Harper Irwin",
                "Indigo James",
                "Jordan Kim",
                "Kai Lopez",
                "Logan Moore",
                "Morgan Nash",
                "Noel Ortiz",
                "Oakley Price",
            ]
        )
    ]
    MemberFactory(partnership=partnership, display_name="Hidden Hollis", is_listed=False)
    refresh_search_document([m.pk for m in members])
    return members


@pytest.mark.django_db(transaction=True)
def test_prospect_searches_directory_and_opens_a_profile(site, page, shot, directory):
    page.goto(site + "/directory/")
    expect(page.get_by_role("heading", name="Partner directory")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("15 members")
    expect(page.locator(".member-card")).to_have_count(12)
    expect(page.get_by_text("Hidden Hollis")).to_have_count(0)

    page.get_by_label("Search", exact=True).fill("Sunrise")
    page.get_by_label("Service area").select_option("Georgetown")
    page.get_by_role("button", name="Search").click()

    cards = page.locator(".member-card")
    expect(page.get_by_role("status")).to_contain_text("matching \u201cSunrise\u201d")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Sunrise Realty")
    expect(cards.first).to_contain_text("Georgetown")
    shot("directory-search")

    first_name = cards.first.get_by_role("link").inner_text()
    cards.first.get_by_role("link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(first_name)
    expect(page.locator(".intro-statement")).to_contain_text(
        "As a Pinnacle Partnerships partner member, I specialize in first-time buyers and "
        "relocation to Central Texas."
    )
    expect(page.locator('a[href^="tel:"]')).to_have_count(1)
    expect(page.locator('a[href^="mailto:"]')).to_have_count(1)
    shot("directory-profile")

    page.get_by_role("link", name="Partner directory").first.click()
    page.get_by_label("Search", exact=True).fill("nobody-like-this")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No partner members match your search.")).to_be_visible()
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator(".member-card")).to_have_count(12)
