"""Every beat sweep reaches its due rows through an index, whatever the size of its table.

Each test grows the sweep's table to tens of thousands of rows of which (almost) none are due,
runs the sweep, and asks the planner about every SELECT the sweep made on that table: no
sequential scan, and (EXPLAIN ANALYZE) no more than a handful of rows read. A partial index
that still held the rows a sweep is done with would pass the first check and fail the second.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocates.models import CircleSettings, Contact
from advocates.services.score import refresh_due_scores
from advocates.services.touches import send_due_digests
from bench.rows import analyze, clone_rows, rows_read
from comarketing.models import Connection, Status
from comarketing.services import sweep_reminders
from leads.models import Inquiry, Lead
from leads.services.inquiries import sweep_inquiry_deadlines
from members.models import Member, User
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from policy.models import PolicyRevision
from policy.services.revisions import close_due_votes
from tests.advocates.factories import ContactFactory
from tests.comarketing.factories import ConnectionFactory
from tests.leads.factories import InquiryFactory, LeadFactory
from tests.members.factories import MemberFactory, PolicyRevisionFactory
from tests.plans import assert_no_sequential_scan
from tests.transactions.factories import TransactionFactory
from transactions.models import PostCloseStep, Transaction
from transactions.services.postclose.sweep import sweep_post_close

pytestmark = pytest.mark.django_db

SIZE = 20_000
# What a sweep may read of its table when one row is due: that row, and a little slack.
MOST_READ = 10
HOUR = datetime.timedelta(hours=1)


def assert_sweep_reads_only_due_rows(sweep: Callable[[], object], model) -> None:
    table = model._meta.db_table
    analyze(model)
    with CaptureQueriesContext(connection) as queries:
        sweep()
    selects = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and f'"{table}"' in q["sql"]
    ]
    assert selects, f"the sweep never read {table}"
    for sql in selects:
        assert_no_sequential_scan(sql, [table])
        read = rows_read(sql, table)
        assert read <= MOST_READ, f"{read} rows of {table} read by:\n{sql}"


def test_the_outbox_sweep(partnership):
    sent = OutboxMessage.objects.create(
        partnership=partnership,
        idempotency_key="sent",
        template="mail/notice",
        to_email="lead@example.com",
        from_email="portal@example.com",
        subject="Hello",
        body_text="Hello",
        status=OutboxMessage.Status.SENT,
    )
    clone_rows(OutboxMessage, sent.pk, SIZE, idempotency_key="'k' || n")
    OutboxMessage.objects.filter(pk=sent.pk).update(
        status=OutboxMessage.Status.QUEUED, next_attempt_at=timezone.now() - HOUR
    )
    assert_sweep_reads_only_due_rows(delivery.sweep, OutboxMessage)


def test_the_inquiry_sweep(partnership, member):
    """Answered inquiries, and (one per lead) inquiries never answered: reminded and escalated
    long ago, still open for ever."""
    now = timezone.now()
    answered = InquiryFactory(partnership=partnership, member=member, responded_at=now)
    clone_rows(Inquiry, answered.pk, SIZE, responded_at="now() - n * interval '1 minute'")
    leads = clone_rows(Lead, answered.lead_id, SIZE // 4, email="'l' || n || '@example.com'")
    clone_rows(
        Inquiry,
        answered.pk,
        refs=leads,
        lead_id="ref",
        responded_at="NULL",
        reminded_at="t.remind_at",
        escalated_at="t.due_at",
    )
    InquiryFactory(lead=LeadFactory(partnership=partnership), member=member, remind_at=now - HOUR)
    assert_sweep_reads_only_due_rows(sweep_inquiry_deadlines, Inquiry)


def test_the_post_close_sweep(partnership, member):
    now = timezone.now()
    transaction = TransactionFactory(
        lead=LeadFactory(partnership=partnership), opened_by=member, leader=member, seated=False
    )
    step = PostCloseStep.objects.create(
        partnership=partnership,
        transaction=transaction,
        kind=PostCloseStep.Kind.THANK_YOU_LETTER,
        remind_at=now - 10 * HOUR,
        due_at=now - 5 * HOUR,
        completed_at=now - HOUR,
    )
    others = clone_rows(Transaction, transaction.pk, SIZE)
    clone_rows(PostCloseStep, step.pk, refs=others, transaction_id="ref")
    PostCloseStep.objects.filter(pk=step.pk).update(completed_at=None, due_at=now + HOUR)
    assert_sweep_reads_only_due_rows(sweep_post_close, PostCloseStep)


def test_the_comarketing_sweep(partnership, member):
    """Invitations long accepted or long pending, their reminders all dealt with."""
    now = timezone.now()
    lender = MemberFactory(partnership=partnership, kind="lender")
    accepted = ConnectionFactory(
        partnership=partnership,
        lender=lender,
        partner=member,
        status=Status.ACTIVE,
        invited_at=now - datetime.timedelta(days=60),
        accepted_at=now - datetime.timedelta(days=59),
        pending_reminders_sent=1,
        profile_reminders_sent=2,
    )
    clone_rows(
        Connection, accepted.pk, SIZE // 2, email="'a' || n || '@example.com'", token="'ta' || n"
    )
    pending = ConnectionFactory(
        partnership=partnership,
        lender=lender,
        invited_at=now - datetime.timedelta(days=60),
        pending_reminders_sent=2,
    )
    clone_rows(
        Connection, pending.pk, SIZE // 2, email="'p' || n || '@example.com'", token="'tp' || n"
    )
    ConnectionFactory(
        partnership=partnership, lender=lender, invited_at=now - datetime.timedelta(days=4)
    )
    assert_sweep_reads_only_due_rows(sweep_reminders, Connection)


def test_the_policy_vote_sweep(partnership, leader):
    decided = PolicyRevisionFactory(
        partnership=partnership,
        proposed_by=leader,
        status=PolicyRevision.Status.APPROVED,
        voting_closes_at=timezone.now() - datetime.timedelta(days=30),
    )
    clone_rows(PolicyRevision, decided.pk, SIZE)
    assert_sweep_reads_only_due_rows(close_due_votes, PolicyRevision)


def test_the_score_sweep(partnership, member):
    today = timezone.now().date()
    later = ContactFactory(
        partnership=partnership, owner=member, score_due_on=today + datetime.timedelta(days=1)
    )
    clone_rows(
        Contact,
        later.pk,
        SIZE,
        email="'c' || n || '@example.net'",
        score_due_on="CASE WHEN mod(n, 2) = 0 THEN NULL ELSE current_date + 1 + mod(n, 300) END",
    )
    ContactFactory(
        partnership=partnership, owner=member, score_due_on=today - datetime.timedelta(days=1)
    )
    assert_sweep_reads_only_due_rows(refresh_due_scores, Contact)


def test_the_digest_sweep(partnership, member):
    """One circle per member: the members are copied first."""
    users = clone_rows(User, member.user_id, SIZE, email="'u' || n || '@example.com'")
    members = clone_rows(Member, member.pk, refs=users, user_id="ref", slug="'m-' || n")
    mine = CircleSettings.objects.create(
        partnership=partnership, member=member, next_digest_at=timezone.now() + HOUR
    )
    clone_rows(
        CircleSettings,
        mine.pk,
        refs=members,
        member_id="ref",
        next_digest_at="CASE WHEN mod(n, 2) = 0 THEN NULL ELSE now() + n * interval '1 minute' END",
    )
    CircleSettings.objects.filter(pk=mine.pk).update(next_digest_at=timezone.now() - HOUR)
    assert_sweep_reads_only_due_rows(send_due_digests, CircleSettings)


# A new beat task is a new sweep: it gets a test above (and a kit in bench/sweep_data.py).
COVERED = {
    "pinnacle.mail.tasks.sweep_outbox": test_the_outbox_sweep,
    "leads.tasks.sweep_inquiries": test_the_inquiry_sweep,
    "transactions.tasks.sweep_post_close_steps": test_the_post_close_sweep,
    "comarketing.tasks.sweep_reminders": test_the_comarketing_sweep,
    "policy.tasks.close_policy_votes": test_the_policy_vote_sweep,
    "advocates.tasks.refresh_due_scores": test_the_score_sweep,
    "advocates.tasks.send_due_digests": test_the_digest_sweep,
}


def test_every_beat_task_has_its_test_here(settings):
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} == set(COVERED)
