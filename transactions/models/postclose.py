"""Post-close: the policy's duties after every close.

- PostCloseState, PostCloseStep: each duty with its deadline.
- MeetingProposal, HandoffRating, HandoffEvaluation: the handoff meeting with leadership.
- ThankYouLetter: the letter to the customer.
- ClientInteraction, InteractionParticipant: later contact with the customer.
"""

import datetime

from django.db import models
from django.db.models import Q

from members.models import Member
from pinnacle.tenancy import TenantOwned
from transactions.models.transaction import Transaction

# Post-close: what the policy requires after every close, each a row with a due date.


class PostCloseState(models.TextChoices):
    """Where a post-close step stands against its deadline (the rule, stated once)."""

    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    ON_TIME = "on_time", "Done on time"
    LATE = "late", "Done late"


class PostCloseStep(TenantOwned):
    """One post-close duty with its deadline; beat's sweep reminds the leader before it and
    escalates to leadership after it."""

    class Kind(models.TextChoices):
        # policy: schedule the handoff meeting with leadership within 2 days of the close.
        HANDOFF_MEETING = "handoff", "Handoff meeting booked with leadership"
        # policy: a personalized thank-you letter to the customer (letter window, 7 days).
        THANK_YOU_LETTER = "letter", "Thank-you letter sent"
        # policy: the leader takes part in leadership's first client interaction.
        FIRST_INTERACTION = "interaction", "Leadership's first client interaction"

    transaction = models.ForeignKey(
        Transaction, on_delete=models.CASCADE, related_name="post_close_steps"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    due_at = models.DateTimeField()
    remind_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The handoff meeting only: when the leader first proposed times (the leader's part; the
    # booking, leadership's part, is `completed_at`). New times later keep the first moment.
    times_proposed_at = models.DateTimeField(null=True, blank=True)
    times_proposed_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "leads_postclosestep"
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "transaction", "kind"], name="one_post_close_step_per_kind"
            )
        ]
        indexes = [
            models.Index(fields=["partnership", "due_at"]),
            models.Index(
                fields=["remind_at"],
                condition=models.Q(completed_at__isnull=True, reminded_at__isnull=True),
                name="post_close_reminder_due_idx",
            ),
            models.Index(
                fields=["due_at"],
                condition=models.Q(completed_at__isnull=True, escalated_at__isnull=True),
                name="post_close_escalation_due_idx",
            ),
            # Leadership's board: the transactions with a step still to do, by their nearest
            # deadline (transactions.selectors.board).
            models.Index(
                fields=["partnership", "transaction", "due_at"],
                condition=models.Q(completed_at__isnull=True),
                name="post_close_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.transaction_id})"

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None

    def state(self, now: datetime.datetime) -> PostCloseState:
        if self.completed_at is not None:
            return (
                PostCloseState.ON_TIME if self.completed_at <= self.due_at else PostCloseState.LATE
            )
        return PostCloseState.DUE if self.due_at > now else PostCloseState.OVERDUE

    # The handoff meeting has two parts against one deadline: the leader proposes times, then
    # leadership confirms one. Each part's lateness is its own person's.

    def leader_state(self, now: datetime.datetime) -> PostCloseState:
        """The leader's part of the handoff: proposing times by the deadline."""
        moment = self.times_proposed_at or self.completed_at
        if moment is not None:
            return PostCloseState.ON_TIME if moment <= self.due_at else PostCloseState.LATE
        return PostCloseState.DUE if self.due_at > now else PostCloseState.OVERDUE

    def leadership_state(self, now: datetime.datetime) -> PostCloseState | None:
        """Leadership's part of the handoff: confirming one of the proposed times by the
        deadline. None while no times are proposed (nothing to confirm). Times proposed after
        the deadline leave leadership no way to be on time: that lateness is the leader's."""
        if self.times_proposed_at is None and self.completed_at is None:
            return None
        if self.times_proposed_at is not None and self.times_proposed_at > self.due_at:
            return PostCloseState.ON_TIME if self.completed_at else PostCloseState.DUE
        return self.state(now)

    def late_party(self, now: datetime.datetime) -> str:
        """Whose part of the handoff is late (or overdue): "leader", "leadership" or ""."""
        late = (PostCloseState.LATE, PostCloseState.OVERDUE)
        if self.leader_state(now) in late:
            return "leader"
        if self.leadership_state(now) in late:
            return "leadership"
        return ""

    @property
    def due_on(self) -> datetime.date:
        """The last day of the deadline, the partnership's date (`due_at` is the midnight that
        ends it); reads `partnership`, so set it when handling many steps."""
        return self.partnership.localtime(self.due_at - datetime.timedelta(microseconds=1)).date()


class MeetingProposal(TenantOwned):
    """A time the leader proposes for the handoff meeting; leadership confirms one."""

    transaction = models.ForeignKey(
        Transaction, on_delete=models.CASCADE, related_name="meeting_proposals"
    )
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    proposed_by = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "leads_meetingproposal"
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "transaction"],
                condition=models.Q(confirmed_at__isnull=False),
                name="one_confirmed_meeting",
            )
        ]
        indexes = [models.Index(fields=["partnership", "transaction", "starts_at"])]


