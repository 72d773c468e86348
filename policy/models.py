"""Policy governance: the engagement policy is versioned; members critique it and vote on
revisions, and an approved revision becomes the current version with its numbers.

The tables keep the names they had when these models lived in `members` (`db_table`), so a
database from before the move needs no data migration."""

from django.db import models
from django.urls import reverse
from django.utils import timezone as dj_timezone

from members.models import Member
from pinnacle.tenancy import TenantOwned


class PolicyVersion(TenantOwned):
    """One version of the partnership's engagement policy, as members read it."""

    number = models.PositiveIntegerField()
    text = models.TextField()
    # The policy numbers (and introductory statement) this version set, by Partnership field.
    settings = models.JSONField(default=dict)
    revision = models.OneToOneField(
        "PolicyRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    effective_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        db_table = "members_policyversion"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "number"], name="unique_policy_version")
        ]

    def __str__(self) -> str:
        return f"Engagement policy, version {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("policy_version", args=[self.number])


class PolicySuggestion(TenantOwned):
    """A member's critique of the policy or suggestion for its improvement."""

    class Kind(models.TextChoices):
        CRITIQUE = "critique", "Critique"
        SUGGESTION = "suggestion", "Suggestion"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ADOPTED = "adopted", "Taken into a revision"
        DECLINED = "declined", "Declined"

    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SUGGESTION)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    revision = models.ForeignKey(
        "PolicyRevision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    response = models.TextField("leadership's response", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "members_policysuggestion"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partnership", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author}"


class BreachReport(TenantOwned):
    """A suspected breach of the policy, confidential to leadership. The reporter is protected:
    never shown to the member reported, and not stored at all when they ask to stay anonymous.
    Anyone may report: a member (from their login) or a visitor (a prospect, a customer), who
    may leave a name and email for follow-up."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        REVIEWING = "reviewing", "Under review"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    class Source(models.TextChoices):
        MEMBER = "member", "A partner member"
        VISITOR = "visitor", "A visitor (prospect or customer)"

    class RoutedTo(models.TextChoices):
        LEADERSHIP = "leadership", "Leadership"
        SITE_ADMINS = "site_admins", "The site's administrators"

    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MEMBER)
    reporter = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A visitor's contact details, when they leave them for follow-up.
    reporter_name = models.CharField(max_length=120, blank=True)
    reporter_email = models.EmailField(blank=True)
    # Who was sent the report: leadership, or (when it concerns every active leader) the site's
    # superusers.
    routed_to = models.CharField(
        max_length=12, choices=RoutedTo.choices, default=RoutedTo.LEADERSHIP
    )
    subject_member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="member concerned",
    )
    description = models.TextField()
    occurred_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "members_breachreport"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["partnership", "status", "-created_at"]),
            models.Index(fields=["reporter", "-created_at"], name="breach_report_by_reporter"),
        ]

    def __str__(self) -> str:
        return f"Breach report #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("policy_report_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.RESOLVED, self.Status.DISMISSED)


class PolicyRevision(TenantOwned):
    """A proposed revision of the policy, put to the membership's vote in a window."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        VOTING = "voting", "Voting"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    title = models.CharField(max_length=160)
    rationale = models.TextField(blank=True)
    text = models.TextField("revised policy text")
    # The proposed policy numbers (and introductory statement), by Partnership field.
    settings = models.JSONField(default=dict)
    base_version = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    voting_opens_at = models.DateTimeField(null=True, blank=True)
    voting_closes_at = models.DateTimeField(null=True, blank=True)
    majority_of = models.CharField(max_length=12, blank=True)
    eligible_count = models.PositiveIntegerField(null=True, blank=True)
    yes_count = models.PositiveIntegerField(null=True, blank=True)
    no_count = models.PositiveIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "members_policyrevision"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["partnership", "-created_at"]),
            models.Index(
                fields=["voting_closes_at"],
                condition=models.Q(status="voting"),
                name="policy_revision_voting_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policy_revision_detail", args=[self.pk])

    @property
    def is_decided(self) -> bool:
        return self.status in (self.Status.APPROVED, self.Status.REJECTED)

    def accepts_votes(self, now) -> bool:
        """Inside its voting window: opened, and not yet closed."""
        return (
            self.status == self.Status.VOTING
            and self.voting_opens_at is not None
            and self.voting_opens_at <= now < self.voting_closes_at
        )

    def voting_stage(self, now) -> str:
        """draft, scheduled (opens later), open, counting (window over, result not yet
        recorded) or decided."""
        if self.is_decided:
            return "decided"
        if self.status == self.Status.DRAFT:
            return "draft"
        if now < self.voting_opens_at:
            return "scheduled"
        return "open" if now < self.voting_closes_at else "counting"


class PolicyVote(TenantOwned):
    """One active member's vote on a revision; changeable until the window closes."""

    class Choice(models.TextChoices):
        YES = "yes", "Approve"
        NO = "no", "Reject"

    revision = models.ForeignKey(PolicyRevision, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=3, choices=Choice.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "members_policyvote"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "revision", "member"], name="one_vote_per_member"
            )
        ]
