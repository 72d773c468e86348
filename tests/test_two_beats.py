"""Two beats at once (a deploy's overlap, an operator starting a second one): every task of the
beat schedule runs twice at the same moment, in two processes of their own, and each of its
effects happens once: each email sent once to each recipient, each reminder and escalation
once, each vote closed once, each score recomputed once, each digest once.

The tasks come from the schedule itself: a new sweep fails here until it has a seeding recipe
in RECIPES. The sweeps' data is committed (the processes read the same test database), and
their mail is sent through Django's file backend, so what was sent is counted across both.
"""

from __future__ import annotations

import datetime
import email
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from advocates.models import CircleSettings, Contact, PlanKind
from advocates.services.plans import enroll
from comarketing.models import Connection
from comarketing.services.invitations import invite_partners
from leads.models import Inquiry
from leads.services.inquiries import express_interest
from members.models import Member
from members.selectors import active_members
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import AuditEvent, Partnership
from policy.models import PolicyRevision
from tests.advocates.factories import ContactFactory
from tests.leads.factories import LeadFactory
from tests.members.factories import LeadershipFactory, MemberFactory, PolicyRevisionFactory
from tests.pinnacle.factories import PartnershipFactory
from tests.transactions.factories import TransactionFactory
from transactions.models import PostCloseStep

ROOT = Path(__file__).resolve().parent.parent
BEATS = 2
ROWS = 8  # due rows of each kind per partnership
RUN_TIMEOUT = 60
HOUR = datetime.timedelta(hours=1)
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # Django's file backend, between two messages


@dataclass
class World:
    """Two partnerships, each with two leaders and an agent."""

    partnerships: list[Partnership]
    agents: dict[int, Member]
    leaders: dict[int, list[Member]]


@dataclass
class Expected:
    """What the two runs together must have done: `total`, the tasks' results added up (None:
    a count that is not of effects, such as the outbox sweep's rows handed on); `mail`, how
    many emails each address gets; `check`, any other effect counted in the database."""

    total: tuple[int, ...] | None
    mail: Counter[str]
    check: Callable[[], None] = field(default=lambda: None)


def seed_outbox(world: World) -> Expected:
    """Rows queued whose delivery was lost (a broker down): the sweep hands them on."""
    mail: Counter[str] = Counter()
    for partnership in world.partnerships:
        for n in range(ROWS):
            to = f"prospect{n}@{partnership.slug}.example"
            OutboxMessage.objects.create(
                partnership=partnership,
                idempotency_key=f"lost:{n}",
                template="mail/notice",
                to_email=to,
                from_email="portal@example.com",
                subject="Hello",
                body_text="Hello",
                next_attempt_at=timezone.now() - HOUR,
            )
            mail[to] += 1

    def each_sent_at_the_first_attempt():
        rows = OutboxMessage.objects.all()
        assert {(m.status, m.attempts) for m in rows} == {(OutboxMessage.Status.SENT, 1)}

    return Expected(total=None, mail=mail, check=each_sent_at_the_first_attempt)


def seed_inquiries(world: World) -> Expected:
    """Prospects who wrote to the agent from the directory, some near their reply deadline (the
    agent is reminded), some past it (every leader is told)."""
    now = timezone.now()
    mail: Counter[str] = Counter()
    for partnership in world.partnerships:
        agent = world.agents[partnership.pk]
        for n in range(2 * ROWS):
            inquiry = express_interest(
                lead=LeadFactory(partnership=partnership), member=agent, message="Hello"
            )
            if n % 2:  # past its deadline, reminded before it
                inquiry.remind_at = inquiry.reminded_at = now - 3 * HOUR
                inquiry.due_at = now - HOUR
            else:
                inquiry.remind_at, inquiry.due_at = now - HOUR, now + HOUR
            inquiry.save(update_fields=["remind_at", "reminded_at", "due_at"])
        mail[agent.email] += ROWS
        for leader in world.leaders[partnership.pk]:
            mail[leader.email] += ROWS
    rows = ROWS * len(world.partnerships)

    def each_stamped():
        assert not Inquiry.objects.filter(reminded_at__isnull=True).exists()
        assert Inquiry.objects.filter(escalated_at__isnull=False).count() == rows

    return Expected(total=(rows, rows), mail=mail, check=each_stamped)


def seed_post_close(world: World) -> Expected:
    """Closed transactions led by the agent: a letter due soon (the agent is reminded), one
    overdue (every leader is told)."""
    now = timezone.now()
    mail: Counter[str] = Counter()
    for partnership in world.partnerships:
        agent = world.agents[partnership.pk]
        for n in range(2 * ROWS):
            transaction = TransactionFactory(
                lead=LeadFactory(partnership=partnership),
                opened_by=agent,
                leader=agent,
                seated=False,
                closed=True,
            )
            overdue = n % 2 == 1
            PostCloseStep.objects.create(
                partnership=partnership,
                transaction=transaction,
                kind=PostCloseStep.Kind.THANK_YOU_LETTER,
                remind_at=now - 3 * HOUR,
                reminded_at=now - 3 * HOUR if overdue else None,
                due_at=now - HOUR if overdue else now + HOUR,
            )
        mail[agent.email] += ROWS
        for leader in world.leaders[partnership.pk]:
            mail[leader.email] += ROWS
    rows = ROWS * len(world.partnerships)
    return Expected(total=(rows, rows), mail=mail)


