"""Members reaching out to leads under the partnership's engagement policy.

Every attempt (an email through the portal, a call, a personal email or text logged by the
member) is a row; the policy's state for one member and one lead lives on `OutreachPair`, the row
the services lock so that two attempts can never both pass the policy at once.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from leads.models import Lead
from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.tenancy import TenantOwned


class Channel(models.TextChoices):
    PORTAL_EMAIL = "portal_email", "Email through the portal"
    CALL = "call", "Phone call"
    PERSONAL_EMAIL = "personal_email", "Personal email (outside the portal)"
    TEXT = "text", "Text message"


class CallOutcome(models.TextChoices):
    # policy: "if unable to make contact a short voicemail": a voicemail is the outcome of a
    # call attempt, not another attempt.
    NO_ANSWER = "no_answer", "No answer"
    VOICEMAIL = "voicemail", "Voicemail left"
    SPOKE = "spoke", "Spoke with the lead"


class Stage(models.TextChoices):
    """Where a lead is on the journey, derived from what happened (selectors.lead_stage)."""

    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    IN_CONVERSATION = "in_conversation", "In conversation"
    CUSTOMER = "customer", "Customer"
    PAST_CUSTOMER = "past_customer", "Past customer"


class OutreachPair(TenantOwned):
    """One member's outreach to one lead: the lock for the policy, and whether it has ceased."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")
    # policy: after 8 attempts with no contact within a month the member ceases contact, until
    # the lead reaches that member again (a later inquiry or reply lifts it).
    ceased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "member", "lead"], name="one_outreach_pair"
            )
        ]
        indexes = [
            # Leadership's compliance report: the pairs that ceased in a period (a few among
            # every pair the partnership's members ever had).
            models.Index(
                fields=["partnership", "ceased_at"],
                condition=models.Q(ceased_at__isnull=False),
                name="outreach_pair_ceased_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} \u2192 {self.lead}"


class Attempt(TenantOwned):
    """One try by a member to reach a lead, on any channel, as made or as logged."""

    pair = models.ForeignKey(OutreachPair, on_delete=models.CASCADE, related_name="attempts")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    outcome = models.CharField(max_length=12, choices=CallOutcome.choices, blank=True)
    note = models.TextField(blank=True)
    # The email, for attempts made through the portal (a message or a recommendation).
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    was_cold = models.BooleanField(help_text="The member had not yet made contact.")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-made_at"]
        indexes = [
            models.Index(fields=["partnership", "member", "lead", "-made_at"]),
            models.Index(fields=["partnership", "lead", "-made_at"]),
            models.Index(fields=["partnership", "-made_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} by {self.member} to {self.lead}"

    @property
    def made_contact(self) -> bool:
        return self.outcome == CallOutcome.SPOKE


class LeadReply(TenantOwned):
    """The lead answered the member (by email, phone or text outside the portal), as logged by
    the member: contact made, and the lead reaching the member lifts a cease."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replied_at"]
        verbose_name_plural = "lead replies"
        indexes = [models.Index(fields=["partnership", "member", "lead", "-replied_at"])]

    def __str__(self) -> str:
        return f"{self.lead} replied to {self.member}"


class Refusal(TenantOwned):
    """An attempt the policy refused: kept for the member's page and leadership's report."""

    class Reason(models.TextChoices):
        CADENCE = "cadence", "Cold attempts per week used up"
        CEASED = "ceased", "Ceased: no contact after the allowed attempts"
        OPTED_OUT = "opted_out", "The lead opted out"
        EMAIL_SUPPRESSED = "email_suppressed", "Email address bounced or complained"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    explanation = models.CharField(max_length=300)
    next_allowed_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-refused_at"]
        indexes = [
            models.Index(fields=["partnership", "-refused_at"]),
            models.Index(fields=["partnership", "member", "lead", "-refused_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.member} \u2192 {self.lead}"


class Template(TenantOwned):
    """A member's own starting point for a message, tagged with the lead stages it suits."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    subject = models.CharField(max_length=150)
    body = models.TextField(
        help_text="Your own words; edit them for each lead before sending. The partnership's "
        "acknowledgement and introductory statement, your signature with the seal, and the "
        "opt-out link are added for you."
    )
    stages = ArrayField(
        models.CharField(max_length=16, choices=Stage.choices),
        default=list,
        blank=True,
        help_text="The lead stages this template suits; offered first for leads at that stage.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "member", "name"], name="unique_outreach_template_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Recommendation(TenantOwned):
    """Cross-selling: a member recommended other members to a lead, by an email to the lead."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")
    recommended = models.ManyToManyField(Member, related_name="+")
    note = models.TextField()
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partnership", "lead", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.member} recommended members to {self.lead}"


class DecisionNote(TenantOwned):
    """The lead's decision process as they talked it through, and the member's feedback."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")
    decision_process = models.TextField()
    feedback = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partnership", "lead", "-created_at"])]

    def __str__(self) -> str:
        return f"Decision notes by {self.member} on {self.lead}"
