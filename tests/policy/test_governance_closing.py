"""Policy governance: closing a vote by the majority rule stamped when it opened, adopting an
approved revision as the next version, and emailing the outcome."""

import datetime

import pytest

from members.models import Member
from pinnacle.models import AuditEvent, Partnership
from policy import document
from policy.models import PolicyRevision, PolicyVersion
from policy.services.participation import PolicyRefused
from policy.services.revisions import (
    cast_vote,
    close_due_votes,
    close_voting,
    open_voting,
    propose_revision,
)
from policy.services.versions import current_policy
from tests.members.factories import PolicySuggestionFactory
from tests.policy.governance_helpers import START, emails, vote_and_close, voting

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]


# --- Closing: the majority rules ------------------------------------------------------------------


def test_three_yes_one_no_of_seven_fails_a_majority_of_the_membership(
    clock, partnership, voters, leader
):
    revision = vote_and_close(clock, voting(leader), voters, yes=3, no=1)
    assert revision.status == "rejected" and revision.majority_of == "membership"
    assert (revision.yes_count, revision.no_count, revision.eligible_count) == (3, 1, 7)
    assert revision.decided_at == START + datetime.timedelta(days=7)
    partnership.refresh_from_db()
    assert partnership.cold_attempts_per_week == 2
    assert current_policy(partnership).number == 1


def test_three_yes_one_no_of_seven_passes_a_majority_of_votes_cast(
    clock, partnership, voters, leader
):
    partnership.policy_majority_of = Partnership.MajorityOf.VOTES_CAST
    partnership.save()
    revision = vote_and_close(clock, voting(leader), voters, yes=3, no=1)
    assert revision.status == "approved" and revision.majority_of == "votes_cast"


def test_four_of_seven_is_a_majority_of_the_membership(clock, voters, leader):
    assert vote_and_close(clock, voting(leader), voters, yes=4, no=0).status == "approved"


def test_no_votes_at_all_pass_nothing_even_by_votes_cast(clock, partnership, voters, leader):
    partnership.policy_majority_of = Partnership.MajorityOf.VOTES_CAST
    partnership.save()
    assert vote_and_close(clock, voting(leader), voters, yes=0, no=0).status == "rejected"


def test_a_tie_of_votes_cast_is_not_a_majority(clock, partnership, voters, leader):
    partnership.policy_majority_of = Partnership.MajorityOf.VOTES_CAST
    partnership.save()
    assert vote_and_close(clock, voting(leader), voters, yes=2, no=2).status == "rejected"


def test_one_yes_and_no_vote_against_passes_by_votes_cast(clock, partnership, voters, leader):
    partnership.policy_majority_of = Partnership.MajorityOf.VOTES_CAST
    partnership.save()
    revision = vote_and_close(clock, voting(leader), voters, yes=1, no=0)
    assert (revision.status, revision.yes_count, revision.no_count) == ("approved", 1, 0)
    assert current_policy(partnership).number == 2


def test_one_yes_of_seven_fails_a_majority_of_the_membership(clock, partnership, voters, leader):
    revision = vote_and_close(clock, voting(leader), voters, yes=1, no=0)
    assert (revision.status, revision.eligible_count) == ("rejected", 7)
    assert current_policy(partnership).number == 1


@pytest.mark.parametrize(
    ("at_opening", "meanwhile", "outcome"),
    [("membership", "votes_cast", "rejected"), ("votes_cast", "membership", "approved")],
)
def test_the_majority_rule_stamped_when_voting_opened_decides_the_close(
    clock, partnership, voters, leader, at_opening, meanwhile, outcome
):
    partnership.policy_majority_of = at_opening
    partnership.save()
    revision = voting(leader)
    assert revision.majority_of == at_opening
    # The partnership's rule changes while the vote runs (say, by hand in the database).
    Partnership.objects.filter(pk=partnership.pk).update(policy_majority_of=meanwhile)
    revision = vote_and_close(clock, revision, voters, yes=3, no=1)
    assert (revision.status, revision.majority_of) == (outcome, at_opening)


def test_closing_a_closed_vote_is_refused_and_adopts_nothing_again(
    clock, partnership, voters, leader
):
    revision = vote_and_close(clock, voting(leader), voters, yes=4, no=0)
    assert revision.status == "approved" and current_policy(partnership).number == 2
    decided = (revision.yes_count, revision.eligible_count, revision.decided_at)
    # A yes voter leaves: a second count would come out differently.
    Member.objects.filter(pk=voters[0].pk).update(is_active=False)
    clock.shift(datetime.timedelta(hours=1))

    with pytest.raises(PolicyRefused, match="not being voted on"):
        close_voting(revision=revision)
    assert close_due_votes() == 0

    revision.refresh_from_db()
    assert (revision.yes_count, revision.eligible_count, revision.decided_at) == decided
    assert PolicyVersion.objects.for_partnership(partnership).count() == 2
    assert AuditEvent.objects.filter(action="policy.version_adopted").count() == 1
    assert len(emails("members/policy_result")) == 7


def test_members_who_left_before_the_close_are_not_counted(clock, partnership, voters, leader):
    revision = voting(leader)
    for voter in voters[:4]:
        cast_vote(revision=revision, member=voter, choice="yes")
    Member.objects.filter(pk=voters[3].pk).update(is_active=False)
    revision = vote_and_close(clock, revision, voters, yes=0, no=0)
    # 3 of the 6 still active is not more than half.
    assert (revision.yes_count, revision.eligible_count, revision.status) == (3, 6, "rejected")


def test_an_approved_revision_becomes_version_two_and_its_numbers_take_effect(
    clock, partnership, voters, leader, member
):
    suggestion = PolicySuggestionFactory(partnership=partnership, author=member)
    revision = propose_revision(
        actor=leader,
        title="Three attempts",
        rationale="",
        text=current_policy(partnership).text.replace("Zero Friction", "Zero-Friction"),
        settings={"cold_attempts_per_week": 3, "policy_majority_of": "votes_cast"},
        suggestions=[suggestion],
    )
    revision = open_voting(revision=revision, actor=leader)
    vote_and_close(clock, revision, voters, yes=5, no=2)

    partnership.refresh_from_db()
    assert partnership.cold_attempts_per_week == 3
    assert partnership.policy_majority_of == "votes_cast"
    version = current_policy(partnership)
    assert (version.number, version.revision) == (2, revision)
    assert version.settings["cold_attempts_per_week"] == 3
    assert "Zero-Friction" in version.text
    assert "attempts to 3 times per week" in document.render_text(
        version.text, version.settings, partnership
    )
    suggestion.refresh_from_db()
    assert suggestion.status == "adopted"
    assert AuditEvent.objects.filter(action="policy.version_adopted").exists()
    results = emails("members/policy_result")
    assert len(results) == 7
    assert results[0].subject == "Policy revision approved: Three attempts"
    assert "now version 2 of the policy" in results[0].body_text


def test_a_rejected_revision_is_emailed_too(clock, voters, leader):
    vote_and_close(clock, voting(leader), voters, yes=1, no=5)
    results = emails("members/policy_result")
    assert len(results) == 7
    assert results[0].subject == "Policy revision not approved: Three attempts a week"


def test_closing_before_the_window_ends_is_refused(clock, leader):
    revision = voting(leader)
    with pytest.raises(PolicyRefused, match="Voting is open until"):
        close_voting(revision=revision)
    assert PolicyRevision.objects.get().status == "voting"
