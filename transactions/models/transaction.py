"""Transactions and their team committee.

- TransactionKind, TransactionStage, COMMITTEE_MINIMUM, is_forming: a deal's kind, stage
  and the forming rule.
- Transaction, TeamMember: the customer's deal and the partner members working it.
- LeaderProposal, LeaderAgreement: the team choosing its leader.
- TransactionEvent: the transaction's own timeline.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from leads.models.intake import Lead
from members.models import Member
from pinnacle.tenancy import TenantOwned

# Transactions: a customer's deal worked by a team committee of partner members.


class TransactionKind(models.TextChoices):
    BUY = "buy", "Buy"
    SELL = "sell", "Sell"
    REFINANCE = "refinance", "Refinance"
    OTHER = "other", "Other"


class TransactionStage(models.TextChoices):
    OPENED = "opened", "Opened"
    UNDER_CONTRACT = "under_contract", "Under contract"
    CLOSED = "closed", "Closed"
    FELL_THROUGH = "fell_through", "Fell through"


# policy: "a transactional team committee (two or more partner members)"; until then an opened
# transaction is "forming", unless its lone member works alone (`is_forming`, below).
COMMITTEE_MINIMUM = 2


class Transaction(TenantOwned):
    """A lead's transaction (the lead becomes the customer), worked by a team committee.

    Confidential (policy): only its team, leadership, and a party the customer authorized in
    writing (a live `Disclosure`) may see anything of it; `transactions.selectors`
    is the one place that decides who sees what.
    """

    # Its audit records (kept forever) name it as they did when it was the leads app's.
    audit_target_type = "leads.transaction"

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(max_length=10, choices=TransactionKind.choices)
    property_address = models.CharField(max_length=250, blank=True)
    expected_close_on = models.DateField("expected close date", null=True, blank=True)
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    stage = models.CharField(
        max_length=16, choices=TransactionStage.choices, default=TransactionStage.OPENED
    )
    # The lead's referring member when the transaction opened: the team's leader whenever they
    # are on the team; otherwise the team self-appoints one (LeaderProposal).
    referral_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    leader = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    # The partnership's date of the close; post-close deadlines count from it.
    closed_on = models.DateField(null=True, blank=True)
    # Bumped to revoke every customer link sent so far.
    customer_link_version = models.PositiveIntegerField(default=1)
    # Leadership confirmed that this lone member is the whole team (who, when): the transaction
    # then leaves "forming" like a committee does. Cleared when a second member joins.
    solo_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    solo_confirmed_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    solo_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "leads_transaction"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["partnership", "-created_at"]),
            models.Index(fields=["partnership", "lead"]),
            models.Index(fields=["partnership", "stage", "-closed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.lead.name}"

    def get_absolute_url(self) -> str:
        return reverse("transaction_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.stage == TransactionStage.CLOSED


class TeamMember(TenantOwned):
    """A partner member on a transaction's team committee, with the role they play in it."""

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="team")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="team_seats")
    role = models.CharField(
        max_length=80, blank=True, help_text="What they do on this transaction, e.g. Lender."
    )
    added_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "leads_teammember"
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "transaction", "member"], name="one_seat_per_member"
            )
        ]
        indexes = [models.Index(fields=["partnership", "member", "transaction"])]

    def __str__(self) -> str:
        return f"{self.member} on {self.transaction_id}"


def is_forming() -> Q:
    """A transaction still forming, in SQL of rows annotated with `team_size`: opened, fewer than
    two members, and its lone member neither confirmed by leadership as the whole team nor the
    referral partner member (`transactions.services.lifecycle.works_alone` says it in Python)."""
    return Q(
        stage=TransactionStage.OPENED, team_size__lt=COMMITTEE_MINIMUM, solo_member__isnull=True
    ) & ~Q(
        Exists(
            TeamMember.objects.filter(
                partnership=OuterRef("partnership"),
                transaction=OuterRef("pk"),
                member=OuterRef("referral_member"),
            )
        )
    )


class LeaderProposal(TenantOwned):
    """A team member proposes a leader; settled when a majority of the team has agreed."""

    transaction = models.ForeignKey(
        Transaction, on_delete=models.CASCADE, related_name="leader_proposals"
    )
    candidate = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    proposed_by = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    # A newer proposal, the referral member joining, or a settlement ends the others.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "leads_leaderproposal"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partnership", "transaction", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.candidate} proposed to lead {self.transaction_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class LeaderAgreement(TenantOwned):
    proposal = models.ForeignKey(
        LeaderProposal, on_delete=models.CASCADE, related_name="agreements"
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "leads_leaderagreement"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "proposal", "member"], name="one_agreement_per_member"
            )
        ]


class TransactionEvent(TenantOwned):
    """One entry of a transaction's own timeline: what happened, who did it, and whether the
    team shares it with the customer on their read-only page."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        STAGE = "stage", "Stage"
        DETAILS = "details", "Details"
        TEAM = "team", "Team"
        LEADER = "leader", "Leader"
        NOTE = "note", "Note"
        DOCUMENT = "document", "Document"
        DISCLOSURE = "disclosure", "Disclosure"
        POST_CLOSE = "post_close", "Post-close"
        EMAIL = "email", "Email"

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    shared_with_customer = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "leads_transactionevent"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partnership", "transaction", "-created_at"])]

    def __str__(self) -> str:
        return self.summary
