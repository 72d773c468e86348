"""Reads for the post-close follow-up: leadership's board and a transaction's three steps.

Transactions are fetched only through `transactions.selectors` (the confidentiality rule);
this module adds the post-close rows of transactions already in hand or already scoped.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, F, OuterRef, Q

from members.models import Member
from members.selectors import leaders
from pinnacle.lookups import AnyOf
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import AuditEvent, Partnership
from pinnacle.tenancy import audit_target_type
from transactions.letters import closing_paragraphs, default_mailing_address
from transactions.models import (
    ClientInteraction,
    HandoffEvaluation,
    MeetingProposal,
    PostCloseStep,
    TeamMember,
    ThankYouLetter,
    Transaction,
    TransactionStage,
)
from transactions.selectors import team_of, visible_transactions

# The order the steps are shown in, everywhere.
STEP_KINDS = list(PostCloseStep.Kind)


def committee_of(transaction: Transaction, team: list[TeamMember] | None = None) -> list[Member]:
    """Every member of the transaction committee (the team, and the leader), team order; `team`:
    its seats as `team_of` gives them, when the caller has them in hand."""
    members = [seat.member for seat in (team_of(transaction) if team is None else team)]
    if (
        transaction.leader_id
        and all(m.pk != transaction.leader_id for m in members)
        and (leader := transaction.leader)
    ):
        members.insert(0, leader)
    return members


# The audit actions that record a seat given or taken away (`transactions.services.lifecycle`).
_SEAT_AUDITS = {"transaction.member_added": "added", "transaction.member_removed": "removed"}


def involved_members(
    transaction: Transaction, committee: list[Member] | None = None
) -> list[Member]:
    """Everyone who ever held a seat on the transaction's team: the committee as it is now
    (`committee`, when in hand), then those taken off it since, in the order they left.

    policy: a written first interaction names "all ... partner members that were involved in the
    customer's transaction", so a member who worked it and left the team is named too. A seat
    taken away leaves no row; its audit record (kept forever) says who held it."""
    members = committee_of(transaction) if committee is None else list(committee)
    seated = {m.pk for m in members}
    audits = AuditEvent.objects.filter(
        partnership_id=transaction.partnership_id,
        target_type=audit_target_type(Transaction),
        target_id=transaction.pk,
        action__in=list(_SEAT_AUDITS),
    ).order_by("created_at", "pk")
    former: list[int] = []
    for action, data in audits.values_list("action", "data"):
        member_id = (data or {}).get(_SEAT_AUDITS[action])
        if isinstance(member_id, int) and member_id not in seated and member_id not in former:
            former.append(member_id)
    if former:
        found = Member.objects.for_partnership(transaction.partnership).in_bulk(former)
        members += [found[pk] for pk in former if pk in found]
    return members


@dataclass(frozen=True)
class PostCloseCounts:
    """Leadership's post-close work waiting now, as its dashboard panel counts it."""

    to_confirm: int  # transactions whose leader proposed handoff times, none confirmed yet
    overdue: int  # steps past their deadline, not done
    interactions: int  # first client interactions still to record

    @property
    def any(self) -> bool:
        return bool(self.to_confirm or self.overdue or self.interactions)


def post_close_counts(viewer: Member, *, now: datetime.datetime) -> PostCloseCounts:
    """The viewer's (leadership's) post-close work, counted over the closed transactions they
    may see, in one query whatever their number."""
    # The steps to do, their transactions by key (as the board reads them): with
    # `transaction__in=` the planner hashed every closed transaction of the partnership to
    # keep the few hundred with a step to do.
    steps = PostCloseStep.objects.filter(partnership=viewer.partnership, completed_at__isnull=True)
    to_do = ArraySubquery(steps.order_by().values("transaction_id").distinct())
    closed = visible_transactions(viewer).filter(
        AnyOf(F("pk"), to_do), stage=TransactionStage.CLOSED
    )
    pending = steps.filter(
        AnyOf(F("transaction_id"), ArraySubquery(closed.order_by().values("pk")))
    )
    proposed = MeetingProposal.objects.for_partnership(viewer.partnership).filter(
        transaction=OuterRef("transaction"), confirmed_at=None
    )
    counts = pending.aggregate(
        to_confirm=Count("pk", filter=Q(Exists(proposed), kind=PostCloseStep.Kind.HANDOFF_MEETING)),
        overdue=Count("pk", filter=Q(due_at__lte=now)),
        interactions=Count("pk", filter=Q(kind=PostCloseStep.Kind.FIRST_INTERACTION)),
    )
    return PostCloseCounts(**counts)


