"""Revisions of the engagement policy put to the membership's vote, and the count that adopts
one as the next version (critique, suggestions and breach reports are in
`policy.services.feedback`).

policy: "open to all critique of this policy and any and all suggestions from its partner
members for its improvement whereby the policy will be revised in consultation with the entire
partner membership and approved by vote of the majority."

Every rule is here, for every caller (pages, admin, the beat sweep, the shell); a refusal is a
`policy.services.participation.PolicyRefused`.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from members.selectors import active_members
from pinnacle.formats import when
from pinnacle.mail.services import queue_email
from pinnacle.models import POLICY_FIELDS, Partnership
from pinnacle.public_pages import public_pages_changed
from pinnacle.tenancy import record_audit
from pinnacle.text import bounded_text
from policy import document
from policy.models import PolicyRevision, PolicySuggestion, PolicyVersion, PolicyVote
from policy.services.participation import PolicyRefused, require_active, require_leadership
from policy.services.versions import current_policy

VOTING_DAYS_DEFAULT = 7
VOTING_DAYS_MIN = 1
VOTING_DAYS_MAX = 60
SWEEP_BATCH = 50

Status = PolicyRevision.Status
MajorityOf = Partnership.MajorityOf


def check_revision(
    *, partnership: Partnership, title: str, text: str, settings: dict
) -> tuple[str, str, dict]:
    """The revision as it would be stored (title, text, complete settings), or the refusal:
    settings checked as the partnership's own fields check them, the text's placeholders, and
    that it changes something. The admin's form asks this too, to show refusals as errors."""
    title = (title or "").strip()
    if not title:
        raise PolicyRefused("Give the revision a title.", field="title")
    longest = PolicyRevision._meta.get_field("title").max_length
    if longest is not None and len(title) > longest:
        raise PolicyRefused("Keep the title to 160 characters.", field="title")
    try:
        document.validate_text(text or "")
    except ValidationError as exc:
        raise PolicyRefused.from_invalid(exc, field="text") from exc
    try:
        cleaned = document.clean_settings(settings)
        proposed = {**document.partnership_settings(partnership), **cleaned}
        document.check_consistent(proposed)
    except ValidationError as exc:
        raise PolicyRefused.from_invalid(exc) from exc
    base = current_policy(partnership)
    text = text.strip() + "\n"
    if text.strip() == base.text.strip() and proposed == document.complete(base.settings):
        raise PolicyRefused(
            "This revision changes neither the text nor any number of the current policy."
        )
    return title, text, proposed


@transaction.atomic
def propose_revision(
    *,
    actor: Member,
    title: str,
    rationale: str,
    text: str,
    settings: dict,
    suggestions=(),
) -> PolicyRevision:
    """Leadership drafts a revision of the current policy: its text and numbers, and the
    members' suggestions it takes up. Numbers not given stay as they are now."""
    partnership = actor.partnership
    require_leadership(actor, partnership.pk)
    title, text, proposed = check_revision(
        partnership=partnership, title=title, text=text, settings=settings
    )
    base = current_policy(partnership)
    chosen = [s.pk for s in suggestions]
    taken = list(
        PolicySuggestion.objects.for_partnership(partnership)
        .select_for_update()
        .filter(pk__in=chosen, status=PolicySuggestion.Status.OPEN)
    )
    if len(taken) != len(set(chosen)):
        raise PolicyRefused("Choose open suggestions of this partnership.", field="suggestions")
    revision = PolicyRevision.objects.create(
        partnership=partnership,
        title=title,
        rationale=_body_within(rationale, "rationale", MAX_RATIONALE_LENGTH),
        text=text,
        settings=proposed,
        base_version=base,
        proposed_by=actor,
    )
    PolicySuggestion.objects.filter(pk__in=[s.pk for s in taken]).update(revision=revision)
    record_audit(
        partnership=partnership,
        actor=actor.user,
        action="policy.revision_proposed",
        target=revision,
        summary=f"{actor.display_name} drafted \u201c{title}\u201d",
        data={"suggestions": [s.pk for s in taken]},
    )
    return revision


MAX_RATIONALE_LENGTH = 5000


def _body_within(text: str, field: str, limit: int) -> str:
    return bounded_text(
        text,
        max_length=limit,
        too_long=lambda length: PolicyRefused(
            f"Keep it to {limit:,} characters (this has {length:,}).", field=field
        ),
    )


