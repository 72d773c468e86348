import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
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
    # A member entered a person their advocate referred (the advocates app's referrals).
    ADVOCATE_REFERRAL = "advocate_referral", "Advocate referral"


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
DETAILS_ORIGINS = {
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
        Submission.objects.filter(partnership_id=lead.partnership_id, lead=lead)
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
    # policy: an acknowledgement's promised follow-up is a deadline of its own: the end of the
    # promised day (the partnership's zone); the sweep reminds at follow_up_remind_at and
    # escalates at follow_up_due_at unless a reply came first (followed_up_at).
    follow_up_due_at = models.DateTimeField(null=True, blank=True)
    follow_up_remind_at = models.DateTimeField(null=True, blank=True)
    follow_up_reminded_at = models.DateTimeField(null=True, blank=True)
    follow_up_escalated_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)

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
            models.Index(
                fields=["follow_up_remind_at"],
                condition=models.Q(
                    follow_up_due_at__isnull=False,
                    followed_up_at__isnull=True,
                    follow_up_reminded_at__isnull=True,
                ),
                name="inquiry_follow_up_remind_idx",
            ),
            models.Index(
                fields=["follow_up_due_at"],
                condition=models.Q(
                    follow_up_due_at__isnull=False,
                    followed_up_at__isnull=True,
                    follow_up_escalated_at__isnull=True,
                ),
                name="inquiry_follow_up_escalate_idx",
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
    def awaits_follow_up(self) -> bool:
        """An acknowledgement promised a follow-up and no reply has come since."""
        return self.follow_up_due_at is not None and self.followed_up_at is None

    @property
    def follow_up_promised_on(self) -> datetime.date | None:
        """The day an acknowledgement promised to follow up by (its deadline is that day's end,
        in the partnership's zone)."""
        if self.follow_up_due_at is None:
            return None
        return self.partnership.localtime(self.follow_up_due_at).date() - datetime.timedelta(1)

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
    writing (a live `Disclosure`) may see anything of it; `leads.selectors.transactions`
    is the one place that decides who sees what.
    """

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
    referral partner member (`leads.services.transactions.works_alone` says it in Python)."""
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
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partnership", "transaction", "-created_at"])]

    def __str__(self) -> str:
        return self.summary


def transaction_document_path(instance, filename: str) -> str:
    return f"transactions/{instance.partnership_id}/{instance.transaction_id}/{filename}"


class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT, read at each use (tests point it elsewhere),
    and with no URL at all: only a view that checks who may see a file serves it."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def base_url(self):
        return None


def private_storage() -> PrivateStorage:
    return PrivateStorage()


class TransactionDocument(TenantOwned):
    """A file the team keeps with the transaction (served only to those who may see it)."""

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=160)
    file = models.FileField(upload_to=transaction_document_path, storage=private_storage)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partnership", "transaction", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class DisclosureCover(models.TextChoices):
    """What of a transaction a customer's written authorization lets its grantee read."""

    STAGE = "stage", "The stage and dates"
    TEAM = "team", "The team, with each member's role"
    PROPERTY = "property", "The property address and value"
    NOTES = "notes", "Timeline notes"
    DOCUMENTS = "documents", "Documents"
    CONTACT = "contact", "The customer's contact details"


def default_disclosure_covers() -> list[str]:
    """The narrowest useful reading: what authorizations recorded before covers existed get."""
    return [DisclosureCover.STAGE, DisclosureCover.TEAM]


class Disclosure(TenantOwned):
    """The customer's written authorization to disclose (policy: nothing about a customer's
    transaction goes outside its committee "unless explicitly authorized to do so by the
    customer in writing"). A named member of the partnership gets read access while it lasts,
    to what `covers` lists only; `scope` keeps the customer's own words."""

    Covers = DisclosureCover

    transaction = models.ForeignKey(
        Transaction, on_delete=models.CASCADE, related_name="disclosures"
    )
    grantee_name = models.CharField("to whom", max_length=160)
    grantee_email = models.EmailField(blank=True)
    grantee_member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A partner member named in the authorization gets read access to the "
        "transaction until it ends.",
    )
    scope = models.TextField("what may be disclosed")
    covers = ArrayField(
        models.CharField(max_length=12, choices=DisclosureCover.choices),
        verbose_name="what the grantee may read",
        default=default_disclosure_covers,
    )
    valid_until = models.DateField("until", help_text="The last day the authorization covers.")
    signed_document = models.FileField(upload_to=transaction_document_path, storage=private_storage)
    recorded_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["partnership", "transaction", "-created_at"]),
            models.Index(
                fields=["partnership", "grantee_member", "valid_until"],
                condition=models.Q(revoked_at__isnull=True),
                name="disclosure_grantee_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(covers__len__gte=1) & Q(covers__contained_by=DisclosureCover.values),
                name="disclosure_covers_known",
            )
        ]

    def __str__(self) -> str:
        return f"Disclosure to {self.grantee_name}"

    @property
    def cover_labels(self) -> list[str]:
        return [cover.label for cover in DisclosureCover if cover in self.covers]


class TransactionAccess(TenantOwned):
    """Every look at a transaction by someone outside its team (leadership, a disclosure):
    on what authority (`via`) and where it was shown (`seen_on`)."""

    class Via(models.TextChoices):
        LEADERSHIP = "leadership", "Leadership"
        DISCLOSURE = "disclosure", "Customer's written authorization"
        ADMIN = "admin", "Admin"

    class SeenOn(models.TextChoices):
        PAGE = "page", "Its page"
        DOWNLOAD = "download", "A download"
        LIST = "list", "The transactions list"
        EXPORT = "export", "The CSV export"
        LEAD_PAGE = "lead_page", "The customer's lead page"

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="accesses")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        "members.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(max_length=12, choices=Via.choices)
    disclosure = models.ForeignKey(
        Disclosure, null=True, blank=True, on_delete=models.SET_NULL, related_name="accesses"
    )
    path = models.CharField(max_length=300, blank=True)
    seen_on = models.CharField(max_length=12, choices=SeenOn.choices, default=SeenOn.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "transaction accesses"
        indexes = [models.Index(fields=["partnership", "transaction", "-created_at"])]


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
    # requires, the letterhead and the signature are added from the records (`leads.letters`).
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

    def __str__(self) -> str:
        return f"{self.get_mode_display()} ({self.transaction_id})"


class InteractionParticipant(TenantOwned):
    """Who took part in leadership's first client interaction."""

    interaction = models.ForeignKey(ClientInteraction, on_delete=models.CASCADE)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "interaction", "member"], name="one_participation"
            )
        ]
