"""A transaction's team page renders at a cost that does not grow with the partnership: its
choices of a partner member (to add to the team, to name in an authorization) are written in
one pass, with the markup of Django's own select."""

import pytest
from django import forms
from django.test.signals import template_rendered

from pinnacle.forms import QuickSelect
from tests.conftest import client_for
from tests.members.factories import MemberFactory
from tests.transactions import transaction_helpers
from tests.transactions.transaction_helpers import open_for

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
