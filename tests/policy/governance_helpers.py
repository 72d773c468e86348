"""Helpers shared by the policy governance tests (test_governance_*.py): the frozen week, drafting a
revision, opening its vote, voting and closing it, and the emails sent."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from pinnacle.mail.models import OutboxMessage
from policy.models import PolicyRevision
from policy.services.revisions import cast_vote, close_due_votes, open_voting, propose_revision
from policy.services.versions import current_policy

# A week with no daylight-saving change, so "7 days" is the same on the wall and the clock.
START = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=ZoneInfo("America/New_York"))


def draft(leader, **settings) -> PolicyRevision:
    return propose_revision(
        actor=leader,
        title="Three attempts a week",
        rationale="Relocation buyers answer slowly.",
        text=current_policy(leader.partnership).text,
        settings={"cold_attempts_per_week": 3, **settings},
    )


def voting(leader, *, days=7, **settings) -> PolicyRevision:
    revision = draft(leader, **settings)
    return open_voting(
        revision=revision, actor=leader, closes_at=timezone.now() + datetime.timedelta(days=days)
    )


def emails(template):
    return list(OutboxMessage.objects.filter(template=template).order_by("to_email"))


def vote_and_close(clock, revision, voters, yes, no):
    for voter in voters[:yes]:
        cast_vote(revision=revision, member=voter, choice="yes")
    for voter in voters[yes : yes + no]:
        cast_vote(revision=revision, member=voter, choice="no")
    clock.move_to(revision.voting_closes_at, tick=False)
    assert close_due_votes() == 1
    revision.refresh_from_db()
    return revision
