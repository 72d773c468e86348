"""The public pages come from the cache for visitors who bring nothing of their own: per
partnership, fresh right after a change made through a service, never another tenant's or a
member's page, and still served when Redis is down."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.test import Client

from members import services
from members.models import Member
from members.search import refresh_search_document
from pinnacle import public_pages
from pinnacle.public_pages import PUBLIC_PAGES
from tests.conftest import client_for
from tests.members.factories import (
    CompanyFactory,
    InvitationFactory,
    MemberFactory,
    UserFactory,
    bulk_members,
)

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def listed(partnership, **fields) -> Member:
    member = MemberFactory(partnership=partnership, **fields)
    refresh_search_document([member.pk])
    return member


def rename_behind_the_services(member: Member, name: str) -> None:
    """A write no service knows of: the cached pages keep the old name until they expire."""
    Member.objects.filter(pk=member.pk).update(display_name=name)


@pytest.fixture
def rita(partnership):
    return listed(partnership, display_name="Rita Realtor", specialization="lakefront homes")


@pytest.mark.parametrize("address", ["/directory/", "/directory/rita/", "/join/"])
def test_a_public_page_is_served_from_the_cache_until_a_profile_changes(anon_client, rita, address):
    rita.slug = "rita"
    rita.save(update_fields=["slug"])
    assert "Rita Realtor" in anon_client.get(address).text

    rename_behind_the_services(rita, "Rita Renamed")
    assert "Rita Realtor" in anon_client.get(address).text  # the cached page

    rita.refresh_from_db()
    services.update_profile(
        member=rita, fields={"display_name": "Rita Lakeside"}, image_changes={}, actor=rita.user
    )

    text = anon_client.get(address).text
    assert "Rita Lakeside" in text
    assert "Rita Realtor" not in text


def test_a_member_who_joins_appears_on_the_cached_directory_and_join_form_at_once(
    anon_client, partnership, rita
):
    anon_client.get("/directory/")
    anon_client.get("/join/")
    invitation = InvitationFactory(partnership=partnership, display_name="Nina New")

    services.accept_invitation(invitation=invitation, user=UserFactory(email=invitation.email))

    assert "Nina New" in anon_client.get("/directory/").text
    assert "Nina New" in anon_client.get("/join/").text


def test_a_member_leadership_takes_out_of_the_directory_leaves_the_cached_pages(
    anon_client, leader, rita
):
    assert "Rita Realtor" in anon_client.get("/directory/").text
    Member.objects.filter(pk=rita.pk).update(is_listed=False)

    services.member_changed_by_leadership(
        member=rita, actor=leader.user, changed_fields=["is_listed"]
    )

    assert "Rita Realtor" not in anon_client.get("/directory/").text
    assert "Rita Realtor" not in anon_client.get("/join/").text
    assert anon_client.get(f"/directory/{rita.slug}/").status_code == 404


def test_two_partnerships_never_see_each_others_cached_pages(partnership, other_partnership, rita):
    listed(other_partnership, display_name="Oscar Other", slug=rita.slug)
    ours, theirs = client_for(partnership), client_for(other_partnership)

    for address in ("/directory/", f"/directory/{rita.slug}/", "/join/"):
        for _ in range(2):  # the second visit of each reads the cache
            mine, other = ours.get(address).text, theirs.get(address).text
            assert "Rita Realtor" in mine and "Oscar Other" not in mine
            assert "Oscar Other" in other and "Rita Realtor" not in other


def test_a_change_in_one_partnership_leaves_the_others_cache_alone(
    partnership, other_partnership, rita
):
    oscar = listed(other_partnership, display_name="Oscar Other")
    theirs = client_for(other_partnership)
    theirs.get("/directory/")
    rename_behind_the_services(oscar, "Oscar Renamed")

    services.update_profile(
        member=rita, fields={"job_title": "Broker"}, image_changes={}, actor=rita.user
    )

    assert "Oscar Other" in theirs.get("/directory/").text


def test_a_process_serves_its_own_copy_without_reading_the_page_again(
    anon_client, rita, monkeypatch
):
    """After the first answer, this process's copy is served: only the version is read from
    Redis, nothing is decompressed, and the visitor's token is joined in."""
    first = anon_client.get("/join/").text
    decompressed = []
    decompress = public_pages.zlib.decompress
    monkeypatch.setattr(
        public_pages.zlib, "decompress", lambda data: decompressed.append(1) or decompress(data)
    )
    read = []
    get_many = public_pages.cache.get_many
    monkeypatch.setattr(
        public_pages.cache, "get_many", lambda keys: read.append(list(keys)) or get_many(keys)
    )

    again = Client(HTTP_HOST=rita.partnership.host).get("/join/").text

    assert decompressed == [] and read == [[PUBLIC_PAGES.version_key(rita.partnership_id)]]
    assert CSRF_INPUT.sub("", again) == CSRF_INPUT.sub("", first)
    assert CSRF_INPUT.search(again).group(1) != CSRF_INPUT.search(first).group(1)


