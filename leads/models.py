import datetime

from django.db import models
from django.db.models import F, Q
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
    EMAIL = "email", "Email or newsletter"
    SEARCH = "search", "Search engine"
    # Any other utm_source: kept as given and shown with it ("Other source: partner-blog").
    OTHER = "other", "Other source"


class ChannelMixin(models.Model):
    """Where a visitor came from: a channel, and the utm_source it was read from."""

    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.WEBSITE)
    utm = models.JSONField("UTM parameters", default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def channel_label(self) -> str:
        """The channel as people read it; an unrecognised source is named as it was given."""
        source = self.utm.get("utm_source", "") if isinstance(self.utm, dict) else ""
        if self.channel == Channel.OTHER and source:
            return f"{Channel.OTHER.label}: {source}"
        return self.get_channel_display()


class FormKind(models.TextChoices):
    JOIN = "join", "Directory access request"
    CONTACT = "contact", "Online form"
    # A co-marketing property site or lead capture page (the comarketing app's public pages).
    CAPTURE = "capture", "Co-marketing lead capture"


class Lead(ChannelMixin, TenantOwned):
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


class Submission(ChannelMixin, TenantOwned):
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
    consent = models.BooleanField(default=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partnership", "lead", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_form_display()} from {self.name}"


class InquiryState(models.TextChoices):
    """Where an inquiry stands against its reply deadline (the rule, stated once)."""

    AWAITING = "awaiting", "Awaiting reply"
    OVERDUE = "overdue", "Overdue"
    IN_TIME = "in_time", "Answered in time"
    LATE = "late", "Answered late"


# policy: reply within the partnership's hours; the first answer (a reply or an acknowledgement
# with a follow-up date) counts. The same rule for one row (Inquiry.state) and in SQL:
ANSWERED_IN_TIME = Q(responded_at__isnull=False, responded_at__lte=F("due_at"))
ANSWERED_LATE = Q(responded_at__isnull=False, responded_at__gt=F("due_at"))


def awaiting_at(now: datetime.datetime) -> Q:
    return Q(responded_at__isnull=True, due_at__gt=now)


def overdue_at(now: datetime.datetime) -> Q:
    return Q(responded_at__isnull=True, due_at__lte=now)


class Inquiry(TenantOwned):
    """A prospect wrote to a member ("Connect / express interest", or the online form naming
    them), or through the online form to the partnership's leadership (no member); whoever it
    is addressed to must answer within the policy's hours."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="inquiries")
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inquiries",
        help_text="Empty: addressed to the partnership's leadership; any leader may answer.",
    )
    # The online form that raised it; empty for "Connect / express interest" from the directory.
    submission = models.OneToOneField(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiry"
    )
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
                nulls_distinct=False,  # one open inquiry to leadership, too
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
        return f"{self.lead.name} \u2192 {self.addressee}"

    def get_absolute_url(self) -> str:
        return reverse("inquiry_detail", args=[self.pk])

    @property
    def addressee(self) -> str:
        """Who the prospect wrote to, as pages and emails name them."""
        return self.member.display_name if self.member_id else "Leadership"

    @property
    def is_for_leadership(self) -> bool:
        return self.member_id is None

    @property
    def is_open(self) -> bool:
        return self.responded_at is None

    def state(self, now: datetime.datetime) -> InquiryState:
        if self.responded_at is not None:
            return InquiryState.IN_TIME if self.responded_at <= self.due_at else InquiryState.LATE
        return InquiryState.AWAITING if self.due_at > now else InquiryState.OVERDUE

    @property
    def answered_late(self) -> bool:
        return self.responded_at is not None and self.responded_at > self.due_at


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