def seed_comarketing(world: World) -> Expected:
    """Invitations pending for four days: each invitee hears from the lender again, once."""
    mail: Counter[str] = Counter()
    for partnership in world.partnerships:
        lender = MemberFactory(partnership=partnership, kind="lender")
        invitees = [f"partner{n}@{partnership.slug}.example" for n in range(ROWS)]
        invite_partners(lender=lender, emails=invitees, actor=lender.user)
        mail.update(invitees)
    Connection.objects.update(invited_at=timezone.now() - datetime.timedelta(days=4))
    rows = ROWS * len(world.partnerships)

    def each_counted():
        assert set(Connection.objects.values_list("pending_reminders_sent", flat=True)) == {1}

    return Expected(total=(rows, 0), mail=mail, check=each_counted)


def seed_policy_votes(world: World) -> Expected:
    """Revisions whose voting window has ended: each is decided once, and every active member
    hears the result once."""
    mail: Counter[str] = Counter()
    for partnership in world.partnerships:
        for _ in range(ROWS):
            PolicyRevisionFactory(
                partnership=partnership,
                proposed_by=world.leaders[partnership.pk][0],
                status=PolicyRevision.Status.VOTING,
                voting_opens_at=timezone.now() - 48 * HOUR,
                voting_closes_at=timezone.now() - HOUR,
            )
        for member in active_members(partnership):
            mail[member.email] += ROWS
    rows = ROWS * len(world.partnerships)

    def each_decided_once():
        assert not PolicyRevision.objects.filter(status=PolicyRevision.Status.VOTING).exists()
        decisions = AuditEvent.objects.filter(action__startswith="policy.revision_")
        assert decisions.count() == rows
        assert decisions.values("target_id").distinct().count() == rows

    return Expected(total=rows, mail=mail, check=each_decided_once)


def seed_scores(world: World) -> Expected:
    """Contacts whose oldest input has left the window: each score is recomputed once."""
    yesterday = timezone.now().date() - datetime.timedelta(days=1)
    for partnership in world.partnerships:
        for _ in range(ROWS):
            ContactFactory(owner=world.agents[partnership.pk], score_due_on=yesterday)
    rows = ROWS * len(world.partnerships)

    def each_recomputed():
        assert not Contact.objects.filter(score_due_on__isnull=False).exists()

    return Expected(total=rows, mail=Counter(), check=each_recomputed)


def seed_digests(world: World) -> Expected:
    """Every member with a plan's touches due and their morning come: one digest each."""
    mail: Counter[str] = Counter()
    started = timezone.now().date() - datetime.timedelta(days=7)
    for partnership in world.partnerships:
        for member in [world.agents[partnership.pk], *world.leaders[partnership.pk]]:
            enroll(
                contact=ContactFactory(owner=member),
                kind=PlanKind.EIGHT_BY_EIGHT,
                starts_on=started,
            )
            mail[member.email] += 1
    CircleSettings.objects.update(next_digest_at=timezone.now() - HOUR)
    return Expected(total=sum(mail.values()), mail=mail)


# Every task of the beat schedule, by its name: how to give it due work, and what it must do.
RECIPES: dict[str, Callable[[World], Expected]] = {
    "pinnacle.mail.tasks.sweep_outbox": seed_outbox,
    "leads.tasks.sweep_inquiries": seed_inquiries,
    "transactions.tasks.sweep_post_close_steps": seed_post_close,
    "comarketing.tasks.sweep_reminders": seed_comarketing,
    "policy.tasks.close_policy_votes": seed_policy_votes,
    "advocates.tasks.refresh_due_scores": seed_scores,
    "advocates.tasks.send_due_digests": seed_digests,
}

SCHEDULED = sorted({entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()})


@pytest.fixture
def world(partnership) -> World:
    partnerships = [partnership, PartnershipFactory(slug="harbor", name="Harbor Alliance")]
    return World(
        partnerships=partnerships,
        agents={p.pk: MemberFactory(partnership=p, is_listed=True) for p in partnerships},
        leaders={p.pk: [LeadershipFactory(partnership=p) for _ in range(2)] for p in partnerships},
    )


def test_every_recipe_is_for_a_scheduled_task():
    assert set(RECIPES) <= set(SCHEDULED), "a recipe for a task beat no longer runs"


def database_url() -> str:
    """The test database (pytest-django's name, not the configured one) as a URL."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


def run_beats(task: str, tmp_path: Path) -> list:
    """The task run by BEATS processes at once; returns each one's result."""
    rendezvous, outbox = tmp_path / "rendezvous", tmp_path / "sent"
    rendezvous.mkdir()
    outbox.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("PYTEST_XDIST_WORKER", None)  # the same Redis database as this test's
    command = [sys.executable, "-m", "tests.beat_runner", task, str(rendezvous), str(BEATS)]
    beats = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(BEATS)
    ]
    results = []
    for beat in beats:
        out, _ = beat.communicate(timeout=RUN_TIMEOUT)
        assert beat.returncode == 0, f"a beat running {task} failed:\n{out}"
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def sent_mail(directory: Path) -> Counter[str]:
    """How many messages each address got, across the files both processes wrote."""
    got: Counter[str] = Counter()
    for path in directory.iterdir():
        for chunk in path.read_bytes().split(MAIL_SEPARATOR):
            if chunk.strip():
                got[email.message_from_bytes(chunk)["To"]] += 1
    return got


def added_up(results: list) -> int | tuple[int, ...]:
    if isinstance(results[0], list):
        return tuple(sum(column) for column in zip(*results, strict=True))
    return sum(results)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("task", SCHEDULED)
def test_two_beats_at_once_do_each_things_once(task, world, tmp_path):
    recipe = RECIPES.get(task)
    assert recipe is not None, f"beat runs {task}: add its seeding recipe to RECIPES"
    expected = recipe(world)

    results = run_beats(task, tmp_path)

    if expected.total is not None:
        assert added_up(results) == expected.total
    assert sent_mail(tmp_path / "sent") == expected.mail
    expected.check()
