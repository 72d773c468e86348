"""The tables of each beat sweep, with a fixed set of due rows, grown by rows that are not due.

A `Kit` is one sweep: its function, the table it picks due rows from, that table's size at a real
partnership (ISSUE20's seed: 1 million outbox rows, 50,000 co-marketing connections, 100,000
advocate contacts, 20,000 transactions, 2,000 members ...), the due rows made once, and `grow`,
which adds rows the sweep must skip: sent mail, answered (or long-ignored) inquiries, finished
post-close steps, connections whose reminders are dealt with, decided revisions, scores not due,
digests of other mornings. Everything is made with `clone_rows` from a row made normally.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model
from django.utils import timezone

from advocates.models import CircleSettings, Contact, Enrollment, Interaction, PlanTemplate, Touch
from advocates.services.score import refresh_due_scores
from advocates.services.touches import send_due_digests
from bench.rows import clone_rows
from comarketing.models import Connection
from comarketing.services import sweep_reminders
from leads.models import Inquiry, Lead
from leads.services.inquiries import sweep_inquiry_deadlines
from members.models import Member, User
from pinnacle.mail import delivery
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import Partnership
from pinnacle.services import create_partnership
from policy.models import PolicyRevision
from policy.services.revisions import close_due_votes
from policy.services.versions import current_policy
from transactions.models import PostCloseStep, Transaction
from transactions.services.postclose.sweep import sweep_post_close

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
_tags = itertools.count(1)


@dataclass
class World:
    partnership: Partnership
    members: list[Member]

    @property
    def leader(self) -> Member:
        return self.members[0]


@dataclass
class Kit:
    name: str
    sweep: Callable[[], object]
    model: type[Model]
    real_rows: int  # the table at a real partnership's size
    grow: Callable[[int], None]  # add that many rows the sweep must skip
    models: list[type[Model]] = field(default_factory=list)  # every table grow fills
    due_rows: int | None = None  # when not the run's usual number


def world(slug: str, members: int) -> World:
    partnership = create_partnership(
        partnership=Partnership(
            name=f"Bench {slug}", slug=slug, website_url="https://bench.example.com"
        )
    )
    users = User.objects.bulk_create(
        User(email=f"{slug}-{n}@bench.example.com", password="!") for n in range(members)
    )
    people = Member.objects.bulk_create(
        Member(
            partnership=partnership,
            user=user,
            slug=f"m-{n}",
            display_name=f"Member {n}",
            role=Member.Role.LEADERSHIP if n < 2 else Member.Role.MEMBER,
        )
        for n, user in enumerate(users)
    )
    return World(partnership, people)


def _lead(w: World, n: int | str) -> Lead:
    return Lead.objects.create(
        partnership=w.partnership,
        name=f"Lead {n}",
        email=f"lead-{n}@bench.example.com",
        need="buy",
        timeframe="3m",
        referring_member=w.members[2],
        last_submitted_at=timezone.now(),
    )


def outbox(w: World, due: int) -> Kit:
    def message(key: str, **fields) -> OutboxMessage:
        return OutboxMessage.objects.create(
            partnership=w.partnership,
            idempotency_key=key,
            template="mail/notice",
            to_email="lead@bench.example.com",
            from_email="portal@bench.example.com",
            subject="Hello",
            body_text="Hello " * 40,
            **fields,
        )

    sent = message("sent", status=OutboxMessage.Status.SENT, sent_at=timezone.now())
    for n in range(due):
        message(f"due-{n}", next_attempt_at=timezone.now() - HOUR)

    def grow(count: int) -> None:
        clone_rows(OutboxMessage, sent.pk, count, idempotency_key=f"'g{next(_tags)}-' || n")

    return Kit("outbox (sweep_outbox)", delivery.sweep, OutboxMessage, 1_000_000, grow)


def inquiries(w: World, due: int) -> Kit:
    now = timezone.now()
    answered = Inquiry.objects.create(
        partnership=w.partnership,
        lead=_lead(w, "answered"),
        member=w.members[2],
        message="Can you help?",
        remind_at=now - 30 * DAY,
        due_at=now - 29 * DAY,
        responded_at=now - 29 * DAY,
    )
    for n in range(due):
        Inquiry.objects.create(
            partnership=w.partnership,
            lead=_lead(w, f"due-{n}"),
            member=w.members[2 + n % (len(w.members) - 2)],
            message="Can you help?",
            remind_at=now - HOUR,
            due_at=now + 3 * HOUR,
        )

    def grow(count: int) -> None:
        clone_rows(Inquiry, answered.pk, count - count // 8)
        # One in eight never answered: reminded and escalated long ago, open for ever.
        tag = next(_tags)
        leads = clone_rows(Lead, answered.lead_id, count // 8, email=f"'g{tag}-' || n")
        clone_rows(
            Inquiry,
            answered.pk,
            refs=leads,
            lead_id="ref",
            responded_at="NULL",
            reminded_at="t.remind_at",
            escalated_at="t.due_at",
        )

    return Kit(
        "inquiries (sweep_inquiries)",
        sweep_inquiry_deadlines,
        Inquiry,
        40_000,
        grow,
        [Lead],
    )


def post_close(w: World, due: int) -> Kit:
    now = timezone.now()
    done = Transaction.objects.create(
        partnership=w.partnership,
        lead=_lead(w, "closed"),
        kind="buy",
        stage="closed",
        opened_by=w.members[2],
        leader=w.members[2],
    )
    finished = PostCloseStep.objects.create(
        partnership=w.partnership,
        transaction=done,
        kind=PostCloseStep.Kind.THANK_YOU_LETTER,
        remind_at=now - 40 * DAY,
        due_at=now - 30 * DAY,
        completed_at=now - 31 * DAY,
    )
    waiting = clone_rows(Transaction, done.pk, due)
    clone_rows(
        PostCloseStep,
        finished.pk,
        refs=waiting,
        transaction_id="ref",
        remind_at="now() - interval '1 hour'",
        due_at="now() + interval '1 day'",
        completed_at="NULL",
    )

    def grow(count: int) -> None:
        others = clone_rows(Transaction, done.pk, count)
        clone_rows(PostCloseStep, finished.pk, refs=others, transaction_id="ref")

    return Kit(
        "post-close steps (sweep_post_close_steps)",
        sweep_post_close,
        PostCloseStep,
        20_000,
        grow,
        [Transaction],
    )


def comarketing(w: World, due: int) -> Kit:
    now = timezone.now()
    lender, partner = w.members[1], w.members[3]

    def connection(email: str, **fields) -> Connection:
        return Connection.objects.create(
            partnership=w.partnership, lender=lender, email=email, token=email, **fields
        )

    accepted = connection(
        "accepted@bench.example.com",
        partner=partner,
        status="active",
        invited_at=now - 90 * DAY,
        accepted_at=now - 89 * DAY,
        pending_reminders_sent=1,
        profile_reminders_sent=2,
    )
    pending = connection(
        "pending@bench.example.com", invited_at=now - 90 * DAY, pending_reminders_sent=2
    )
    for n in range(due):
        connection(f"due-{n}@bench.example.com", invited_at=now - 4 * DAY)

    def grow(count: int) -> None:
        for template in (accepted, pending):
            tag = f"'g{next(_tags)}-' || n"
            clone_rows(Connection, template.pk, count // 2, email=tag, token=tag)

    name = "co-marketing reminders (sweep_reminders)"
    return Kit(name, sweep_reminders, Connection, 50_000, grow)


def policy(w: World, due: int) -> Kit:
    now = timezone.now()
    base = current_policy(w.partnership)

    def revision(title: str, status: str, closes: datetime.datetime) -> PolicyRevision:
        return PolicyRevision.objects.create(
            partnership=w.partnership,
            title=title,
            text=base.text,
            settings={"cold_attempts_per_week": 3},
            base_version=base,
            proposed_by=w.leader,
            status=status,
            voting_opens_at=closes - 7 * DAY,
            voting_closes_at=closes,
        )

    decided = revision("Decided", PolicyRevision.Status.REJECTED, now - 30 * DAY)
    # Each closed vote emails every active member (24 here): a tenth of the due rows keeps the
    # sweep's runs short, so the machine's load drifts less between the 1x and 10x runs.
    due = max(1, due // 10)
    for n in range(due):
        revision(f"Due {n}", PolicyRevision.Status.VOTING, now - HOUR)

    def grow(count: int) -> None:
        clone_rows(PolicyRevision, decided.pk, count)

    name = "policy votes (close_policy_votes)"
    return Kit(name, close_due_votes, PolicyRevision, 500, grow, due_rows=due)


def scores(w: World, due: int) -> Kit:
    today = timezone.now().date()
    owner = w.members[2]

    def contact(email: str, due_on: datetime.date | None) -> Contact:
        made = Contact.objects.create(
            partnership=w.partnership, owner=owner, name=email, email=email, score_due_on=due_on
        )
        Interaction.objects.create(
            partnership=w.partnership,
            contact=made,
            owner=owner,
            kind="call",
            occurred_at=timezone.now() - 100 * DAY,
        )
        return made

    later = contact("later@bench.example.net", today + 200 * DAY)
    interaction = Interaction.objects.get(contact=later)
    for n in range(due):
        contact(f"due-{n}@bench.example.net", today - DAY)

    def grow(count: int) -> None:
        contacts = clone_rows(
            Contact,
            later.pk,
            count,
            email=f"'g{next(_tags)}-' || n",
            score_due_on=(
                "CASE WHEN mod(n, 2) = 0 THEN NULL ELSE current_date + 1 + mod(n, 300)::int END"
            ),
        )
        clone_rows(Interaction, interaction.pk, refs=contacts, contact_id="ref")

    return Kit(
        "advocate scores (refresh_due_scores)",
        refresh_due_scores,
        Contact,
        100_000,
        grow,
        [Interaction],
    )


def digests(w: World, due: int) -> Kit:
    """One circle per member, each due member with touches this week; other members' touches
    (100 a member at a real partnership) grow with them."""
    now = timezone.now()
    today = now.date()
    template = PlanTemplate.objects.for_partnership(w.partnership).first()
    assert template is not None, "partnership set-up makes the default plans"
    circles, touch = [], None
    for n, member in enumerate(w.members[2 : 2 + due]):
        contact = Contact.objects.create(
            partnership=w.partnership, owner=member, name=f"Friend {n}", email=f"f{n}@b.example"
        )
        enrollment = Enrollment.objects.create(
            partnership=w.partnership,
            contact=contact,
            owner=member,
            template=template,
            kind=template.kind,
            starts_on=today,
            ends_on=today + 365 * DAY,
        )
        for days in (0, 3):
            touch = Touch.objects.create(
                partnership=w.partnership,
                enrollment=enrollment,
                contact=contact,
                owner=member,
                kind="call",
                title="Call",
                due_on=today + days * DAY,
            )
        circles.append(
            CircleSettings.objects.create(
                partnership=w.partnership, member=member, next_digest_at=now - HOUR
            )
        )
    assert touch is not None and circles, "at least one due digest"

    def grow(count: int) -> None:
        users = clone_rows(User, w.leader.user_id, count, email=f"'g{next(_tags)}-' || n")
        # Inactive: other sweeps (a vote's result goes to every active member) keep their work.
        members = clone_rows(
            Member,
            w.members[2].pk,
            refs=users,
            user_id="ref",
            slug="'g-' || ref",
            is_active="false",
        )
        clone_rows(
            CircleSettings,
            circles[0].pk,
            refs=members,
            member_id="ref",
            next_digest_at="now() + interval '1 day' + n * interval '1 minute'",
        )
        # Their touches: a hundred each, a few still pending later in the year.
        owners = [m for m in members for _ in range(100)]
        clone_rows(
            Touch,
            touch.pk,
            refs=owners,
            owner_id="ref",
            due_on="current_date - 200 + mod(n, 365)::int",
            done_at="CASE WHEN mod(n, 10) = 0 THEN NULL ELSE now() END",
        )

    return Kit(
        "advocate digests (send_due_digests)",
        send_due_digests,
        CircleSettings,
        2_000,
        grow,
        [User, Member, Touch],
    )


KITS = [outbox, inquiries, post_close, comarketing, policy, scores, digests]