LATE_PARTS = {
    "leader": "Late: the leader's step",
    "leadership": "Late: leadership's step",
}


@dataclass
class HandoffParts:
    """The handoff meeting's two parts against its one deadline, each with its own state: the
    leader proposes times (when first), leadership confirms one (when); then, once held,
    leadership's evaluation."""

    proposed_at: datetime.datetime | None
    proposed_by: Member | None
    leader_state: str
    confirmed_at: datetime.datetime | None
    confirmed_by: Member | None
    leadership_state: str  # "" while no times are proposed
    late_party: str  # "leader", "leadership" or ""
    evaluation: HandoffEvaluation | None

    @property
    def late_label(self) -> str:
        return LATE_PARTS.get(self.late_party, "")


def handoff_parts(
    step: PostCloseStep, now: datetime.datetime, evaluation: HandoffEvaluation | None
) -> HandoffParts:
    """Reads `times_proposed_by` and `completed_by` (select them with the step)."""
    return HandoffParts(
        proposed_at=step.times_proposed_at,
        proposed_by=step.times_proposed_by,
        leader_state=step.leader_state(now),
        confirmed_at=step.completed_at,
        confirmed_by=step.completed_by,
        leadership_state=step.leadership_state(now) or "",
        late_party=step.late_party(now),
        evaluation=evaluation,
    )


def evaluation_of(transaction: Transaction) -> HandoffEvaluation | None:
    """The handoff evaluation selected with the transaction (`handoff_evaluation`), or None."""
    try:
        return transaction.handoff_evaluation
    except HandoffEvaluation.DoesNotExist:
        return None


@dataclass
class StepView:
    """A step as pages show it (or, for a transaction closed before steps existed, None)."""

    kind: PostCloseStep.Kind
    step: PostCloseStep | None
    state: str = ""
    # The handoff meeting only: its two parts and the evaluation.
    handoff: HandoffParts | None = None

    @property
    def label(self) -> str:
        return self.kind.label


def step_views(
    transaction: Transaction,
    steps,
    now: datetime.datetime,
    partnership: Partnership,
    evaluation: HandoffEvaluation | None = None,
) -> list[StepView]:
    """The transaction's steps in the fixed order, each with its state now."""
    by_kind = {step.kind: step for step in steps}
    views = []
    for kind in STEP_KINDS:
        step = by_kind.get(kind)
        handoff = None
        if step is not None:
            step.partnership = partnership  # for due_on, without a query
            if kind == PostCloseStep.Kind.HANDOFF_MEETING:
                handoff = handoff_parts(step, now, evaluation)
        views.append(StepView(kind, step, step.state(now) if step else "", handoff))
    return views


@dataclass
class PostCloseSection:
    """What a transaction's post-close section shows to one viewer."""

    transaction: Transaction
    viewer: Member
    steps: list[StepView]
    proposals: list[MeetingProposal]
    booked: MeetingProposal | None
    evaluation: HandoffEvaluation | None
    letter: ThankYouLetter | None
    letter_email: OutboxMessage | None
    interaction: ClientInteraction | None
    committee: list[Member]
    # Everyone who held a seat on the team (the committee, then those who left): the written
    # first interaction names them all.
    involved: list[Member] = field(default_factory=list)
    leadership: list[Member] = field(default_factory=list)
    forms: dict = field(default_factory=dict)
    now: datetime.datetime | None = None

    @property
    def meeting_held_to_record(self) -> bool:
        """Leadership records the handoff meeting as held once its booked time has passed."""
        return (
            self.is_leadership
            and self.booked is not None
            and self.evaluation is None
            and self.now is not None
            and self.booked.starts_at <= self.now
        )

    @property
    def mailing_address(self) -> str:
        """Where the printed letter goes: the saved letter's, else the portal's default."""
        if self.letter is not None:
            return self.letter.mailing_address
        return default_mailing_address(self.transaction)

    @property
    def letter_closing(self) -> list[str]:
        """The letter's fixed paragraphs after the leader's part, as the customer reads them."""
        return closing_paragraphs(self.transaction)

    @property
    def is_leader(self) -> bool:
        return self.viewer.pk == self.transaction.leader_id

    @property
    def is_leadership(self) -> bool:
        return self.viewer.is_leadership

    @property
    def participant_choices(self) -> list[Member]:
        """Who may take part in leadership's first client interaction: the committee, then
        leadership not on it."""
        seen = {m.pk for m in self.committee}
        return self.committee + [m for m in self.leadership if m.pk not in seen]


