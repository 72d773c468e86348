import pytest

from members.models import Member
from members.search import refresh_search_document
from members.templatetags.members_tags import initials
from tests.conftest import client_for
from tests.members.factories import CompanyFactory, MemberFactory, bulk_members

pytestmark = pytest.mark.django_db


def listed(partnership, **fields) -> Member:
    """A directory member with its search document built, as every profile write does."""
    member = MemberFactory(partnership=partnership, **fields)
    refresh_search_document([member.pk])
    return member


def names(response) -> list[str]:
    return [m.display_name for m in response.context["page"].object_list]


@pytest.fixture
def austin_lender(partnership):
    return listed(
        partnership,
        display_name="Brenda Lakeview",
        kind=Member.Kind.LENDER,
        service_category=Member.ServiceCategory.MORTGAGE,
        company=CompanyFactory(partnership=partnership, name="Hill Country Mortgage"),
        specialization="VA loans and down payment assistance",
        service_areas=["Austin", "Pflugerville"],
    )


@pytest.fixture
def georgetown_agent(partnership):
    return listed(
        partnership,
        display_name="Carlos Mendez",
        company=CompanyFactory(partnership=partnership, name="Sunrise Realty"),
        specialization="probate and estate sales",
        service_areas=["Georgetown"],
    )


def test_directory_lists_only_this_partnerships_listed_active_members(
    anon_client, partnership, member, other_member
):
    refresh_search_document([member.pk])
    listed(partnership, display_name="Hidden Hannah", is_listed=False)
    listed(partnership, display_name="Former Fred", is_active=False)

    response = anon_client.get("/directory/")

    assert response.status_code == 200
    assert names(response) == ["Alice Agent"]
    assert "Hidden Hannah" not in response.text
    assert "Former Fred" not in response.text
    assert "Oscar Other" not in response.text


@pytest.mark.parametrize(
    "query",
    ["Carlos Mendez", "carlos", "Mend", "Sunrise Realty", "sunrise", "Georgetown", "probate"],
)
def test_search_finds_member_by_name_company_area_or_specialization(
    anon_client, georgetown_agent, austin_lender, query
):
    response = anon_client.get("/directory/", {"q": query})

    assert names(response) == ["Carlos Mendez"]
    assert "1</strong> member matching" in response.text


def test_search_matches_part_of_a_name(anon_client, georgetown_agent, austin_lender):
    response = anon_client.get("/directory/", {"q": "endez"})

    assert names(response) == ["Carlos Mendez"]


@pytest.mark.parametrize(
    "query", ["'", "&|!", "__", "a:b", "(", "-", '"', "o'brien", "ünïcödé", "x" * 200, "1 & 2"]
)
def test_odd_search_text_never_breaks_the_page(anon_client, georgetown_agent, query):
    assert anon_client.get("/directory/", {"q": query}).status_code == 200


def test_search_ranks_a_name_match_above_a_bio_mention(anon_client, partnership):
    listed(partnership, display_name="Ann Brooks", bio="I often work with Dana Travis.")
    listed(partnership, display_name="Dana Travis", bio="")

    response = anon_client.get("/directory/", {"q": "Travis"})

    assert names(response) == ["Dana Travis", "Ann Brooks"]


def test_search_never_shows_another_partnerships_member(
    anon_client, georgetown_agent, other_partnership
):
    listed(
        other_partnership,
        display_name="Sunny Outsider",
        company=CompanyFactory(partnership=other_partnership, name="Sunrise Realty"),
        service_areas=["Georgetown"],
    )

    for query in ("Sunrise", "Georgetown", "Sunny"):
        response = anon_client.get("/directory/", {"q": query})
        assert "Sunny Outsider" not in names(response)


def test_search_with_no_match_shows_empty_state_with_clear_link(anon_client, georgetown_agent):
    response = anon_client.get("/directory/", {"q": "zzzqqq", "kind": "agent"})

    assert names(response) == []
    assert "No partner members match your search." in response.text
    assert 'href="/directory/">Clear filters</a>' in response.text


def test_empty_directory_says_nobody_is_listed_yet(anon_client, partnership):
    response = anon_client.get("/directory/")

    assert "No partner members are listed yet." in response.text
    assert "Clear filters" not in response.text