@transaction.atomic
def open_voting(
    *,
    revision: PolicyRevision,
    actor: Member,
    closes_at: datetime.datetime | None = None,
    opens_at: datetime.datetime | None = None,
) -> PolicyRevision:
    """Leadership puts a draft to the vote of every active member, for 1 to 60 days (7 unless
    said otherwise), and emails each of them a link to vote. One revision is voted on at a
    time, and only a draft of the policy as it is now."""
    now = timezone.now()
    opens_at = opens_at or now
    closes_at = closes_at or opens_at + datetime.timedelta(days=VOTING_DAYS_DEFAULT)
    if timezone.is_naive(opens_at) or timezone.is_naive(closes_at):
        raise PolicyRefused("Give the voting window with its time zone.")
    # The partnership's row serializes "one vote at a time" between two leaders.
    partnership = Partnership.objects.select_for_update().get(pk=revision.partnership_id)
    revision = PolicyRevision.objects.select_for_update().get(pk=revision.pk)
    require_leadership(actor, partnership.pk)
    if revision.status != Status.DRAFT:
        raise PolicyRefused(
            f"Voting on this revision was already opened ({revision.get_status_display()})."
        )
    _check_voting_window(opens_at, closes_at, now=now)
    current = current_policy(partnership)
    if revision.base_version_id != current.pk:
        raise PolicyRefused(
            f"The policy changed since this revision was drafted (it is now version "
            f"{current.number}). Draft a new revision from the current policy."
        )
    voting = PolicyRevision.objects.for_partnership(partnership).filter(status=Status.VOTING)
    if (other := voting.exclude(pk=revision.pk).first()) is not None:
        assert other.voting_closes_at is not None, "a vote opens with its window"  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction
        raise PolicyRefused(
            f"\u201c{other.title}\u201d is being voted on until "
            f"{when(other.voting_closes_at, partnership)}; one revision is voted on at a time."
        )
    revision.status = Status.VOTING
    revision.voting_opens_at, revision.voting_closes_at = opens_at, closes_at
    # The rule is fixed when the vote opens, so members know it while they vote.
    revision.majority_of = partnership.policy_majority_of
    revision.save(update_fields=["status", "voting_opens_at", "voting_closes_at", "majority_of"])
    revision.partnership = partnership
    _email_every_active_member(revision, key="vote", template="members/policy_vote_open")
    record_audit(
        partnership=partnership,
        actor=actor.user,
        action="policy.voting_opened",
        target=revision,
        summary=f"Voting on \u201c{revision.title}\u201d until {when(closes_at, partnership)}",
    )
    return revision


def _check_voting_window(
    opens_at: datetime.datetime, closes_at: datetime.datetime, *, now: datetime.datetime
) -> None:
    if opens_at < now - datetime.timedelta(minutes=5):
        raise PolicyRefused("Voting cannot open in the past.", field="opens_at")
    length = closes_at - opens_at
    if length < datetime.timedelta(days=VOTING_DAYS_MIN):
        raise PolicyRefused("Leave members at least a day to vote.", field="closes_at")
    if length > datetime.timedelta(days=VOTING_DAYS_MAX):
        raise PolicyRefused(f"A vote lasts at most {VOTING_DAYS_MAX} days.", field="closes_at")


def _email_every_active_member(revision: PolicyRevision, *, key: str, template: str, **context):
    """Emails every active member of the revision's partnership about it, each once (`key`)."""
    partnership = revision.partnership
    url = partnership.absolute_url(revision.get_absolute_url())
    for member in active_members(partnership).select_related("user").order_by("pk"):
        member.partnership = partnership
        queue_email(
            partnership=partnership,
            key=f"policy-revision:{revision.pk}:{key}:{member.pk}",
            template=template,
            to=member.email,
            context={"revision": revision, "recipient": member, "revision_url": url, **context},
            about=revision,
        )


@transaction.atomic
def cast_vote(*, revision: PolicyRevision, member: Member, choice: str) -> PolicyVote:
    """An active member votes on a revision while its window is open. One vote per member:
    voting again changes it, until the window closes."""
    # The revision's row serializes one member's two clicks (and the close) with each other.
    revision = (
        PolicyRevision.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=revision.pk)
    )
    if member.partnership_id != revision.partnership_id:
        raise PolicyRefused("Only members of this partnership vote on its policy.")
    require_active(member)
    now = timezone.now()
    if not revision.accepts_votes(now):
        raise PolicyRefused(_not_voting(revision, now))
    if choice not in PolicyVote.Choice.values:
        raise PolicyRefused("Choose approve or reject.", field="choice")
    vote = PolicyVote.objects.filter(revision=revision, member=member).first()
    if vote is None:
        vote = PolicyVote.objects.create(
            partnership=revision.partnership, revision=revision, member=member, choice=choice
        )
    elif vote.choice != choice:
        vote.choice = choice
        vote.save(update_fields=["choice", "updated_at"])
    return vote


def _not_voting(revision: PolicyRevision, now: datetime.datetime) -> str:
    stage = revision.voting_stage(now)
    if stage == "draft":
        return "Voting on this revision has not been opened."
    if stage == "scheduled":
        assert revision.voting_opens_at is not None, "a vote opens with its window"  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction
        return f"Voting opens {when(revision.voting_opens_at, revision.partnership)}."
    return "Voting on this revision has closed."


def passes(*, majority_of: str, yes: int, no: int, eligible: int) -> bool:
    """policy: "approved by vote of the majority": more than half of all active members, or,
    where the partnership's policy says so, more than half of the votes cast (at least one)."""
    if majority_of == MajorityOf.VOTES_CAST:
        return yes > 0 and 2 * yes > yes + no
    return 2 * yes > eligible


