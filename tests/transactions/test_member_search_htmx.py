"""htmx on a transaction's team page: as a member types in a search for a partner member, htmx
asks the page's address for that search's matches (`HX-Target` names the element to replace),
and the page answers with that element alone, read at a fixed cost; without htmx the same
address is the whole page, and the search works without JavaScript."""

import pytest

from tests.conftest import client_for
from tests.members.factories import MemberFactory
from tests.transactions import transaction_helpers
from tests.transactions.test_page_rendering import (
    TEAM_PAGE_QUERIES,
    _bulk_members,
    _offered,
)
from tests.transactions.transaction_helpers import open_for
from transactions.selectors.members import CHOICES_SHOWN

pytestmark = pytest.mark.django_db

bob, lead = transaction_helpers.bob, transaction_helpers.lead


def htmx_get(client, url, target: str, **query):
    return client.get(url, query, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=target)


@pytest.mark.parametrize(
    ("search", "select_id"), [("member_q", "id_member"), ("grantee_q", "id_grantee_member")]
)
def test_htmx_gets_what_a_search_found_alone(partnership, member, bob, lead, search, select_id):
    transaction = open_for(lead, member, bob)
    _bulk_members(partnership, CHOICES_SHOWN + 1)
    MemberFactory(partnership=partnership, display_name="Carol Inspector")
    client = client_for(partnership, member)
    url = transaction.get_absolute_url()

    response = htmx_get(client, url, f"{search}_found", **{search: "inspector"})
    assert response.status_code == 200
    fragment = response.text.strip()
    # The element htmx replaces, and nothing around it.
    assert fragment.startswith(f'<div id="{search}_found">') and fragment.endswith("</div>")
    assert "<html" not in fragment and "<form" not in fragment
    assert f'id="{search}_status" role="status">1 member match' in fragment
    assert [label.split(" \u2014")[0] for label in _offered(fragment, select_id)] == [
        "Carol Inspector"
    ]
    assert {"HX-Request", "HX-Target"} <= {
        name.strip() for name in response.headers["Vary"].split(",")
    }

    # The same address without htmx (or aimed at no search of the page) is the whole page.
    for page in (client.get(url, {search: "inspector"}), htmx_get(client, url, "elsewhere")):
        assert "<html" in page.text and f'<div id="{search}_found">' in page.text


@pytest.mark.parametrize("count", [10, 1000])
def test_a_search_answer_costs_the_same_however_many_members_and_less_than_the_page(
    partnership, member, bob, lead, count, django_assert_num_queries
):
    transaction = open_for(lead, member, bob)
    _bulk_members(partnership, CHOICES_SHOWN + count)
    client = client_for(partnership, member)
    url = transaction.get_absolute_url()
    htmx_get(client, url, "member_q_found", member_q="bulk member")
    with django_assert_num_queries(8) as counted:
        fragment = htmx_get(client, url, "member_q_found", member_q="bulk member").text
    assert len(counted.captured_queries) < TEAM_PAGE_QUERIES
    assert len(_offered(fragment, "id_member")) == CHOICES_SHOWN
    assert f"More than {CHOICES_SHOWN} members match" in fragment


def test_only_the_team_gets_a_search_answer(partnership, member, bob, lead, leader):
    """Leadership reads the page but edits nothing: it offers no search, and htmx aimed at one
    gets the read-only page, never a choice of members."""
    transaction = open_for(lead, member, bob)
    _bulk_members(partnership, CHOICES_SHOWN + 1)
    page = htmx_get(
        client_for(partnership, leader), transaction.get_absolute_url(), "member_q_found"
    )
    assert page.status_code == 200
    assert "<html" in page.text and 'id="member_q_found"' not in page.text
