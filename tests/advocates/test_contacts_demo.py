"""The demo circle's details: logged interactions, transaction history and ratings, once."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from advocates.demo.contacts import seed_contacts_details
from advocates.models import Contact, Interaction, ServiceRecord
from advocates.selectors.circle import allied_scorecard, exchange_of
from members.models import Member

# One worker runs the demo tests and seeds the demo once (`--dist loadgroup`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


def test_demo_details_are_seeded_once_and_show_on_the_scorecard(seeded_demo):
    agent = Member.objects.get(user__email="agent@pinnacle.localhost")
    logged = Interaction.objects.filter(touch__isnull=True)  # done touches log their own
    counts = (logged.count(), ServiceRecord.objects.count())
    assert counts == (9, 5)
    maya = Contact.objects.get(owner=agent, email="maya.thompson@example.com")
    assert maya.strength > 0
    scorecard = {
        row.email: exchange_of(row)
        for row in allied_scorecard(agent, today=agent.partnership.today())
    }
    greenleaf = scorecard["hello@greenleaf.example.com"]
    assert greenleaf.quality == Decimal("4.50") and greenleaf.weak_reasons

    call_command("seed_demo", stdout=io.StringIO())
    assert seed_contacts_details(agent) == 0
    assert (logged.count(), ServiceRecord.objects.count()) == counts
