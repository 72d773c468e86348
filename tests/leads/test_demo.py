import io

import pytest
from django.core.management import call_command

from leads.models import FormKind, Inquiry, Lead, Submission
from members.models import Member
from pinnacle.mail.models import OutboxMessage

# One worker runs the demo tests and seeds the demo once (`--dist loadgroup`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


def counts():
    return [m.objects.count() for m in (Lead, Submission, Inquiry, OutboxMessage)]


def test_seed_demo_adds_leads_and_inquiries_once(seeded_demo):
    agent = Member.objects.get(user__email="agent@pinnacle.localhost")
    # The advocate CRM's demo adds its own leads (advocate referrals the agent entered).
    leads = Lead.objects.exclude(submissions__form=FormKind.ADVOCATE_REFERRAL)
    assert leads.filter(partnership=agent.partnership).count() == 8
    assert leads.filter(referring_member=agent).count() == 2
    assert Lead.objects.filter(partnership__slug="harbor").count() == 1
    open_inquiries = Inquiry.objects.filter(member=agent, responded_at__isnull=True)
    assert open_inquiries.count() == 2
    # Nine first visits and Grace Liu's return, naming the lender this time.
    assert OutboxMessage.objects.filter(template="leads/welcome").count() == 10
    grace = Lead.objects.get(email="grace.liu@example.net")
    assert grace.referring_member == agent and grace.submissions.count() == 2
    assert Inquiry.objects.filter(lead=grace, member__user__email="lender@pinnacle.localhost")
    # Liam O'Connor used the online form naming nobody: his message waits for leadership.
    assert Inquiry.objects.get(lead__email="liam.oconnor@example.net").member is None
    before = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == before