class HandoffRating(models.IntegerChoices):
    POOR = 1, "Poor (1)"
    FAIR = 2, "Fair (2)"
    GOOD = 3, "Good (3)"
    VERY_GOOD = 4, "Very good (4)"
    EXCELLENT = 5, "Excellent (5)"


class HandoffEvaluation(TenantOwned):
    """Leadership's record that the booked handoff meeting was held, with its evaluation of the
    transaction (policy: the handoff is for the "post-transaction evaluation of success,
    efficiency, and effectiveness"): a rating of each, and notes."""

    Rating = HandoffRating

    transaction = models.OneToOneField(
        Transaction, on_delete=models.CASCADE, related_name="handoff_evaluation"
    )
    meeting = models.OneToOneField(
        MeetingProposal, on_delete=models.PROTECT, related_name="evaluation"
    )
    success = models.PositiveSmallIntegerField(choices=HandoffRating.choices)
    efficiency = models.PositiveSmallIntegerField(choices=HandoffRating.choices)
    effectiveness = models.PositiveSmallIntegerField(choices=HandoffRating.choices)
    notes = models.TextField()
    recorded_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "leads_handoffevaluation"
        constraints = [
            models.CheckConstraint(
                condition=Q(success__range=(1, 5))
                & Q(efficiency__range=(1, 5))
                & Q(effectiveness__range=(1, 5)),
                name="handoff_ratings_one_to_five",
            ),
            models.CheckConstraint(condition=~Q(notes=""), name="handoff_evaluation_has_notes"),
        ]

    def __str__(self) -> str:
        return f"Handoff evaluation ({self.transaction_id})"


class ThankYouLetter(TenantOwned):
    """The post-close letter: drafted by the portal, its personal part edited by the leader,
    emailed to the customer and printable as a PDF for mailing."""

    transaction = models.OneToOneField(
        Transaction, on_delete=models.CASCADE, related_name="thank_you_letter"
    )
    # The leader's personal part (greeting, thanks, their own words); the paragraphs the policy
    # requires, the letterhead and the signature are added from the records
    # (`transactions.letters`).
    body = models.TextField()
    # Where the printed letter is mailed: the address block of the PDF. The property address for
    # a purchase (the customer's new home) until the leader changes it; needed to mail it.
    mailing_address = models.TextField(blank=True)
    edited_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # policy: "mail/email a personalized thank you letter": the printed one, mailed by the leader.
    mailed_at = models.DateTimeField("printed letter mailed at", null=True, blank=True)
    mailed_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "leads_thankyouletter"

    def __str__(self) -> str:
        return f"Thank-you letter ({self.transaction_id})"

    @property
    def is_final(self) -> bool:
        """Emailed or mailed: what the customer has is no longer edited."""
        return self.sent_at is not None or self.mailed_at is not None


class ClientInteraction(TenantOwned):
    """Leadership's first interaction with the new client, with the leader taking part."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        CALL = "call", "Live telephone call"
        WRITTEN = "written", "Written (letter or email)"

    transaction = models.OneToOneField(
        Transaction, on_delete=models.CASCADE, related_name="client_interaction"
    )
    mode = models.CharField(max_length=10, choices=Mode.choices)
    occurred_at = models.DateTimeField()
    # policy: a written one names every member of the transaction committee.
    body = models.TextField(blank=True)
    participants = models.ManyToManyField(
        Member, through="InteractionParticipant", related_name="+"
    )
    recorded_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "leads_clientinteraction"

    def __str__(self) -> str:
        return f"{self.get_mode_display()} ({self.transaction_id})"


class InteractionParticipant(TenantOwned):
    """Who took part in leadership's first client interaction."""

    interaction = models.ForeignKey(ClientInteraction, on_delete=models.CASCADE)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "leads_interactionparticipant"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "interaction", "member"], name="one_participation"
            )
        ]