def test_a_process_copy_lives_no_longer_than_the_page_in_redis(anon_client, rita, monkeypatch):
    assert "Rita Realtor" in anon_client.get("/directory/").text
    rename_behind_the_services(rita, "Rita Renamed")
    assert "Rita Realtor" in anon_client.get("/directory/").text

    later = time.time() + public_pages.PAGE_SECONDS + 1
    monkeypatch.setattr(public_pages.time, "time", lambda: later)
    # Redis's copy has expired by then; the partnership's version has not changed.
    version_key = PUBLIC_PAGES.version_key(rita.partnership_id)
    version = public_pages.cache.get(version_key)
    public_pages.cache.clear()
    public_pages.cache.set(version_key, version, None)

    assert "Rita Renamed" in anon_client.get("/directory/").text


def test_every_visitor_of_the_cached_join_form_gets_a_token_of_their_own_that_works(
    partnership, rita
):
    first, second = (Client(HTTP_HOST=partnership.host, enforce_csrf_checks=True) for _ in range(2))
    first.get("/join/")  # fills the cache

    page = second.get("/join/")
    token = CSRF_INPUT.search(page.text).group(1)
    posted = second.post(
        "/join/",
        {
            "csrfmiddlewaretoken": token,
            "name": "Pat Prospect",
            "email": "pat@example.com",
            "need": "buy",
            "timeframe": "3m",
            "referrer": rita.slug,
            "consent": "on",
        },
    )

    assert "__pinnacle_csrf_token__" not in page.text
    assert token != CSRF_INPUT.search(first.get("/join/").text).group(1)
    assert posted.status_code == 302


def test_a_logged_in_members_pages_are_never_cached_nor_served_from_the_cache(
    anon_client, member_client, rita
):
    anon_client.get("/directory/")

    as_member = member_client.get("/directory/").text
    as_visitor = anon_client.get("/directory/").text

    assert "Log out" in as_member
    assert "Log out" not in as_visitor and "Member login" in as_visitor


@pytest.mark.parametrize("address", ["/directory/", "/directory/rita/", "/join/"])
def test_the_public_pages_answer_with_redis_down(anon_client, rita, redis_down, caplog, address):
    rita.slug = "rita"
    rita.save(update_fields=["slug"])

    response = anon_client.get(address)

    assert response.status_code == 200
    assert "Rita Realtor" in response.text
    assert "Page cache unavailable" in caplog.text


def test_a_profile_change_with_redis_down_still_saves(rita, redis_down):
    services.update_profile(
        member=rita, fields={"job_title": "Broker"}, image_changes={}, actor=rita.user
    )

    rita.refresh_from_db()
    assert rita.job_title == "Broker"


@pytest.mark.parametrize("count", [10, 1000])
def test_a_cached_directory_page_costs_one_query_whatever_the_size(
    anon_client, partnership, count, django_assert_num_queries
):
    bulk_members(partnership, count, service_areas=lambda n: [f"Area {n % 5}"])
    anon_client.get("/directory/", {"area": "Area 1"})

    # The partnership, from the host.
    with django_assert_num_queries(1):
        response = anon_client.get("/directory/", {"area": "Area 1"})

    assert f"<strong>{count // 5}</strong> members" in response.text


def test_a_free_text_search_is_never_kept(anon_client, partnership, django_assert_num_queries):
    bulk_members(partnership, 3)
    anon_client.get("/directory/", {"q": "member"})
    # Partnership, count, page, service areas (remembered), and no copy of the page kept.
    with django_assert_num_queries(3):
        assert anon_client.get("/directory/", {"q": "member"}).status_code == 200


@pytest.mark.parametrize("count", [10, 1000])
def test_a_members_directory_is_rendered_with_the_same_queries_whatever_the_size(
    member_client, partnership, count, django_assert_num_queries
):
    bulk_members(partnership, count, service_areas=lambda n: [f"Area {n % 5}"])
    member_client.get("/directory/")  # the service areas are remembered from here on

    # Partnership, user, membership, count, page: never the cached page, nor a scan of areas.
    with django_assert_num_queries(5):
        response = member_client.get("/directory/", {"q": "member", "area": "Area 1"})

    assert "Log out" in response.text
    assert response.context["page"].paginator.count == count // 5


def test_a_new_service_area_is_offered_right_after_the_profile_names_it(member_client, rita):
    member_client.get("/directory/")

    services.update_profile(
        member=rita, fields={"service_areas": ["New Town"]}, image_changes={}, actor=rita.user
    )

    choices = member_client.get("/directory/").context["form"].fields["area"].choices
    assert ("New Town", "New Town") in choices