@transaction.atomic
def close_voting(*, revision: PolicyRevision, now: datetime.datetime | None = None):
    """Count a revision's votes once its window has closed and record the outcome. Approved:
    its numbers take effect on the partnership and it becomes the next version. Every active
    member is emailed the result."""
    now = now or timezone.now()
    revision = (
        PolicyRevision.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=revision.pk)
    )
    if revision.status != Status.VOTING:
        raise PolicyRefused("This revision is not being voted on.")
    assert revision.voting_closes_at is not None, "a vote opens with its window"  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction
    if now < revision.voting_closes_at:
        raise PolicyRefused(
            f"Voting is open until {when(revision.voting_closes_at, revision.partnership)}."
        )
    return _close(revision, now)


def _close(revision: PolicyRevision, now: datetime.datetime) -> PolicyRevision:
    partnership = Partnership.objects.select_for_update().get(pk=revision.partnership_id)
    revision.partnership = partnership
    # Eligible: the active membership at the close; only their votes count.
    eligible = active_members(partnership).count()
    counts = PolicyVote.objects.filter(revision=revision, member__is_active=True).aggregate(
        yes=Count("pk", filter=Q(choice=PolicyVote.Choice.YES)),
        no=Count("pk", filter=Q(choice=PolicyVote.Choice.NO)),
    )
    majority_of = revision.majority_of or partnership.policy_majority_of
    approved = passes(
        majority_of=majority_of, yes=counts["yes"], no=counts["no"], eligible=eligible
    )
    revision.status = Status.APPROVED if approved else Status.REJECTED
    revision.majority_of = majority_of
    revision.eligible_count, revision.yes_count, revision.no_count = (
        eligible,
        counts["yes"],
        counts["no"],
    )
    revision.decided_at = now
    revision.save(
        update_fields=[
            "status",
            "majority_of",
            "eligible_count",
            "yes_count",
            "no_count",
            "decided_at",
        ]
    )
    version = None
    if approved:
        version = _adopt(revision, partnership, now)
    record_audit(
        partnership=partnership,
        actor=None,
        action="policy.revision_approved" if approved else "policy.revision_rejected",
        target=revision,
        summary=f"\u201c{revision.title}\u201d {'approved' if approved else 'rejected'}: "
        f"{counts['yes']} yes, {counts['no']} no, {eligible} eligible",
        data={
            "majority_of": majority_of,
            "version": version.number if version else None,
        },
    )
    _email_every_active_member(
        revision,
        key="result",
        template="members/policy_result",
        version=version,
        policy_url=partnership.absolute_url(reverse("policy")),
    )
    return revision


def _adopt(revision: PolicyRevision, partnership: Partnership, now) -> PolicyVersion:
    """The approved revision's numbers take effect and its text becomes the next version."""
    settings = {k: v for k, v in revision.settings.items() if k in POLICY_FIELDS}
    changed = [name for name, value in settings.items() if getattr(partnership, name) != value]
    for name in changed:
        setattr(partnership, name, settings[name])
    if changed:
        partnership.save(update_fields=changed)
        public_pages_changed(partnership)  # the introductory statement is on every profile
    latest = PolicyVersion.objects.for_partnership(partnership).aggregate(n=Max("number"))["n"]
    version = PolicyVersion.objects.create(
        partnership=partnership,
        number=(latest or 0) + 1,
        text=revision.text,
        settings=document.partnership_settings(partnership),
        revision=revision,
        effective_at=now,
    )
    PolicySuggestion.objects.filter(revision=revision).exclude(
        status=PolicySuggestion.Status.DECLINED
    ).update(status=PolicySuggestion.Status.ADOPTED)
    record_audit(
        partnership=partnership,
        actor=None,
        action="policy.version_adopted",
        target=version,
        summary=f"Engagement policy version {version.number} in effect"
        + (f"; changed {', '.join(changed)}" if changed else ""),
        data={"changed": {name: settings[name] for name in changed}},
    )
    return version


def close_due_votes(now: datetime.datetime | None = None) -> int:
    """Beat's sweep: close every revision whose voting window has ended, once.

    Picks due rows through the partial index on revisions being voted on, with SKIP LOCKED, so
    an overlapping sweep (or a member's last vote, which locks the row) is never waited for
    and never counted twice; any number of beats may run it at once. Returns how many were
    closed."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            PolicyRevision.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("partnership")
            .filter(status=Status.VOTING, voting_closes_at__lte=now)
            .order_by("voting_closes_at")[:SWEEP_BATCH]
        )
        # Closing locks the revision's partnership: every sweep takes those locks in the same
        # order, so two beats' sweeps never each hold a partnership the other waits for.
        for revision in sorted(due, key=lambda r: (r.partnership_id, r.voting_closes_at)):
            _close(revision, now)
    return len(due)
