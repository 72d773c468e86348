"""A transaction's team page renders at a cost that does not grow with the partnership: its
choices of a partner member (to add to the team, to name in an authorization) are read as values
and written in one pass, with the markup of Django's own select; a partnership with more members
than a choice lists offers a search instead, which works without JavaScript."""

import re

import pytest
from django import forms
from django.db import connection
from django.db.models.signals import post_init
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from bench.rows import rows_read
from members.models import Member, User
from pinnacle.forms import QuickSelect
from tests.conftest import client_for
from tests.members.factories import CompanyFactory, LeadershipFactory, MemberFactory
from tests.transactions import transaction_helpers
from tests.transactions.transaction_helpers import open_for
from transactions.models import TeamMember
from transactions.selectors.members import CHOICES_SHOWN, member_choices

pytestmark = pytest.mark.django_db

bob, lead = transaction_helpers.bob, transaction_helpers.lead


def _templates_rendered(client, path: str) -> list[str]:
    names: list[str] = []

    def rendered(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(rendered)
    try:
        response = client.get(path)
    finally:
        template_rendered.disconnect(rendered)
    assert response.status_code == 200
    return names


def test_the_team_page_renders_as_many_templates_however_many_members_it_offers(
    partnership, member, bob, lead
):
    transaction = open_for(lead, member, bob)
    client = client_for(partnership, member)
    MemberFactory.create_batch(3, partnership=partnership)
    few = _templates_rendered(client, transaction.get_absolute_url())
    MemberFactory.create_batch(40, partnership=partnership)
    many = _templates_rendered(client, transaction.get_absolute_url())
    assert len(many) == len(few)
    page = client.get(transaction.get_absolute_url()).text
    # Both choices offer every active member off the team.
    assert page.count("<option value=") >= 2 * 43


CHOICES = [("", "Choose a member"), (1, "Ann & Co \u2014 <Title>"), (2, "Bob"), (22, "Cy")]


class Stock(forms.Form):
    member = forms.ChoiceField(choices=CHOICES, required=False)


class Written(forms.Form):
    member = forms.ChoiceField(choices=CHOICES, required=False, widget=QuickSelect)


@pytest.mark.parametrize("data", [None, {"member": "2"}, {"member": ""}, {"member": "9"}])
def test_a_member_choice_has_the_markup_of_djangos_select(data):
    initial = {"member": 22}
    assert (
        Written(data, initial=initial)["member"].as_field_group()
        == Stock(data, initial=initial)["member"].as_field_group()
    )


def _bulk_members(partnership, count: int, *, prefix: str = "Bulk") -> list[Member]:
    users = User.objects.bulk_create(
        User(email=f"{prefix.lower()}{n}@p{partnership.pk}.example.com") for n in range(count)
    )
    return Member.objects.bulk_create(
        Member(
            partnership=partnership,
            user=user,
            display_name=f"{prefix} Member {n:04d}",
            slug=f"{prefix.lower()}-{n}",
        )
        for n, user in enumerate(users)
    )


def _offered(page: str, select_id: str) -> list[str]:
    """The labels a select of the page offers, its blank choice left out."""
    select = re.search(rf'<select [^>]*\bid="{select_id}".*?</select>', page, re.S)
    assert select, select_id
    return [
        label
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)<', select.group(0))
        if value
    ]


# The team page as a team member sees it, whatever the partnership's size.
TEAM_PAGE_QUERIES = 13


@pytest.mark.parametrize("count", [10, 1000])
def test_the_team_page_costs_the_same_however_many_members_the_partnership_has(
    partnership, member, bob, lead, count, django_assert_num_queries
):
    transaction = open_for(lead, member, bob)
    _bulk_members(partnership, count)
    client = client_for(partnership, member)
    client.get(transaction.get_absolute_url())
    built: list[Member] = []

    def counted(sender, instance, **kwargs):
        built.append(instance)

    post_init.connect(counted, sender=Member)
    try:
        with django_assert_num_queries(TEAM_PAGE_QUERIES):
            page = client.get(transaction.get_absolute_url()).text
    finally:
        post_init.disconnect(counted, sender=Member)
    # The viewer, the team and the transaction's people: no model instance per member offered.
    assert len(built) < 10
    offered = _offered(page, "id_member") + _offered(page, "id_grantee_member")
    if count <= CHOICES_SHOWN:
        assert len(offered) == 2 * count
        assert 'name="member_q"' not in page
    else:
        # Too many to list: each choice offers a search, and lists nothing until it is used.
        assert offered == []
        assert 'name="member_q"' in page and 'name="grantee_q"' in page
    assert len(page) < 60_000