def test_kind_category_and_area_filters(anon_client, georgetown_agent, austin_lender, partnership):
    listed(
        partnership,
        display_name="Ivy Inspector",
        kind=Member.Kind.ALLIED,
        service_category=Member.ServiceCategory.INSPECTION,
        service_areas=["Austin"],
    )

    assert names(anon_client.get("/directory/", {"kind": "lender"})) == ["Brenda Lakeview"]
    assert names(anon_client.get("/directory/", {"service_category": "inspection"})) == [
        "Ivy Inspector"
    ]
    assert names(anon_client.get("/directory/", {"area": "Austin"})) == [
        "Brenda Lakeview",
        "Ivy Inspector",
    ]
    assert names(anon_client.get("/directory/", {"area": "Austin", "kind": "allied"})) == [
        "Ivy Inspector"
    ]


def test_unknown_filter_values_are_ignored(anon_client, georgetown_agent, austin_lender):
    response = anon_client.get("/directory/", {"kind": "wizard", "area": "Atlantis"})

    assert names(response) == ["Brenda Lakeview", "Carlos Mendez"]


def test_area_choices_come_from_this_partnerships_listed_members(
    anon_client, georgetown_agent, austin_lender, partnership, other_partnership
):
    listed(partnership, service_areas=["Secret Valley"], is_listed=False)
    listed(other_partnership, service_areas=["Harbor Town"])

    choices = anon_client.get("/directory/").context["form"].fields["area"].choices

    assert [value for value, _ in choices] == ["", "Austin", "Georgetown", "Pflugerville"]


def test_pagination_shows_twelve_per_page_and_keeps_filters(anon_client, partnership):
    for n in range(30):
        listed(partnership, display_name=f"Agent {n:02d}", kind=Member.Kind.AGENT)
    listed(partnership, display_name="Lender Lou", kind=Member.Kind.LENDER)

    first = anon_client.get("/directory/", {"kind": "agent"})
    last = anon_client.get("/directory/", {"kind": "agent", "page": 3})

    assert len(names(first)) == 12
    assert names(first)[0] == "Agent 00"
    assert "Showing 1&ndash;12 of <strong>30</strong> members" in first.text
    assert 'href="?kind=agent&amp;page=2"' in first.text
    assert names(last) == [f"Agent {n}" for n in range(24, 30)]
    assert 'href="?kind=agent&amp;page=2" rel="prev"' in last.text


def test_card_shows_thumbnail_with_name_as_alt_or_initials(anon_client, partnership):
    listed(partnership, display_name="Pat Photo", photo_thumbnail="members/thumbs/pat.jpg")
    listed(partnership, display_name="Nora No Photo", job_title="Broker")
    listed(partnership, display_name="Sam Ortiz Jr.")

    response = anon_client.get("/directory/")

    assert 'src="/media/members/thumbs/pat.jpg" alt="Pat Photo"' in response.text
    assert 'aria-label="Pat Photo">' not in response.text
    assert 'aria-label="Nora No Photo">NP</span>' in response.text
    assert 'aria-label="Sam Ortiz Jr.">SO</span>' in response.text
    assert 'href="/directory/' in response.text


def test_profile_shows_the_photo_or_the_initials(anon_client, partnership):
    pictured = listed(
        partnership,
        display_name="Pat Photo",
        photo="members/photos/pat.jpg",
        photo_thumbnail="members/thumbs/pat.jpg",
    )
    unpictured = listed(partnership, display_name="Sam Ortiz Jr.")

    with_photo = anon_client.get(f"/directory/{pictured.slug}/").text
    without_photo = anon_client.get(f"/directory/{unpictured.slug}/").text

    assert '<img class="avatar avatar-160" src="/media/members/thumbs/pat.jpg" alt="Pat Photo"' in (
        with_photo
    )
    assert "avatar-initials" not in with_photo
    assert 'aria-label="Sam Ortiz Jr.">SO</span>' in without_photo
    assert '<img class="avatar' not in without_photo


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Alice Agent", "AA"),
        ("Cher", "C"),
        ("élodie martin", "ÉM"),
        ("Mary-Jane O'Neil", "MO"),
        ("Ana (Annie) Ruiz", "AR"),
        ("Sam Ortiz Jr.", "SO"),
        ("Robert Lang III", "RL"),
        ("  Zed   Zee ", "ZZ"),
        ("(Bob) Smith", "BS"),
        ("42", "4"),
    ],
)
def test_initials_stand_in_for_a_missing_photo(name, shown):
    assert initials(name) == shown


