"""Co-marketing partners: a lender's connections with agents (and allied resources), from the
invitation to an active partnership, with the statuses the seed names."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from leads.models import Lead
from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.tenancy import TenantOwned


class Status(models.TextChoices):
    # The seed's names, its typo ("Delievered") corrected. A status only moves forward.
    NOT_DELIVERED = "not_delivered", "Pending - Email Not Delivered"
    DELIVERED = "delivered", "Pending - Email Delivered"
    OPENED = "opened", "Pending - Email Opened"
    LINK_CLICKED = "link_clicked", "Pending - Invitation Link Clicked"
    ACTIVE = "active", "Active"


STATUS_ORDER = [s.value for s in Status]

# The member profile fields an invitee fills in on registration; a lender whose company opted in
# may pre-fill them (with the name) and the invitee sees them filled in, free to correct them.
PROFILE_FIELDS = [
    "job_title",
    "cell_phone",
    "office_phone",
    "employer",
    "license_number",
    "mls_market",
    "mls_agent_id",
    "street_address",
    "city",
    "state",
    "postal_code",
]
PREFILL_FIELDS = ["first_name", "last_name", *PROFILE_FIELDS]


class Connection(TenantOwned):
    """One co-marketing connection: pending while the invitation travels, active once the
    partner registered or accepted. Deleting keeps the row (the history) and frees the address
    to be invited again."""

    lender = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_DELIVERED)
    status_reason = models.CharField(max_length=300, blank=True)
    # The invitation link's secret: resending sends the same link.
    token = models.CharField(max_length=64, unique=True, editable=False)
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prefill = models.JSONField(default=dict, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField()
    link_clicked_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # How many of the reminder days are dealt with (pending invitation; incomplete profile after
    # acceptance): a reminder went out, or none was needed (the profile was complete that day).
    # At 2 the row is done and leaves the sweep's partial index.
    pending_reminders_sent = models.PositiveSmallIntegerField(default=0)
    profile_reminders_sent = models.PositiveSmallIntegerField(default=0)

    # Not a column: `selectors.partners_for_lead` names the partner on the viewer's other side.
    other: Member | None

    class Meta:
        ordering = ["-invited_at"]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                "lender",
                Lower("email"),
                condition=models.Q(deleted_at__isnull=True),
                name="one_live_connection_per_address",
                violation_error_message="This address already has a connection with you.",
            )
        ]
        indexes = [
            models.Index(
                fields=["partnership", "lender", "-invited_at"],
                condition=models.Q(deleted_at__isnull=True),
                name="comarketing_menu_idx",
            ),
            # The menu from the partner's side, and leadership's menu of every live connection
            # (its page in order and its count, read from the index alone).
            models.Index(
                fields=["partnership", "partner", "-invited_at", "-id"],
                condition=models.Q(deleted_at__isnull=True),
                name="comarketing_partner_menu_idx",
            ),
            models.Index(
                fields=["partnership", "-invited_at", "-id"],
                condition=models.Q(deleted_at__isnull=True),
                name="comarketing_all_menu_idx",
            ),
            # The reminder sweep: live rows with a reminder day still ahead, by when their clock
            # started. A row whose reminders are dealt with leaves the index, so the sweep reads
            # the rows in their reminder window, not every connection ever made.
            models.Index(
                fields=["invited_at"],
                condition=models.Q(
                    deleted_at__isnull=True, accepted_at__isnull=True, pending_reminders_sent__lt=2
                ),
                name="comarketing_pending_due_idx",
            ),
            models.Index(
                fields=["accepted_at"],
                condition=models.Q(
                    deleted_at__isnull=True, accepted_at__isnull=False, profile_reminders_sent__lt=2
                ),
                name="comarketing_profile_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lender} \u2194 {self.partner or self.email}"

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    def has_party(self, member) -> bool:
        """Whether `member` is one of the connection's two partners."""
        return member.pk in (self.lender_id, self.partner_id)

    def is_open_to(self, member) -> bool:
        """Whether `member` may see the connection, its overview and its media, and act on
        them: its two partners, and the partnership's leadership."""
        return member.is_leadership or self.has_party(member)

    @property
    def is_tracked(self) -> bool:
        """Whether the email system reports delivery for the invitation (SMTP and file
        backends do not), so a "not delivered" status can be told from "we cannot know"."""
        return bool(self.message and self.message.esp_message_id)


class SharedLead(TenantOwned):
    """A lead one partner of an active connection shared with the other, with a note. Sharing
    sends nothing to the lead: what the partner does next goes through the outreach rules."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")
    shared_by = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    shared_with = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(blank=True)
    # The co-branded page whose form captured the lead, when the share came from a capture.
    media = models.ForeignKey(
        "Media", null=True, blank=True, on_delete=models.SET_NULL, related_name="captured_leads"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "lead", "shared_with"],
                name="one_share_per_lead_and_partner",
                violation_error_message="This lead was already shared with this partner.",
            )
        ]
        indexes = [
            # The overview's two lists: shared with the viewer, and shared by the viewer.
            models.Index(
                fields=["partnership", "connection", "shared_with", "-created_at"],
                name="comarketing_shared_with_idx",
            ),
            models.Index(
                fields=["partnership", "connection", "shared_by", "-created_at"],
                name="comarketing_shared_by_idx",
            ),
            # The lead page's panel: who this lead was already shared with.
            models.Index(fields=["partnership", "lead"], name="comarketing_shared_lead_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.lead} shared by {self.shared_by} with {self.shared_with}"


class Media(TenantOwned):
    """Co-branded material two active partners made together. Each carries both partners'
    branding, the partnership seal and website. A property site and a lead capture page are
    public at `/m/<slug>/`; leads captured there belong to `owner` and are shared with the other
    partner."""

    class Kind(models.TextChoices):
        FLYER = "flyer", "Printable flyer"
        PROPERTY_SITE = "property_site", "Single property site"
        CAPTURE_PAGE = "capture_page", "Lead capture page"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="media")
    owner = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The partner whose site or page it is: captured leads are assigned to them.",
    )
    created_by = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    slug = models.SlugField(max_length=80, unique=True, help_text="The public address: /m/<slug>/.")
    title = models.CharField(max_length=150)
    headline = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    # A listing's details (flyers and property sites).
    address = models.CharField(max_length=200, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=0, null=True, blank=True)
    bedrooms = models.PositiveSmallIntegerField(null=True, blank=True)
    bathrooms = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    square_feet = models.PositiveIntegerField(null=True, blank=True)
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "media"
        indexes = [models.Index(fields=["partnership", "connection", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class MediaPhoto(TenantOwned):
    """A photo of a flyer's or property site's listing, checked and re-encoded by Pillow."""

    media = models.ForeignKey(Media, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="comarketing/photos/")
    thumbnail = models.ImageField(upload_to="comarketing/thumbs/")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["partnership", "media", "position"])]

    def __str__(self) -> str:
        return f"Photo {self.position} of {self.media}"