def test_in_a_large_partnership_the_member_to_add_is_found_by_a_search_without_javascript(
    partnership, member, bob, lead
):
    transaction = open_for(lead, member, bob)
    _bulk_members(partnership, CHOICES_SHOWN + 1)
    carol = MemberFactory(
        partnership=partnership,
        display_name="Carol Inspector",
        company=CompanyFactory(partnership=partnership, name="Sharp Eyes Inspections"),
        user__email="carol@inspect.example.com",
    )
    client = client_for(partnership, member)
    url = transaction.get_absolute_url()

    page = client.get(url).text
    # The search is a GET form of its own, named by a label, that reloads this page.
    assert '<form id="find-team-member" method="get"' in page
    assert '<label for="id_member_q">Find a partner member to add</label>' in page
    assert 'form="find-team-member"' in page
    # By part of a name, a company or an email address.
    for words in ("inspector", "sharp eyes", "@inspect.example"):
        found = client.get(url, {"member_q": words}).text
        assert _offered(found, "id_member") == ["Carol Inspector \u2014 Sharp Eyes Inspections"]
        assert "1 member match" in found
    everyone = client.get(url, {"member_q": "bulk member"}).text
    assert len(_offered(everyone, "id_member")) == CHOICES_SHOWN
    assert f"More than {CHOICES_SHOWN} members match" in everyone

    response = client.post(
        f"/transactions/{transaction.pk}/team/", {"member": carol.pk, "role": "Inspector"}
    )
    assert response.status_code == 302
    assert TeamMember.objects.filter(transaction=transaction, member=carol).exists()


def test_a_search_offers_only_the_members_the_team_may_add_and_the_rules_still_refuse_others(
    partnership, member, bob, lead, other_member
):
    transaction = open_for(lead, member, bob)
    _bulk_members(partnership, CHOICES_SHOWN + 1)
    MemberFactory(partnership=partnership, display_name="Zed Active")
    MemberFactory(partnership=partnership, display_name="Zed Gone", is_active=False)
    zed_leader = LeadershipFactory(partnership=partnership, display_name="Zed Leader")
    other_member.display_name = "Zed Elsewhere"
    other_member.save(update_fields=["display_name"])
    client = client_for(partnership, member)
    url = transaction.get_absolute_url()

    def names(page, select_id):
        return [label.split(" \u2014")[0] for label in _offered(page, select_id)]

    assert names(client.get(url, {"member_q": "zed"}).text, "id_member") == ["Zed Active"]
    assert _offered(client.get(url, {"member_q": "bob"}).text, "id_member") == []
    # A customer's authorization may name leadership; never someone inactive or off-partnership.
    found = client.get(url, {"grantee_q": "zed"}).text
    assert names(found, "id_grantee_member") == ["Zed Active", "Zed Leader"]
    assert "<details open>" in found

    for outsider in (zed_leader, other_member, bob):
        response = client.post(
            f"/transactions/{transaction.pk}/team/", {"member": outsider.pk, "role": ""}
        )
        assert response.status_code == 400
        assert "Choose an active partner member who is not on the team." in response.text


def test_a_refused_choice_found_by_a_search_stays_chosen(partnership, member, bob, lead):
    transaction = open_for(lead, member, bob)
    _bulk_members(partnership, CHOICES_SHOWN + 1)
    carol = MemberFactory(partnership=partnership, display_name="Carol Inspector")
    client = client_for(partnership, member)
    response = client.post(
        f"/transactions/{transaction.pk}/team/", {"member": carol.pk, "role": "x" * 81}
    )
    assert response.status_code == 400
    assert f'<option value="{carol.pk}" selected>Carol Inspector' in response.text


def test_a_large_partnerships_member_choice_reads_no_more_members_than_it_could_list(
    partnership, member, bob
):
    _bulk_members(partnership, 1000)
    with CaptureQueriesContext(connection) as seen:
        choices = member_choices(partnership, exclude_ids=[member.pk, bob.pk])
    assert choices.for_team.searching and choices.for_team.choices == []
    (query,) = seen.captured_queries
    members_read = rows_read(query["sql"], Member._meta.db_table)
    # The first CHOICES_SHOWN + 1 found and their rows (with those the filters drop on the
    # way), not the partnership's 1,000 sorted.
    assert members_read <= 3 * (CHOICES_SHOWN + 1)