def post_close_section(
    transaction: Transaction,
    viewer: Member,
    now: datetime.datetime,
    team: list[TeamMember] | None = None,
) -> PostCloseSection:
    """The section's rows; `team`: the transaction's seats (`team_of`), when the page has them."""
    partnership = transaction.partnership
    transaction.partnership = partnership
    steps = (
        PostCloseStep.objects.for_partnership(partnership)
        .filter(transaction=transaction)
        .select_related("times_proposed_by", "completed_by")
    )
    evaluation = (
        HandoffEvaluation.objects.for_partnership(partnership)
        .filter(transaction=transaction)
        .select_related("recorded_by", "meeting")
        .first()
    )
    proposals = list(
        MeetingProposal.objects.for_partnership(partnership)
        .filter(transaction=transaction)
        .select_related("confirmed_by")
        .order_by("starts_at")
    )
    letter, letter_email = _letter_and_its_email(transaction)
    interaction = (
        ClientInteraction.objects.for_partnership(partnership)
        .filter(transaction=transaction)
        .select_related("recorded_by")
        .prefetch_related("participants")
        .first()
    )
    is_leadership = viewer.is_leadership
    committee = committee_of(transaction, team)
    return PostCloseSection(
        transaction=transaction,
        viewer=viewer,
        steps=step_views(transaction, steps, now, partnership, evaluation),
        proposals=proposals,
        booked=next((p for p in proposals if p.confirmed_at), None),
        evaluation=evaluation,
        now=now,
        letter=letter,
        letter_email=letter_email,
        interaction=interaction,
        committee=committee,
        # Leadership writes the first interaction; nobody else needs who left the team.
        involved=involved_members(transaction, committee)
        if is_leadership and interaction is None
        else committee,
        leadership=leaders(partnership) if is_leadership and interaction is None else [],
    )


def unconfirmed_meeting_times(transaction: Transaction) -> list[MeetingProposal]:
    """The handoff meeting times proposed and not confirmed: the ones leadership chooses from."""
    return list(
        MeetingProposal.objects.for_partnership(transaction.partnership).filter(
            transaction=transaction, confirmed_at__isnull=True
        )
    )


def thank_you_letter_of(transaction: Transaction) -> ThankYouLetter | None:
    """The transaction's saved thank-you letter, if any."""
    letter = (
        ThankYouLetter.objects.for_partnership(transaction.partnership)
        .filter(transaction=transaction)
        .first()
    )
    if letter is not None:
        letter.transaction = transaction
    return letter


def _letter_and_its_email(
    transaction: Transaction,
) -> tuple[ThankYouLetter | None, OutboxMessage | None]:
    """The transaction's thank-you letter, and the email that sent it once it was sent."""
    letter = thank_you_letter_of(transaction)
    if letter is None:
        return None, None
    if not letter.sent_at:
        return letter, None
    letter_email = (
        OutboxMessage.objects.for_partnership(transaction.partnership)
        .filter(idempotency_key=f"thank-you:transaction:{transaction.pk}")
        .first()
    )
    return letter, letter_email


def board_rows(page_rows, now: datetime.datetime, partnership: Partnership) -> list[tuple]:
    """(transaction, its step views) for one page of the board."""
    return [
        (
            transaction,
            step_views(
                transaction,
                transaction.post_close_steps.all(),
                now,
                partnership,
                evaluation_of(transaction),
            ),
        )
        for transaction in page_rows
    ]
