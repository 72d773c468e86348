"""A database migrated by the previous release (transactions still the leads app's), with data,
migrates forward with nothing lost: every row of every moved table is there with its values,
and what points at a transaction through a content type (an outbox message, an admin log entry,
a permission) still points at it."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pinnacle.mail.models import OutboxMessage
from tests.leads.factories import LeadFactory
from tests.members.factories import MemberFactory
from tests.previous_release import (
    THE_MOVES,
    migrate,
    previous_release_apps,
    previous_release_nodes,
)
from transactions import models as moved

MOVED_MODELS = [
    "transaction",
    "teammember",
    "leaderproposal",
    "leaderagreement",
    "transactionevent",
    "transactiondocument",
    "disclosure",
    "transactionaccess",
    "postclosestep",
    "meetingproposal",
    "handoffevaluation",
    "thankyouletter",
    "clientinteraction",
    "interactionparticipant",
]
AT = datetime.datetime(2025, 3, 5, 15, 0, tzinfo=datetime.UTC)


def _as_the_previous_release_left_them(apps) -> dict[str, int]:
    """The moved models' content types as the previous release had them: under leads (the
    migration back renames them there; this only makes sure), with their permissions."""
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="transactions").delete()
    ids = {}
    for model in MOVED_MODELS:
        content_type, _ = content_types.objects.get_or_create(app_label="leads", model=model)
        ids[model] = content_type.pk
    permissions = apps.get_model("auth", "Permission")
    permissions.objects.get_or_create(
        content_type_id=ids["transaction"],
        codename="view_transaction",
        defaults={"name": "Can view transaction"},
    )
    return ids


def _rows_of_the_previous_release(apps, *, partnership, lead, member, other) -> dict:
    """One row in every moved table, written through the previous release's models."""

    def model(name):
        return apps.get_model("leads", name)

    p = {"partnership_id": partnership.pk}
    deal = model("Transaction").objects.create(
        **p,
        lead_id=lead.pk,
        kind="purchase",
        stage="closed",
        property_address="12 Harbor Lane",
        value="450000.00",
        opened_by_id=member.pk,
        leader_id=member.pk,
        closed_on=AT.date(),
    )
    t = {**p, "transaction_id": deal.pk}
    model("TeamMember").objects.create(**t, member_id=member.pk, role="Buyer's agent")
    model("TeamMember").objects.create(**t, member_id=other.pk, role="Lender")
    proposal = model("LeaderProposal").objects.create(
        **t, candidate_id=member.pk, proposed_by_id=other.pk
    )
    model("LeaderAgreement").objects.create(**p, proposal_id=proposal.pk, member_id=other.pk)
    model("TransactionEvent").objects.create(
        **t, kind="note", summary="Inspection booked", body="Thursday 9 a.m.", actor_id=member.pk
    )
    model("TransactionDocument").objects.create(
        **t, title="Purchase agreement", file="transactions/1/1/agreement.pdf"
    )
    disclosure = model("Disclosure").objects.create(
        **t,
        grantee_name="Ann Appraiser",
        grantee_member_id=other.pk,
        scope="The stage",
        covers=["stage", "team"],
        valid_until=AT.date(),
        signed_document="transactions/1/1/signed.pdf",
        recorded_by_id=member.pk,
    )
    model("TransactionAccess").objects.create(
        **t, member_id=other.pk, via="disclosure", disclosure_id=disclosure.pk, path="/t/"
    )
    model("PostCloseStep").objects.create(
        **t, kind="handoff", due_at=AT, remind_at=AT - datetime.timedelta(days=1)
    )
    meeting = model("MeetingProposal").objects.create(
        **t, starts_at=AT, proposed_by_id=member.pk, confirmed_at=AT, confirmed_by_id=other.pk
    )
    model("HandoffEvaluation").objects.create(
        **t,
        meeting_id=meeting.pk,
        success=4,
        efficiency=3,
        effectiveness=5,
        notes="Smooth close",
        recorded_by_id=other.pk,
    )
    model("ThankYouLetter").objects.create(**t, body="Dear Sam, thank you.", sent_at=AT)
    interaction = model("ClientInteraction").objects.create(
        **t, mode="call", occurred_at=AT, body="Called Sam", recorded_by_id=other.pk
    )
    model("InteractionParticipant").objects.create(
        **p, interaction_id=interaction.pk, member_id=member.pk
    )
    return {"transaction": deal.pk, "disclosure": disclosure.pk, "meeting": meeting.pk}


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_previous_release_keeps_every_row_and_link():
    member = MemberFactory()
    other = MemberFactory(partnership=member.partnership)
    lead = LeadFactory(partnership=member.partnership, name="Sam Buyer")
    executor = MigrationExecutor(connection)
    previous = previous_release_nodes(executor)
    # Back to the previous release is undoing the moves and what came after them in the same
    # apps (a later index, say), nothing else.
    plan = executor.migration_plan(previous)
    assert all(back for _, back in plan)
    undone = {(m.app_label, m.name) for m, _ in plan}
    moves = dict(THE_MOVES)
    assert set(THE_MOVES) <= undone
    assert all(app in moves and name > moves[app] for app, name in undone - set(THE_MOVES))
    try:
        migrate(executor, previous)
        apps = previous_release_apps(executor)
        content_types = _as_the_previous_release_left_them(apps)
        ids = _rows_of_the_previous_release(
            apps, partnership=member.partnership, lead=lead, member=member, other=other
        )
        outbox = apps.get_model("mail", "OutboxMessage").objects.create(
            partnership_id=member.partnership.pk,
            idempotency_key=f"thank-you:transaction:{ids['transaction']}",
            template="leads/thank_you_letter",
            to_email=lead.email,
            from_email="office@example.com",
            subject="Thank you",
            body_text="Dear Sam",
            content_type_id=content_types["transaction"],
            object_id=ids["transaction"],
        )
        log = apps.get_model("admin", "LogEntry").objects.create(
            action_time=AT,
            user_id=member.user.pk,
            content_type_id=content_types["transaction"],
            object_id=str(ids["transaction"]),
            object_repr="Sam Buyer",
            action_flag=2,
        )
    finally:
        executor = MigrationExecutor(connection)
        migrate(executor, executor.loader.graph.leaf_nodes())
        ContentType.objects.clear_cache()

    deal = moved.Transaction.objects.get(pk=ids["transaction"])
    assert (deal.lead, deal.kind, deal.stage, deal.leader, deal.closed_on) == (
        lead,
        "purchase",
        "closed",
        member,
        AT.date(),
    )
    assert str(deal.value) == "450000.00" and deal.property_address == "12 Harbor Lane"
    assert [(s.member, s.role) for s in deal.team.order_by("pk")] == [
        (member, "Buyer's agent"),
        (other, "Lender"),
    ]
    proposal = moved.LeaderProposal.objects.get(transaction=deal)
    assert proposal.candidate == member
    assert moved.LeaderAgreement.objects.get(proposal=proposal).member == other
    event = moved.TransactionEvent.objects.get(transaction=deal)
    assert (event.kind, event.summary, event.body) == (
        "note",
        "Inspection booked",
        "Thursday 9 a.m.",
    )
    document = moved.TransactionDocument.objects.get(transaction=deal)
    assert document.file.name == "transactions/1/1/agreement.pdf"
    disclosure = moved.Disclosure.objects.get(pk=ids["disclosure"])
    assert (disclosure.grantee_member, disclosure.covers) == (other, ["stage", "team"])
    assert disclosure.signed_document.name == "transactions/1/1/signed.pdf"
    access = moved.TransactionAccess.objects.get(transaction=deal)
    assert (access.member, access.disclosure, access.via) == (other, disclosure, "disclosure")
    step = moved.PostCloseStep.objects.get(transaction=deal)
    assert (step.kind, step.due_at) == ("handoff", AT)
    meeting = moved.MeetingProposal.objects.get(pk=ids["meeting"])
    assert (meeting.starts_at, meeting.confirmed_by) == (AT, other)
    evaluation = moved.HandoffEvaluation.objects.get(transaction=deal)
    assert (evaluation.meeting, evaluation.success, evaluation.notes) == (
        meeting,
        4,
        "Smooth close",
    )
    assert deal.thank_you_letter.body == "Dear Sam, thank you."
    assert deal.client_interaction.body == "Called Sam"
    assert list(deal.client_interaction.participants.all()) == [member]

    # What pointed at the transaction through its content type still does.
    transaction_type = ContentType.objects.get_for_model(moved.Transaction)
    assert transaction_type.pk == content_types["transaction"]
    message = OutboxMessage.objects.get(pk=outbox.pk)
    assert message.content_type.model_class() is moved.Transaction
    assert message.content_type.get_object_for_this_type(pk=message.object_id) == deal
    assert LogEntry.objects.get(pk=log.pk).get_edited_object() == deal
    assert (
        Permission.objects.get(
            content_type=transaction_type, codename="view_transaction"
        ).content_type.app_label
        == "transactions"
    )
    assert not ContentType.objects.filter(app_label="leads", model__in=MOVED_MODELS).exists()
