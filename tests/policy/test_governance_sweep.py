"""Policy governance: the periodic sweep that closes due votes once, under concurrency, through the
partial index; and the service's bound on the rationale."""

import contextlib
import datetime
import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from pinnacle.models import AuditEvent
from policy import tasks
from policy.models import PolicyRevision, PolicyVersion
from policy.services.participation import PolicyRefused
from policy.services.revisions import cast_vote, close_due_votes, propose_revision
from policy.services.versions import current_policy
from tests.members.factories import LeadershipFactory, MemberFactory, PolicyRevisionFactory
from tests.pinnacle.factories import PartnershipFactory
from tests.policy.governance_helpers import START, emails, voting

pytestmark = [pytest.mark.django_db, pytest.mark.clock_at(START)]


# --- The sweep ------------------------------------------------------------------------------------


def test_the_beat_schedule_closes_votes_every_few_minutes():
    (entry,) = [
        e
        for e in django_settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == tasks.close_policy_votes.name
    ]
    assert entry["schedule"] <= 5 * 60


def test_the_sweep_closes_a_due_revision_once(clock, voters, leader, other_partnership):
    revision = voting(leader)
    foreign_leader = LeadershipFactory(partnership=other_partnership)
    later = voting(foreign_leader, days=9)
    cast_vote(revision=revision, member=voters[1], choice="yes")

    clock.move_to(START + datetime.timedelta(days=7) - datetime.timedelta(seconds=1), tick=False)
    assert tasks.close_policy_votes() == 0
    clock.move_to(START + datetime.timedelta(days=7), tick=False)
    assert tasks.close_policy_votes() == 1
    assert tasks.close_policy_votes() == 0

    revision.refresh_from_db()
    later.refresh_from_db()
    assert revision.status == "rejected" and later.status == "voting"
    assert len(emails("members/policy_result")) == 7


def _race_to_close():
    """A partnership of three with a revision approved by all three, its window just over."""
    partnership = PartnershipFactory(slug="close-race")
    leader = LeadershipFactory(partnership=partnership)
    members = [leader, *MemberFactory.create_batch(2, partnership=partnership)]
    revision = voting(leader)
    for member in members:
        cast_vote(revision=revision, member=member, choice="yes")
    return partnership, revision, revision.voting_closes_at + datetime.timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_adopt_the_revision_once():
    partnership, revision, after = _race_to_close()
    barrier = threading.Barrier(2)
    closed, errors = [], []

    def sweep():
        try:
            barrier.wait()
            closed.append(close_due_votes(now=after))
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(closed) == [0, 1]
    revision.refresh_from_db()
    assert revision.status == "approved" and revision.yes_count == 3
    assert list(
        PolicyVersion.objects.for_partnership(partnership).values_list("number", flat=True)
    ) == [2, 1]
    assert AuditEvent.objects.filter(action="policy.version_adopted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_sweep_passes_over_a_revision_another_holds_without_waiting():
    partnership, revision, after = _race_to_close()
    locked, swept = threading.Barrier(2), threading.Event()
    closed, errors = [], []

    def hold_the_revision():
        # Another sweep in the middle of counting it (or a member's last vote).
        try:
            with transaction.atomic():
                PolicyRevision.objects.select_for_update().get(pk=revision.pk)
                locked.wait()
                swept.wait(timeout=5)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def sweep():
        try:
            locked.wait()
            closed.append(close_due_votes(now=after))
            swept.set()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hold_the_revision), threading.Thread(target=sweep)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Skipped, not waited for: the sweep was done while the row was still held.
    assert closed == [0]
    revision.refresh_from_db()
    assert revision.status == "voting"
    assert close_due_votes(now=after) == 1
    assert PolicyVersion.objects.for_partnership(partnership).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_closing_in_two_partnerships_at_once_do_not_deadlock(monkeypatch):
    """Two beats: one sweep holds the revisions due by its `now`, the other those that came due
    just after. Closing one locks its partnership's row; both sweeps take those locks in the
    same order, so neither waits for the other while holding what the other needs."""
    from policy.services import revisions

    first, second = PartnershipFactory(slug="first"), PartnershipFactory(slug="second")
    now = timezone.now()

    def revision(partnership, minutes):
        return PolicyRevisionFactory(
            partnership=partnership,
            proposed_by=LeadershipFactory(partnership=partnership),
            status=PolicyRevision.Status.VOTING,
            voting_closes_at=now + datetime.timedelta(minutes=minutes),
        )

    # The earlier sweep's: the first partnership's, then the second's; the later sweep's the
    # other way round.
    revisions_due = [revision(first, -2), revision(second, -1), revision(second, 1)]
    revisions_due.append(revision(first, 2))
    picked, each_closed_one = threading.Event(), threading.Barrier(2)
    later_sweep, closed, errors = [], [], []
    close = revisions._close

    def close_then_meet(revision, at):
        if threading.current_thread() is not later_sweep[0]:  # the earlier sweep has picked
            picked.set()
        result = close(revision, at)
        # Each sweep holds its first partnership; broken when the other is waiting for this
        # one's lock instead (it never comes).
        with contextlib.suppress(threading.BrokenBarrierError):
            each_closed_one.wait(timeout=3)
        return result

    monkeypatch.setattr(revisions, "_close", close_then_meet)

    def sweep(at, wait_for_the_other):
        try:
            if wait_for_the_other:
                picked.wait(timeout=5)
            closed.append(close_due_votes(now=at))
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sweep, args=(now, False)),
        threading.Thread(target=sweep, args=(now + datetime.timedelta(minutes=3), True)),
    ]
    later_sweep.append(threads[1])
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(closed) == [2, 2]
    assert not PolicyRevision.objects.filter(status=PolicyRevision.Status.VOTING).exists()
    decided = AuditEvent.objects.filter(action__startswith="policy.revision_")
    assert sorted(decided.values_list("target_id", flat=True)) == sorted(
        r.pk for r in revisions_due
    )


def test_the_sweep_finds_due_revisions_through_the_partial_index():
    due = PolicyRevision.objects.filter(status="voting", voting_closes_at__lte=timezone.now())
    sql, params = due.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "policy_revision_voting_idx" in plan


def test_the_service_bounds_the_rationale_for_any_caller(leader):
    with pytest.raises(PolicyRefused) as refused:
        propose_revision(
            actor=leader,
            title="Three attempts a week",
            rationale="x" * 5001,
            text=current_policy(leader.partnership).text,
            settings={"cold_attempts_per_week": 3},
        )
    assert "Keep it to 5,000 characters" in str(refused.value)
    assert not PolicyRevision.objects.exists()
