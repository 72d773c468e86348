"""The checks a revision of the engagement policy passes before it is drafted, voted on and
counted (policy/services/revisions.py): each refusal under its field, word for word; the voting
window's bounds to the minute; the majority rule at its edges."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pinnacle.formats import when
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import AuditEvent
from pinnacle.tenancy import audit_target_type
from policy.models import PolicyRevision, PolicySuggestion, PolicyVersion
from policy.services.participation import PolicyRefused
from policy.services.revisions import (
    cast_vote,
    check_revision,
    close_due_votes,
    open_voting,
    propose_revision,
)
from policy.services.versions import current_policy
from tests.members.factories import PolicySuggestionFactory
from tests.policy.governance_helpers import START, draft, vote_and_close, voting

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]


def refusal(fn, **kwargs) -> dict:
    with pytest.raises(PolicyRefused) as refused:
        fn(**kwargs)
    return refused.value.errors()


@pytest.mark.parametrize("title", [None, "", "   "])
def test_a_revision_needs_a_title(leader, partnership, title):
    text = current_policy(partnership).text
    errors = refusal(
        check_revision, partnership=partnership, title=title, text=text, settings={"x": 1}
    )
    assert errors == {"title": ["Give the revision a title."]}


def test_a_title_is_at_most_160_characters(leader, partnership):
    text = current_policy(partnership).text + "\nOne more line."
    longest = "T" * 160
    assert check_revision(partnership=partnership, title=longest, text=text, settings={})[0] == (
        longest
    )
    errors = refusal(
        check_revision, partnership=partnership, title=longest + "!", text=text, settings={}
    )
    assert errors == {"title": ["Keep the title to 160 characters."]}


@pytest.mark.parametrize("text", [None, "", "  \n"])
def test_a_revision_needs_its_text(leader, text):
    errors = refusal(
        propose_revision, actor=leader, title="T", rationale="", text=text, settings={}
    )
    assert errors == {"text": ["Write the policy text."]}
    assert not PolicyRevision.objects.exists()


def test_a_revision_that_changes_nothing_says_so(leader, partnership):
    errors = refusal(
        check_revision,
        partnership=partnership,
        title="Same",
        text=current_policy(partnership).text,
        settings={"cold_attempts_per_week": 2},
    )
    assert errors == {
        None: ["This revision changes neither the text nor any number of the current policy."]
    }


def test_a_rationale_is_at_most_5000_characters(leader, partnership):
    text = current_policy(partnership).text + "\nOne more line."
    kept = propose_revision(actor=leader, title="T", rationale="R" * 5000, text=text, settings={})
    assert len(kept.rationale) == 5000
    errors = refusal(
        propose_revision, actor=leader, title="T", rationale="R" * 5001, text=text, settings={}
    )
    assert errors == {"rationale": ["Keep it to 5,000 characters (this has 5,001)."]}


def test_voting_may_open_up_to_five_minutes_ago(clock, leader, partnership):
    """A leader's form takes a few minutes to fill in: its opening moment may have just passed."""
    text = current_policy(partnership).text + "\nOne more line."
    opens_at = START - datetime.timedelta(minutes=5)
    revision = propose_revision(actor=leader, title="T", rationale="", text=text, settings={})
    opened = open_voting(revision=revision, actor=leader, opens_at=opens_at)
    assert (opened.voting_opens_at, opened.voting_closes_at) == (
        opens_at,
        opens_at + datetime.timedelta(days=7),
    )


def test_voting_cannot_open_longer_ago(clock, leader, partnership):
    text = current_policy(partnership).text + "\nOne more line."
    revision = propose_revision(actor=leader, title="T", rationale="", text=text, settings={})
    opens_at = START - datetime.timedelta(minutes=5, seconds=1)
    errors = refusal(open_voting, revision=revision, actor=leader, opens_at=opens_at)
    assert errors == {"opens_at": ["Voting cannot open in the past."]}


@pytest.mark.parametrize(
    ("length", "errors"),
    [
        (datetime.timedelta(days=1), None),
        (datetime.timedelta(days=60), None),
        (
            datetime.timedelta(days=1) - datetime.timedelta(seconds=1),
            {"closes_at": ["Leave members at least a day to vote."]},
        ),
        (
            datetime.timedelta(days=60, seconds=1),
            {"closes_at": ["A vote lasts at most 60 days."]},
        ),
    ],
)
def test_a_vote_lasts_from_a_day_to_sixty_days_both_included(
    clock, leader, partnership, length, errors
):
    text = current_policy(partnership).text + "\nOne more line."
    revision = propose_revision(actor=leader, title="T", rationale="", text=text, settings={})
    if errors is None:
        opened = open_voting(revision=revision, actor=leader, closes_at=START + length)
        assert opened.voting_closes_at == START + length
    else:
        assert refusal(open_voting, revision=revision, actor=leader, closes_at=START + length) == (
            errors
        )


def test_the_vote_emails_are_about_the_revision_and_read_each_member_with_their_user(
    clock, leader, voters, partnership
):
    text = current_policy(partnership).text + "\nOne more line."
    revision = propose_revision(actor=leader, title="T", rationale="", text=text, settings={})
    with CaptureQueriesContext(connection) as queries:
        open_voting(revision=revision, actor=leader)
    # The users' addresses come with the members, not one query each.
    assert not [
        q for q in queries if q["sql"].startswith("SELECT") and 'FROM "members_user"' in q["sql"]
    ]
    sent = OutboxMessage.objects.filter(template="members/policy_vote_open")
    assert sorted(m.to_email for m in sent) == sorted(v.email for v in voters)
    assert {(m.content_type.model, m.object_id) for m in sent} == {("policyrevision", revision.pk)}


