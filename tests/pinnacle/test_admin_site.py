"""The admin for leadership: the membership behind every permission check is looked up once."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from leads.models import Lead
from pinnacle.admin_site import is_partnership_leadership
from pinnacle.membership import request_membership
from tests.leads.factories import LeadFactory

pytestmark = pytest.mark.django_db


def bulk_leads(partnership, member, count: int) -> None:
    Lead.objects.bulk_create(
        LeadFactory.build_batch(count, partnership=partnership, referring_member=member)
    )


@pytest.mark.parametrize("count", [10, 1000])
def test_admin_index_query_count(
    leader_client, partnership, member, count, django_assert_num_queries
):
    bulk_leads(partnership, member, count)

    # Partnership, user, membership (once, for every model's permission checks), the user's and
    # their groups' Django permissions (asked for the apps that libraries register), recent
    # actions: the same six for 10 leads or 1,000.
    with django_assert_num_queries(6):
        response = leader_client.get("/admin/")

    assert response.status_code == 200
    assert "Leads" in response.text and "Members" in response.text


@pytest.mark.parametrize("count", [10, 1000])
def test_lead_changelist_query_count(
    leader_client, partnership, member, count, django_assert_num_queries
):
    bulk_leads(partnership, member, count)

    # Partnership, user, membership (once, for every permission check); the referring-member
    # filter's choices; the filtered and the total count; the user's and their groups' Django
    # permissions; the page's rows with their referring members.
    with django_assert_num_queries(9):
        response = leader_client.get("/admin/leads/lead/")

    assert response.status_code == 200
    assert response.context["cl"].result_count == count


def request_for(partnership, user):
    request = RequestFactory().get("/admin/")
    request.partnership, request.user = partnership, user
    return request


def test_the_membership_is_asked_for_once_per_request(
    partnership, leader, member, django_assert_num_queries
):
    request = request_for(partnership, leader.user)
    with django_assert_num_queries(1):
        assert request_membership(request) == leader
        assert request_membership(request) == leader
        assert is_partnership_leadership(request)
    # Someone else logged in during the request: their own membership, asked for once.
    request.user = member.user
    with django_assert_num_queries(1):
        assert not is_partnership_leadership(request)
        assert request_membership(request) == member


def test_no_membership_for_visitors_or_outsiders(
    partnership, other_member, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert request_membership(request_for(partnership, AnonymousUser())) is None
        assert not is_partnership_leadership(request_for(partnership, AnonymousUser()))
        assert request_membership(request_for(None, other_member.user)) is None
    assert request_membership(request_for(partnership, other_member.user)) is None