@pytest.mark.parametrize("count", [10, 1000])
def test_directory_query_count_does_not_grow_with_members(
    anon_client, partnership, count, django_assert_num_queries
):
    bulk_members(partnership, count, service_areas=lambda n: [f"Area {n % 5}"])

    # Partnership, area choices, count, page: the same four for 10 members or 1,000.
    with django_assert_num_queries(4):
        response = anon_client.get("/directory/", {"q": "member", "area": "Area 1"})

    assert response.context["page"].paginator.count == count // 5


@pytest.mark.parametrize("count", [10, 1000])
def test_directory_query_count_without_search_does_not_grow(
    anon_client, partnership, count, django_assert_num_queries
):
    bulk_members(partnership, count)

    # Partnership, area choices, count, page.
    with django_assert_num_queries(4):
        response = anon_client.get("/directory/", {"page": 2})

    assert len(names(response)) == min(count, 12)


def test_profile_shows_contact_details_and_intro_statement(anon_client, partnership):
    member = listed(
        partnership,
        display_name="Rita Realtor",
        job_title="Broker associate",
        specialization="luxury lakefront homes",
        bio="Twenty years on Lake Travis.",
        cell_phone="(512) 555-0147",
        office_phone="512.555.0100",
        street_address="100 Congress Ave",
        city="Austin",
        state="TX",
        postal_code="78701",
        mls_market="Austin Board of Realtors",
        license_number="TX-0654321",
        languages=["English", "Spanish"],
        company=CompanyFactory(partnership=partnership, name="Capitol Homes"),
    )

    response = anon_client.get(f"/directory/{member.slug}/")

    assert response.status_code == 200
    text = response.text
    assert '<h1 id="profile-name">Rita Realtor</h1>' in text
    assert "Broker associate" in text and "Capitol Homes" in text
    assert (
        "As a Pinnacle Partnerships partner member, I specialize in luxury lakefront homes." in text
    )
    assert "Thank you for exploring the Pinnacle Partnerships website." in text
    assert "Twenty years on Lake Travis." in text
    assert 'href="tel:5125550147"' in text and 'href="tel:5125550100"' in text
    assert f'href="mailto:{member.user.email}"' in text
    assert "100 Congress Ave, Austin, TX 78701" in text
    assert "Austin Board of Realtors" in text and "TX-0654321" in text
    assert "English, Spanish" in text


def test_profile_without_specialization_has_no_intro_statement(anon_client, partnership):
    member = listed(partnership, specialization="")

    response = anon_client.get(f"/directory/{member.slug}/")

    assert "I specialize in" not in response.text


@pytest.mark.parametrize(
    "fields", [{"is_listed": False}, {"is_active": False}], ids=["unlisted", "inactive"]
)
def test_hidden_members_profile_is_404(anon_client, partnership, fields):
    member = listed(partnership, **fields)

    assert anon_client.get(f"/directory/{member.slug}/").status_code == 404


def test_other_partnerships_member_profile_is_404_on_this_host(anon_client, other_member):
    assert anon_client.get(f"/directory/{other_member.slug}/").status_code == 404
    assert (
        client_for(other_member.partnership).get(f"/directory/{other_member.slug}/").status_code
        == 200
    )


def test_profile_query_count(anon_client, partnership, django_assert_num_queries):
    member = listed(partnership)

    with django_assert_num_queries(2):
        anon_client.get(f"/directory/{member.slug}/")


def test_home_features_at_most_six_listed_members(anon_client, partnership, other_member):
    for n in range(8):
        listed(partnership, display_name=f"Featured {n}")
    listed(partnership, display_name="Unlisted Ursula", is_listed=False)

    response = anon_client.get("/")

    assert len(response.context["featured"]) == 6
    assert "Unlisted Ursula" not in response.text
    assert "Oscar Other" not in response.text
    assert "8</strong> agents" in response.text
    assert 'href="/directory/"' in response.text


@pytest.mark.parametrize("count", [10, 1000])
def test_home_query_count_does_not_grow_with_members(
    anon_client, partnership, count, django_assert_num_queries
):
    bulk_members(partnership, count, prefix="Featured")

    # Partnership, featured members, the counts by kind.
    with django_assert_num_queries(3):
        response = anon_client.get("/")

    assert len(response.context["featured"]) == 6


def test_a_member_opening_the_site_lands_on_their_dashboard(member_client, anon_client):
    response = member_client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    dashboard = member_client.get("/dashboard/")
    assert 'href="/?public"' in dashboard.text
    public = member_client.get("/?public")
    assert public.status_code == 200
    assert public.templates[0].name == "home.html"
    assert anon_client.get("/").status_code == 200
