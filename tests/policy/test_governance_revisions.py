"""Policy governance: leadership proposing a revision, opening its vote, and members voting within
the window."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from policy import document
from policy.models import PolicyRevision, PolicyVote
from policy.services.participation import PolicyRefused
from policy.services.revisions import cast_vote, close_due_votes, open_voting, propose_revision
from policy.services.versions import current_policy
from tests.members.factories import LeadershipFactory, MemberFactory, PolicySuggestionFactory
from tests.pinnacle.factories import PartnershipFactory
from tests.policy.governance_helpers import START, draft, emails, voting

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]


# --- Proposing a revision ------------------------------------------------------------------------


def test_leadership_drafts_a_revision_from_members_suggestions(partnership, member, leader):
    suggestion = PolicySuggestionFactory(partnership=partnership, author=member)
    revision = propose_revision(
        actor=leader,
        title="Three attempts",
        rationale="",
        text=current_policy(partnership).text,
        settings={"cold_attempts_per_week": 3},
        suggestions=[suggestion],
    )
    assert revision.status == "draft" and revision.base_version == current_policy(partnership)
    assert revision.settings == {
        **document.partnership_settings(partnership),
        "cold_attempts_per_week": 3,
    }
    suggestion.refresh_from_db()
    assert suggestion.revision == revision and suggestion.status == "open"
    # A draft changes nothing yet.
    partnership.refresh_from_db()
    assert partnership.cold_attempts_per_week == 2


def test_a_member_cannot_propose_a_revision(member):
    with pytest.raises(PolicyRefused, match="administrative leadership"):
        draft(member)
    assert not PolicyRevision.objects.exists()


@pytest.mark.parametrize(
    ("proposed", "field"),
    [
        ({"cold_attempts_per_week": 0}, "cold_attempts_per_week"),
        ({"cease_window_days": -3}, "cease_window_days"),
        ({"inquiry_reply_hours": "soon"}, "inquiry_reply_hours"),
        ({"inquiry_reply_hours": 40000}, "inquiry_reply_hours"),
        ({"policy_majority_of": "loudest"}, "policy_majority_of"),
        ({"intro_statement": "Hi from {company}"}, "intro_statement"),
        ({"comarketing_second_reminder_days": 2}, "comarketing_second_reminder_days"),
    ],
)
def test_proposed_numbers_are_checked_like_the_partnerships_own(leader, proposed, field):
    with pytest.raises(PolicyRefused) as refused:
        draft(leader, **proposed)
    assert field in refused.value.errors()
    assert not PolicyRevision.objects.exists()


def test_every_wrong_number_is_refused_at_once_under_its_own_field(leader):
    with pytest.raises(PolicyRefused) as refused:
        draft(leader, cold_attempts_per_week=0, policy_majority_of="loudest")
    assert refused.value.errors() == {
        "cold_attempts_per_week": [f"Enter a whole number from 1 to {document.MAX_NUMBER}."],
        "policy_majority_of": ["Choose all active members or votes cast."],
    }
    # A plain refusal: model and form validation never take it for their own error.
    assert not isinstance(refused.value, ValidationError)


def test_only_policy_settings_may_be_proposed(leader):
    with pytest.raises(PolicyRefused, match="Not a policy setting: timezone"):
        draft(leader, timezone="UTC")


@pytest.mark.parametrize("text", ["Attempts: {attempts}", "Unclosed { brace", "{partnership!r}"])
def test_the_text_uses_only_the_known_placeholders(leader, text):
    with pytest.raises(PolicyRefused) as refused:
        propose_revision(actor=leader, title="T", rationale="", text=text, settings={})
    assert "text" in refused.value.errors()


def test_a_revision_must_change_something(leader, partnership):
    with pytest.raises(PolicyRefused, match="changes neither"):
        propose_revision(
            actor=leader,
            title="Same",
            rationale="",
            text=current_policy(partnership).text,
            settings={"cold_attempts_per_week": 2},
        )


# --- Opening the vote -----------------------------------------------------------------------------


def test_opening_the_vote_emails_every_active_member_a_link(
    clock, partnership, leader, member, other_member
):
    former = MemberFactory(partnership=partnership, is_active=False)
    revision = open_voting(revision=draft(leader), actor=leader)
    assert revision.status == "voting"
    assert revision.voting_opens_at == START
    assert revision.voting_closes_at == START + datetime.timedelta(days=7)
    assert revision.majority_of == "membership"
    sent = emails("members/policy_vote_open")
    assert sorted(m.to_email for m in sent) == sorted([leader.email, member.email])
    assert former.email not in [m.to_email for m in sent]
    assert f"http://localhost/policy/revisions/{revision.pk}/" in sent[0].body_text
    assert "Tuesday, April 8, 2025, 9:00 AM" in sent[0].body_text


@pytest.mark.parametrize(
    ("length", "message"),
    [
        (datetime.timedelta(hours=23), "at least a day"),
        (datetime.timedelta(days=60, minutes=1), "at most 60 days"),
    ],
)
def test_the_voting_window_is_one_to_sixty_days(clock, leader, length, message):
    revision = draft(leader)
    with pytest.raises(PolicyRefused, match=message):
        open_voting(revision=revision, actor=leader, closes_at=START + length)
    revision.refresh_from_db()
    assert revision.status == "draft" and not emails("members/policy_vote_open")


def test_only_leadership_opens_a_vote_and_only_once(clock, leader, member):
    revision = draft(leader)
    with pytest.raises(PolicyRefused, match="administrative leadership"):
        open_voting(revision=revision, actor=member)
    open_voting(revision=revision, actor=leader)
    with pytest.raises(PolicyRefused, match="already opened"):
        open_voting(revision=revision, actor=leader)


def test_one_revision_is_voted_on_at_a_time(clock, leader):
    voting(leader)
    second = draft(leader, cease_after_attempts=6)
    with pytest.raises(PolicyRefused, match="one revision is voted on at a time"):
        open_voting(revision=second, actor=leader)


def test_a_draft_of_an_older_version_cannot_be_put_to_the_vote(clock, voters, leader):
    stale = draft(leader, cease_after_attempts=6)
    revision = voting(leader)
    for voter in voters[:4]:
        cast_vote(revision=revision, member=voter, choice="yes")
    clock.move_to(START + datetime.timedelta(days=8), tick=False)
    close_due_votes()
    with pytest.raises(PolicyRefused, match="now version 2"):
        open_voting(revision=stale, actor=leader)


# --- Voting --------------------------------------------------------------------------------------


def test_voting_again_changes_the_vote_and_keeps_one_row(clock, leader, member):
    revision = voting(leader)
    cast_vote(revision=revision, member=member, choice="yes")
    clock.shift(datetime.timedelta(hours=1))
    cast_vote(revision=revision, member=member, choice="no")
    (vote,) = PolicyVote.objects.filter(revision=revision)
    assert vote.member == member and vote.choice == "no"


def test_a_vote_before_the_window_opens_is_refused(clock, leader, member):
    revision = open_voting(
        revision=draft(leader),
        actor=leader,
        opens_at=START + datetime.timedelta(days=1),
        closes_at=START + datetime.timedelta(days=8),
    )
    with pytest.raises(PolicyRefused, match="Voting opens"):
        cast_vote(revision=revision, member=member, choice="yes")
    clock.move_to(START + datetime.timedelta(days=1), tick=False)
    cast_vote(revision=revision, member=member, choice="yes")
    assert PolicyVote.objects.count() == 1


def test_a_draft_takes_no_votes(leader, member):
    with pytest.raises(PolicyRefused, match="has not been opened"):
        cast_vote(revision=draft(leader), member=member, choice="yes")


def test_a_vote_after_the_window_closes_is_refused(clock, leader, member):
    revision = voting(leader)
    cast_vote(revision=revision, member=member, choice="yes")
    clock.move_to(START + datetime.timedelta(days=7), tick=False)
    with pytest.raises(PolicyRefused, match="has closed"):
        cast_vote(revision=revision, member=member, choice="no")
    assert PolicyVote.objects.get().choice == "yes"


def test_inactive_members_and_other_partnerships_do_not_vote(clock, leader, member, other_member):
    revision = voting(leader)
    with pytest.raises(PolicyRefused, match="members of this partnership"):
        cast_vote(revision=revision, member=other_member, choice="yes")
    member.is_active = False
    member.save()
    with pytest.raises(PolicyRefused, match="active partner members"):
        cast_vote(revision=revision, member=member, choice="yes")
    assert not PolicyVote.objects.exists()


def test_a_vote_is_approve_or_reject(clock, leader, member):
    with pytest.raises(PolicyRefused):
        cast_vote(revision=voting(leader), member=member, choice="maybe")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_votes_by_one_member_leave_one_row():
    partnership = PartnershipFactory(slug="race")
    leader = LeadershipFactory(partnership=partnership)
    members = MemberFactory.create_batch(5, partnership=partnership)
    revision = voting(leader)
    errors = []

    def vote(barrier, member, choice):
        try:
            barrier.wait()
            cast_vote(revision=revision, member=member, choice=choice)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    # Five members each double-click: every pair races for the first vote.
    for member in members:
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=vote, args=(barrier, member, choice))
            for choice in ("yes", "no")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    for member in members:
        assert PolicyVote.objects.filter(revision=revision, member=member).count() == 1
