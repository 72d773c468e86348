import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import Partnership
from policy.models import BreachReport, PolicyRevision, PolicySuggestion, PolicyVote
from tests.conftest import client_for

# One worker runs the demo tests and seeds the demo once (`--dist loadgroup`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

MODELS = (PolicySuggestion, BreachReport, PolicyRevision, PolicyVote, OutboxMessage)
DEMO_LOGINS = ("leader@pinnacle.localhost", "agent@pinnacle.localhost", "lender@pinnacle.localhost")


def counts():
    return [model.objects.count() for model in MODELS]


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_puts_a_members_suggestion_to_the_vote_once(seeded_demo):
    first = seeded_demo
    assert "Demo policy governance created: a critique, a suggestion, an anonymous breach " in first
    pinnacle = Partnership.objects.get(slug="pinnacle")
    assert pinnacle.thank_you_letter_days == 7  # a proposal, not yet the policy

    suggestions = PolicySuggestion.objects.filter(partnership=pinnacle)
    assert sorted(suggestions.values_list("kind", "author__slug")) == [
        ("critique", "caleb-whitaker"),
        ("suggestion", "avery-brooks"),
    ]
    report = BreachReport.objects.get(partnership=pinnacle)
    assert report.reporter is None and report.status == "open"
    assert report.occurred_on == pinnacle.today() - datetime.timedelta(days=5)

    revision = PolicyRevision.objects.get(partnership=pinnacle)
    assert revision.settings["thank_you_letter_days"] == 10
    # The policy never gave the letter a day limit: the revision writes it in.
    assert "thank you letter to the customer within {thank_you_letter_days} days" in revision.text
    assert revision.settings["inquiry_reply_hours"] == pinnacle.inquiry_reply_hours
    assert revision.proposed_by.user.email == "leader@pinnacle.localhost"
    assert list(revision.suggestions.values_list("author__slug", flat=True)) == ["avery-brooks"]
    now = timezone.now()
    assert revision.accepts_votes(now)
    assert revision.voting_closes_at - revision.voting_opens_at == datetime.timedelta(days=7)
    votes = dict(revision.votes.values_list("member__slug", "choice"))
    assert votes == {"elena-vasquez": "yes", "robert-haines": "no"}
    # Every active member was asked to vote; the demo logins have not voted yet.
    active = Member.objects.filter(partnership=pinnacle, is_active=True).count()
    assert OutboxMessage.objects.filter(template="members/policy_vote_open").count() == active
    assert not revision.votes.filter(member__user__email__in=DEMO_LOGINS).exists()
    agent = Member.objects.get(user__email="agent@pinnacle.localhost")
    dashboard = client_for(pinnacle, agent).get("/dashboard/").text
    assert "Thank-you letter within 10 days of the close" in dashboard

    before = counts()
    second = seed()
    assert counts() == before
    assert "Demo policy governance" not in second


def test_a_vote_opened_by_leadership_meanwhile_skips_the_demo_revision(seeded_demo):
    from policy.services import versions

    pinnacle = Partnership.objects.get(slug="pinnacle")
    demo_revision = PolicyRevision.objects.get(partnership=pinnacle)
    PolicyRevision.objects.filter(pk=demo_revision.pk).update(title="Renamed by leadership")
    before = PolicyRevision.objects.count()

    out = seed()

    assert "Demo policy governance skipped: a revision open for voting" in out
    assert "one revision is voted on at a time" in out
    assert PolicyRevision.objects.count() == before
    assert versions.current_policy(pinnacle).number == 1
