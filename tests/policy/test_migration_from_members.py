"""A database from before `policy` became its own app (its models lived in `members`) migrates
forward with every row, and whatever pointed at a moved row through its content type (an
outbox message's generic relation) still finds it."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pinnacle.mail.models import OutboxMessage
from policy.models import BreachReport, PolicyRevision, PolicySuggestion, PolicyVersion, PolicyVote
from tests.previous_release import migrate, previous_release_apps, previous_release_nodes

NOW = timezone.now().replace(microsecond=0)


def seed_previous_release(apps) -> dict:
    """One row in every moved table, made with the models as the previous release had them."""
    Partnership = apps.get_model("pinnacle", "Partnership")
    User = apps.get_model("members", "User")
    Member = apps.get_model("members", "Member")
    PolicyVersion = apps.get_model("members", "PolicyVersion")
    PolicyRevision = apps.get_model("members", "PolicyRevision")
    PolicySuggestion = apps.get_model("members", "PolicySuggestion")
    BreachReport = apps.get_model("members", "BreachReport")
    PolicyVote = apps.get_model("members", "PolicyVote")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Outbox = apps.get_model("mail", "OutboxMessage")

    partnership = Partnership.objects.create(name="Old Release", slug="old-release")
    user = User.objects.create(email="lee@old.example.com")
    leader = Member.objects.create(
        partnership=partnership, user=user, slug="lee", display_name="Lee", role="leadership"
    )
    version = PolicyVersion.objects.create(
        partnership=partnership, number=1, text="Old rules", settings={"cease_window_days": 30}
    )
    revision = PolicyRevision.objects.create(
        partnership=partnership,
        title="Kinder rules",
        text="Kinder rules",
        settings={"cold_attempts_per_week": 3},
        base_version=version,
        proposed_by=leader,
        status="voting",
        voting_opens_at=NOW,
        voting_closes_at=NOW + datetime.timedelta(days=7),
        majority_of="voting",
    )
    suggestion = PolicySuggestion.objects.create(
        partnership=partnership,
        author=leader,
        kind="critique",
        body="Too strict",
        status="adopted",
        revision=revision,
        response="Taken up",
    )
    report = BreachReport.objects.create(
        partnership=partnership,
        source="visitor",
        reporter_name="Pat",
        reporter_email="pat@example.com",
        routed_to="site_admins",
        subject_member=leader,
        description="Called me 5 times",
        occurred_on=datetime.date(2025, 3, 1),
        status="reviewing",
        resolution="Looking into it",
    )
    vote = PolicyVote.objects.create(
        partnership=partnership, revision=revision, member=leader, choice="yes"
    )
    revision_type, _ = ContentType.objects.get_or_create(
        app_label="members", model="policyrevision"
    )
    outbox = Outbox.objects.create(
        partnership=partnership,
        idempotency_key=f"policy-vote-open:{revision.pk}:{leader.pk}",
        template="members/policy_vote_open",
        to_email=user.email,
        from_email="portal@old.example.com",
        subject="Vote",
        body_text="Vote, please.",
        content_type=revision_type,
        object_id=revision.pk,
    )
    return {
        "version": version.pk,
        "revision": revision.pk,
        "suggestion": suggestion.pk,
        "report": report.pk,
        "vote": vote.pk,
        "outbox": outbox.pk,
        "leader": leader.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_a_database_from_the_previous_release_keeps_every_policy_row():
    executor = MigrationExecutor(connection)
    previous = previous_release_nodes(executor)
    try:
        migrate(executor, previous)
        ids = seed_previous_release(previous_release_apps(executor))
    finally:
        executor = MigrationExecutor(connection)
        migrate(executor, executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()  # as a process starting on the new release would

    version = PolicyVersion.objects.get(pk=ids["version"])
    assert (version.number, version.text, version.settings) == (
        1,
        "Old rules",
        {"cease_window_days": 30},
    )
    revision = PolicyRevision.objects.get(pk=ids["revision"])
    assert revision.base_version == version and revision.proposed_by_id == ids["leader"]
    assert (revision.title, revision.status, revision.majority_of, revision.settings) == (
        "Kinder rules",
        "voting",
        "voting",
        {"cold_attempts_per_week": 3},
    )
    assert revision.voting_closes_at == NOW + datetime.timedelta(days=7)
    suggestion = PolicySuggestion.objects.get(pk=ids["suggestion"])
    assert (suggestion.kind, suggestion.body, suggestion.status, suggestion.response) == (
        "critique",
        "Too strict",
        "adopted",
        "Taken up",
    )
    assert suggestion.revision == revision
    report = BreachReport.objects.get(pk=ids["report"])
    assert (report.reporter_name, report.routed_to, report.status, report.occurred_on) == (
        "Pat",
        "site_admins",
        "reviewing",
        datetime.date(2025, 3, 1),
    )
    assert report.subject_member_id == ids["leader"] and report.resolution == "Looking into it"
    vote = PolicyVote.objects.get(pk=ids["vote"])
    assert (vote.revision, vote.member_id, vote.choice) == (revision, ids["leader"], "yes")
    assert list(revision.votes.all()) == [vote] and list(revision.suggestions.all()) == [suggestion]

    outbox = OutboxMessage.objects.get(pk=ids["outbox"])
    # Timelines find a message by the content type of what it is about.
    assert outbox.content_type == ContentType.objects.get_for_model(PolicyRevision)
    assert outbox.content_type.get_object_for_this_type(pk=outbox.object_id) == revision
    assert outbox.template == "members/policy_vote_open"
    assert not ContentType.objects.filter(app_label="members", model="policyrevision").exists()
