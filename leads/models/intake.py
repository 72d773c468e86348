"""Intake: where a prospect came from and what they asked for.

- Need, Timeframe, Channel, FormKind: the choices an intake form records.
- Lead: one prospect per email per partnership; Submission: each form they sent.
- details_origin (with first_submission and the origin sentences): where a lead's details
  came from, said to them.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Func, Value
from django.db.models.functions import Lower, Upper
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
    # A member entered a person their advocate referred (the advocates app's referrals).
    ADVOCATE_REFERRAL = "advocate_referral", "Advocate referral"


class Lead(ChannelMixin, TenantOwned):
    """A prospect who reached the partnership's website: one row per email per partnership."""

    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True)
    # The phone's digits alone, kept by PostgreSQL: "512 555 0101" finds "(512) 555-0101"
    # through this column's trigram index.
    phone_digits = models.GeneratedField(
        expression=Func(F("phone"), Value(r"\D"), Value(""), Value("g"), function="regexp_replace"),
        output_field=models.CharField(max_length=32),
        db_persist=True,
    )
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
        # The list's sorts (each with the pk that breaks ties, so a page's ids come from the
        # index alone), for every lead of the partnership and for a member's own.
        indexes = [
            models.Index(
                F("partnership"), F("created_at").desc(), F("id").desc(), name="lead_newest_idx"
            ),
            models.Index(
                F("partnership"),
                F("referring_member"),
                F("created_at").desc(),
                F("id").desc(),
                name="lead_mine_newest_idx",
            ),
            # The name too: a page's ids are read from the index alone (an index-only scan).
            models.Index(
                F("partnership"), Lower("name"), F("id"), name="lead_name_idx", include=["name"]
            ),
            models.Index(
                F("partnership"),
                F("referring_member"),
                Lower("name"),
                F("id"),
                name="lead_mine_name_idx",
                include=["name"],
            ),
            models.Index(
                F("partnership"),
                F("last_submitted_at").desc(),
                F("id").desc(),
                name="lead_activity_idx",
            ),
            models.Index(
                F("partnership"),
                F("referring_member"),
                F("last_submitted_at").desc(),
                F("id").desc(),
                name="lead_mine_activity_idx",
            ),
            models.Index(fields=["partnership", "channel"]),
            # The search: a substring of the name, email or phone (icontains compares UPPER()),
            # or of the phone's digits, through trigrams (pg_trgm). Without fastupdate: a new
            # lead goes into the index at once rather than into a pending list every search
            # reads until a vacuum (leads arrive one form at a time; searches are many).
            GinIndex(
                OpClass(Upper("name"), name="gin_trgm_ops"),
                OpClass(Upper("email"), name="gin_trgm_ops"),
                OpClass(Upper("phone"), name="gin_trgm_ops"),
                OpClass(F("phone_digits"), name="gin_trgm_ops"),
                name="lead_search_idx",
                fastupdate=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def get_absolute_url(self) -> str:
        return reverse("lead_detail", args=[self.pk])


class Submission(ChannelMixin, TenantOwned):
    """One filled-in /join/ or /contact/ form, kept as submitted (the lead's timeline)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="submissions")
    form = models.CharField(max_length=20, choices=FormKind.choices)
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


# policy: all contact to a lead "must first acknowledge to the prospect/lead the origin of the
# prospect/lead contact information": what the lead did to leave them, per form kind, said by the
# member reaching out. Every email, script and preview reads it from `details_origin`.
DETAILS_ORIGINS: dict[str, str] = {
    FormKind.JOIN: "you requested access to the {partnership} partner directory on the "
    "{partnership} website ({website})",
    FormKind.CONTACT: "you filled in the online form on the {partnership} website ({website})",
    FormKind.CAPTURE: "you left them on a property or information page published by "
    "{partnership} partner members",
}
REFERRED_TO_ME = "someone who knows you referred you to me"
REFERRED_TO_COLLEAGUE = (
    "someone who knows you referred you to {referrer}, a fellow {partnership} partner member"
)
REFERRED_TO_PARTNERSHIP = "someone who knows you referred you to a {partnership} partner member"
# A lead no form recorded (entered by leadership, imported): true of every lead.
UNKNOWN_ORIGIN = "you are among the prospects of the {partnership} partner network"


def first_submission(lead: Lead) -> Submission | None:
    """The submission that gave the partnership the lead's details (its named referrer
    selected), or None for a lead no form recorded."""
    return (
        Submission.objects.for_partnership(lead.partnership)
        .filter(lead=lead)
        .select_related("named_referrer")
        .order_by("created_at", "pk")
        .first()
    )


def details_origin(*, lead: Lead, member: Member | None) -> str:
    """The sentence that opens `member`'s contact with `lead`: where the lead's details came
    from, read from their first submission (the one that gave the partnership their details)."""
    # The member's own partnership is the lead's (and already loaded on a page).
    partnership = member.partnership if member is not None else lead.partnership
    first = first_submission(lead)
    if first is None:
        reason = UNKNOWN_ORIGIN
    elif first.form == FormKind.ADVOCATE_REFERRAL:
        # Entered by the member whose contact (an advocate) referred the lead.
        referrer = first.named_referrer
        if referrer is None:
            reason = REFERRED_TO_PARTNERSHIP
        elif member is not None and referrer.pk == member.pk:
            reason = REFERRED_TO_ME
        else:
            reason = REFERRED_TO_COLLEAGUE
    else:
        reason = DETAILS_ORIGINS.get(first.form, UNKNOWN_ORIGIN)
    referrer_name = first.named_referrer.display_name if first and first.named_referrer else ""
    because = reason.format(
        partnership=partnership.name, website=partnership.website_url, referrer=referrer_name
    )
    return f"I have your contact details because {because}."
