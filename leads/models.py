from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from members.models import Member
from pinnacle.tenancy import TenantOwned


class Need(models.TextChoices):
    BUY = "buy", "Buy a home"
    SELL = "sell", "Sell a home"
    REFINANCE = "refinance", "Refinance"
    INVEST = "invest", "Invest"
    OTHER = "other", "Something else"


class Timeframe(models.TextChoices):
    NOW = "now", "Right away"
    THREE_MONTHS = "3m", "Within 3 months"
    SIX_MONTHS = "6m", "3\u20136 months"
    YEAR = "12m", "6\u201312 months"
    LATER = "later", "More than a year"
    BROWSING = "browsing", "Just exploring"


class Channel(models.TextChoices):
    WEBSITE = "website", "Website"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    LINKEDIN = "linkedin", "LinkedIn"
    X = "x", "X (Twitter)"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    OTHER = "other", "Other social platform"


class FormKind(models.TextChoices):
    JOIN = "join", "Directory access request"
    CONTACT = "contact", "Online form"


class Lead(TenantOwned):
    """A prospect who reached the partnership's website: one row per email per partnership."""

    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True)
    need = models.CharField(max_length=12, choices=Need.choices)
    timeframe = models.CharField(max_length=10, choices=Timeframe.choices)
    # The member the lead named as their referrer the first time they named one.
    referring_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="referred_leads"
    )
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.WEBSITE)
    utm = models.JSONField("UTM parameters", default=dict, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint("partnership", Lower("email"), name="unique_lead_email")
        ]
        indexes = [
            models.Index(fields=["partnership", "-created_at"]),
            models.Index(fields=["partnership", "referring_member", "-created_at"]),
            models.Index(fields=["partnership", "channel"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def get_absolute_url(self) -> str:
        return reverse("lead_detail", args=[self.pk])


class Submission(TenantOwned):
    """One filled-in /join/ or /contact/ form, kept as submitted (the lead's timeline)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="submissions")
    form = models.CharField(max_length=8, choices=FormKind.choices)
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=32, blank=True)
    need = models.CharField(max_length=12, choices=Need.choices)
    timeframe = models.CharField(max_length=10, choices=Timeframe.choices)
    message = models.TextField(blank=True)
    named_referrer = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.WEBSITE)
    utm = models.JSONField("UTM parameters", default=dict, blank=True)
    consent = models.BooleanField(default=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partnership", "lead", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_form_display()} from {self.name}"


class Inquiry(TenantOwned):
    """A prospect expressed interest in a member, who must reply within the policy's hours."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="inquiries")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="inquiries")
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # policy: reply within 24 hours, "even if just to acknowledge receipt and indicate follow-up
    # timing"; the sweep reminds the member at remind_at and escalates at due_at.
    due_at = models.DateTimeField()
    remind_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "inquiries"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "lead", "member"],
                condition=models.Q(responded_at__isnull=True),
                name="one_open_inquiry_per_lead_and_member",
            )
        ]
        indexes = [
            models.Index(fields=["partnership", "member", "-created_at"]),
            models.Index(
                fields=["remind_at"],
                condition=models.Q(responded_at__isnull=True, reminded_at__isnull=True),
                name="inquiry_reminder_due_idx",
            ),
            models.Index(
                fields=["due_at"],
                condition=models.Q(responded_at__isnull=True, escalated_at__isnull=True),
                name="inquiry_escalation_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead.name} \u2192 {self.member.display_name}"

    def get_absolute_url(self) -> str:
        return reverse("inquiry_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.responded_at is None


class InquiryResponse(TenantOwned):
    """A member's answer to an inquiry: a reply, or an acknowledgement with a follow-up date."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply"
        ACKNOWLEDGEMENT = "ack", "Acknowledgement with follow-up date"

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    body = models.TextField()
    follow_up_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["partnership", "inquiry", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.member}"