def test_a_vote_outside_its_window_is_refused_saying_when(clock, leader, member, partnership):
    def refused_vote(revision) -> str:
        with pytest.raises(PolicyRefused) as refused:
            cast_vote(revision=revision, member=member, choice="yes")
        return str(refused.value)

    assert refused_vote(draft(leader)) == "Voting on this revision has not been opened."
    opens_at = START + datetime.timedelta(days=1)
    scheduled = open_voting(
        revision=PolicyRevision.objects.get(),
        actor=leader,
        opens_at=opens_at,
        closes_at=opens_at + datetime.timedelta(days=7),
    )
    assert refused_vote(scheduled) == f"Voting opens {when(opens_at, partnership)}."
    clock.move_to(opens_at + datetime.timedelta(days=7), tick=False)
    assert refused_vote(scheduled) == "Voting on this revision has closed."


def test_a_close_counts_only_the_votes_on_that_revision(clock, leader, voters):
    adopted = vote_and_close(clock, voting(leader), voters, yes=4, no=0)
    assert adopted.status == "approved"
    closed = vote_and_close(clock, voting(leader, cold_attempts_per_week=4), voters, yes=1, no=0)
    assert (closed.status, closed.yes_count, closed.no_count) == ("rejected", 1, 0)
    policy_url = leader.partnership.absolute_url(reverse("policy"))
    result = OutboxMessage.objects.filter(template="members/policy_result").order_by("pk")[0]
    assert f"Read the policy:\n{policy_url}" in result.body_text
    # The audit says which way each went, the count, the rule and the version it made.
    audits = AuditEvent.objects.filter(action__startswith="policy.revision_").order_by("pk")
    assert [(a.action, a.summary, a.data) for a in audits.exclude(action__endswith="proposed")] == [
        (
            "policy.revision_approved",
            "\u201cThree attempts a week\u201d approved: 4 yes, 0 no, 7 eligible",
            {"majority_of": adopted.majority_of, "version": 2},
        ),
        (
            "policy.revision_rejected",
            "\u201cThree attempts a week\u201d rejected: 1 yes, 0 no, 7 eligible",
            {"majority_of": closed.majority_of, "version": None},
        ),
    ]


def test_an_adopted_revision_adopts_its_suggestions_and_audits_its_version(
    clock, leader, member, voters, partnership
):
    taken, declined = PolicySuggestionFactory.create_batch(
        2, partnership=partnership, author=member
    )
    revision = propose_revision(
        actor=leader,
        title="Three attempts a week",
        rationale="",
        text=current_policy(partnership).text,
        settings={"cold_attempts_per_week": 3},
        suggestions=[taken, declined],
    )
    # Leadership declines one meanwhile: adopting the revision leaves it declined.
    PolicySuggestion.objects.filter(pk=declined.pk).update(status="declined")
    vote_and_close(clock, open_voting(revision=revision, actor=leader), voters, yes=4, no=0)
    statuses = dict(PolicySuggestion.objects.values_list("pk", "status"))
    assert statuses == {taken.pk: "adopted", declined.pk: "declined"}
    version = PolicyVersion.objects.get(revision=revision)
    audit = AuditEvent.objects.get(action="policy.version_adopted")
    assert (audit.target_type, audit.target_id, audit.summary, audit.data) == (
        audit_target_type(version),
        version.pk,
        "Engagement policy version 2 in effect; changed cold_attempts_per_week",
        {"changed": {"cold_attempts_per_week": 3}},
    )


@pytest.mark.parametrize(
    "numbers", [{}, {"cold_attempts_per_week": 3, "cease_window_days": 45}], ids=["text", "two"]
)
def test_the_adopted_versions_audit_names_every_number_it_changed(
    clock, leader, voters, partnership, numbers
):
    revision = propose_revision(
        actor=leader,
        title="Clearer",
        rationale="",
        text=current_policy(partnership).text + "\nOne more line.",
        settings=numbers,
    )
    vote_and_close(clock, open_voting(revision=revision, actor=leader), voters, yes=4, no=0)
    audit = AuditEvent.objects.get(action="policy.version_adopted")
    assert audit.data == {"changed": numbers}
    summary, said, changed = audit.summary.partition("; changed ")
    assert summary == "Engagement policy version 2 in effect"
    assert (said, sorted(changed.split(", "))) == (
        ("; changed ", sorted(numbers)) if numbers else ("", [""])
    )


def test_a_version_takes_effect_when_its_vote_is_counted(clock, leader, voters):
    """A sweep that runs late counts as of the moment it was given, and dates the version so."""
    revision = voting(leader)
    for voter in voters[:4]:
        cast_vote(revision=revision, member=voter, choice="yes")
    clock.move_to(revision.voting_closes_at + datetime.timedelta(hours=3), tick=False)
    counted_at = revision.voting_closes_at + datetime.timedelta(hours=1)
    assert close_due_votes(now=counted_at) == 1
    version = PolicyVersion.objects.get(revision=revision)
    assert (version.number, version.effective_at) == (2, counted_at)