def admin_form_data(response) -> dict:
    """What an admin change form would post back as it is (files left out)."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name in ("seal", "logo") or value is None:
            value = ""
        if value is not False:
            data[name] = value
    return data


def test_leadership_renaming_the_partnership_or_a_company_refreshes_the_cached_pages(
    anon_client, leader, partnership, rita
):
    company = CompanyFactory(partnership=partnership, name="Lakeside Homes")
    Member.objects.filter(pk=rita.pk).update(company=company)
    services.member_changed_by_leadership(member=rita, actor=leader.user, changed_fields=[])
    assert "Lakeside Homes" in anon_client.get("/directory/").text
    admin = client_for(partnership, leader)

    for url, field, value in [
        (f"/admin/members/company/{company.pk}/change/", "name", "Hilltop Homes"),
        (f"/admin/pinnacle/partnership/{partnership.pk}/change/", "name", "Summit Partners"),
    ]:
        data = {**admin_form_data(admin.get(url)), field: value}
        assert admin.post(url, data).status_code == 302

        assert value in anon_client.get("/directory/").text


def test_a_member_who_makes_another_address_primary_shows_it_on_the_cached_profile(
    anon_client, rita
):
    profile = f"/directory/{rita.slug}/"
    EmailAddress.objects.create(user=rita.user, email=rita.user.email, primary=True, verified=True)
    EmailAddress.objects.create(user=rita.user, email="rita@lakeside.example.com", verified=True)
    assert rita.user.email in anon_client.get(profile).text

    settings_page = client_for(rita.partnership, rita).post(
        "/accounts/email/", {"action_primary": "", "email": "rita@lakeside.example.com"}
    )

    assert settings_page.status_code == 302
    assert "rita@lakeside.example.com" in anon_client.get(profile).text


def rendered(response) -> bool:
    """The view rendered this answer's templates (a cached page renders none)."""
    return bool(response.templates)


def test_a_referral_link_is_cached_and_a_campaign_link_is_rendered_each_time(partnership, rita):
    """Each visit is a first one: following either link starts a session (the campaign
    middleware remembers it), after which that visitor's pages are rendered for them."""
    referral, campaign = f"/join/?ref={rita.slug}", "/join/?utm_source=newsletter"
    assert rendered(client_for(partnership).get(referral))
    assert rendered(client_for(partnership).get(campaign))

    again = client_for(partnership).get(referral)
    campaign_page = client_for(partnership).get(campaign)

    assert not rendered(again) and "You were referred by <strong>Rita Realtor" in again.text
    assert rendered(campaign_page)
    assert 'name="utm_source" value="newsletter"' in campaign_page.text


def test_companies_leadership_deletes_as_a_selection_leave_the_cached_pages(
    anon_client, leader, partnership, rita
):
    company = CompanyFactory(partnership=partnership, name="Lakeside Homes")
    Member.objects.filter(pk=rita.pk).update(company=company)
    services.member_changed_by_leadership(member=rita, actor=leader.user, changed_fields=[])
    assert "Lakeside Homes" in anon_client.get("/directory/").text

    admin = client_for(partnership, leader)
    response = admin.post(
        "/admin/members/company/",
        {"action": "delete_selected", "_selected_action": [company.pk], "post": "yes"},
    )
    assert response.status_code == 302

    assert "Lakeside Homes" not in anon_client.get("/directory/").text


def test_a_member_a_superuser_moves_to_another_partnership_leaves_the_first_ones_pages(
    anon_client, partnership, other_partnership, rita
):
    assert "Rita Realtor" in anon_client.get("/directory/").text
    root = UserFactory(email="root@example.com", is_superuser=True, is_staff=True)
    admin = Client(HTTP_HOST=partnership.host)
    admin.force_login(root, backend="members.auth.PartnershipMemberBackend")
    url = f"/admin/members/member/{rita.pk}/change/"
    data = {
        **admin_form_data(admin.get(url)),
        "partnership": other_partnership.pk,
        "company": "",
        "service_areas": "",
        "languages": "",
    }

    assert admin.post(url, data).status_code == 302

    assert Member.objects.get(pk=rita.pk).partnership == other_partnership
    assert "Rita Realtor" not in anon_client.get("/directory/").text
    there = Client(HTTP_HOST=other_partnership.host).get("/directory/").text
    assert "Rita Realtor" in there


def test_a_page_showing_a_token_outside_the_forms_input_is_never_kept_for_others(partnership, rf):
    """The placeholder replaces the hidden input's token; a token shown anywhere else would give
    the first visitor's CSRF secret to every later one, so such a page is rendered each time."""

    def visit():
        request = rf.get("/anywhere/", HTTP_HOST=partnership.host)
        request.user = AnonymousUser()
        page = HttpResponse(
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
            f'<div data-token="{get_token(request)}"></div>'
        )
        response = public_pages._cached(request, partnership, lambda: page)
        shown = re.search(r'data-token="([^"]+)"', response.content.decode()).group(1)
        return request, shown

    visit()
    request, shown = visit()

    assert _unmask_cipher_token(shown) == request.META["CSRF_COOKIE"]
