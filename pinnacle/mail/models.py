from email.utils import parseaddr

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower

from pinnacle.tenancy import TenantOwned


class OutboxMessage(TenantOwned):
    """One outgoing email: rendered, stored with the event that caused it, delivered later."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        OPENED = "opened", "Opened"
        CLICKED = "clicked", "Clicked"
        BOUNCED = "bounced", "Bounced"
        REJECTED = "rejected", "Rejected"
        COMPLAINED = "complained", "Complained"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Suppressed"

    class Category(models.TextChoices):
        # A direct answer to the recipient's own request or an account message: no opt-out needed.
        TRANSACTIONAL = "transactional", "Transactional"
        # Anything a lead did not ask for: opt-out link + RFC 8058 headers, refused when suppressed.
        OUTREACH = "outreach", "Outreach (opt-out required)"

    idempotency_key = models.CharField(max_length=200)
    template = models.CharField(max_length=120)
    category = models.CharField(
        max_length=16, choices=Category.choices, default=Category.TRANSACTIONAL
    )
    to_email = models.EmailField()
    from_email = models.CharField(max_length=320)
    reply_to = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)

    # What the message is about (a lead, an invitation, ...), for timelines.
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.BigIntegerField(null=True, blank=True)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    status_reason = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Who holds the claim: a worker records its result only while the row still carries its token.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    link_confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="A person confirmed a link on our own landing page."
    )
    esp_message_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "idempotency_key"], name="unique_outbox_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["partnership", "next_attempt_at"],
                condition=models.Q(status="queued"),
                name="outbox_pending_idx",
            ),
            models.Index(fields=["partnership", "content_type", "object_id"]),
            models.Index(fields=["partnership", "to_email"]),
            models.Index(fields=["esp_message_id"], name="outbox_esp_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} \u2192 {self.to_email}"

    @property
    def sender_name(self) -> str:
        """The From header's display name: the member for member-sent mail."""
        return parseaddr(self.from_email)[0] or self.from_email

    @property
    def status_tone(self) -> str:
        return STATUS_TONE.get(self.status, "neutral")

    @property
    def message_id_header(self) -> str:
        """A stable Message-ID: a resend after a worker died mid-delivery is the same message to
        mail clients and ESPs, so the duplicate collapses."""
        domain = self.from_email.rsplit("@", 1)[-1].strip(">") or "pinnacle.localhost"
        return f"<outbox.{self.pk}.{self.created_at:%Y%m%d%H%M%S}@{domain}>"


# The colour of a status badge wherever an email's status is shown: delivered and further is
# good, refusals are bad (CSS classes status-ok, status-bad ...).
STATUS_TONE: dict[str, str] = {
    OutboxMessage.Status.QUEUED: "neutral",
    OutboxMessage.Status.SENT: "info",
    OutboxMessage.Status.DELIVERED: "ok",
    OutboxMessage.Status.OPENED: "ok",
    OutboxMessage.Status.CLICKED: "ok",
    OutboxMessage.Status.BOUNCED: "bad",
    OutboxMessage.Status.REJECTED: "bad",
    OutboxMessage.Status.COMPLAINED: "bad",
    OutboxMessage.Status.FAILED: "bad",
    OutboxMessage.Status.SUPPRESSED: "bad",
}


class DeliveryEvent(TenantOwned):
    """An ESP tracking event for one outbox message, kept as received."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(max_length=30)
    esp_event_id = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    reject_reason = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    mta_response = models.TextField(blank=True)
    recipient = models.EmailField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["esp_event_id"],
                condition=~models.Q(esp_event_id=""),
                name="unique_esp_event",
            )
        ]
        indexes = [models.Index(fields=["partnership", "message", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} at {self.occurred_at:%Y-%m-%d %H:%M}"


class Suppression(TenantOwned):
    """An address that gets no further outreach from anyone in this partnership; after a hard
    bounce or a spam complaint, no mail at all (see `stops_all_mail`)."""

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", "Opted out"
        BOUNCED = "bounced", "Bounced"
        COMPLAINED = "complained", "Marked as spam"
        MANUAL = "manual", "Added by leadership"

    class Source(models.TextChoices):
        # The button on our page, after following the email's link.
        LINK = "link", "Opt-out link"
        # RFC 8058: the mail client's own unsubscribe button POSTs to the link.
        ONE_CLICK = "one_click", "One-click unsubscribe"
        # The lead told leadership (phone, letter ...); see `received_via`.
        LEADERSHIP = "leadership", "Recorded by leadership"
        # The ESP's webhook: its own unsubscribe, a hard bounce or a spam complaint.
        ESP = "esp", "Reported by the email service"

    class ReceivedVia(models.TextChoices):
        PHONE = "phone", "Phone"
        LETTER = "letter", "Letter"
        EMAIL = "email", "Email"
        IN_PERSON = "in_person", "In person"

    email = models.EmailField()
    # Set when the person's data was erased (pinnacle.privacy): `email` then holds a placeholder,
    # and this keyed hash of the address is what keeps the entry holding (docs/privacy.md).
    email_hash = models.CharField(max_length=64, blank=True, default="")
    reason = models.CharField(max_length=14, choices=Reason.choices)
    # Empty only on entries made before the source was recorded.
    source = models.CharField(max_length=12, choices=Source.choices, blank=True)
    received_via = models.CharField(
        "how it reached leadership",
        max_length=12,
        choices=ReceivedVia.choices,
        blank=True,
        help_text="For an opt-out the lead gave leadership directly.",
    )
    note = models.TextField(blank=True)
    # The message the person opted out from (the one whose link or headers they used).
    source_message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["partnership", "email_hash"], name="suppression_email_hash_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                Lower("email"),
                name="unique_suppression_email",
                violation_error_message="This address is already on the suppression list.",
            ),
            models.CheckConstraint(
                condition=models.Q(received_via="") | models.Q(source="leadership"),
                name="suppression_received_via_by_leadership",
                violation_error_message="Only an opt-out recorded by leadership says how it "
                "reached them.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_reason_display()})"

    @property
    def stops_all_mail(self) -> bool:
        # An address that does not exist or that reported us as spam gets nothing, transactional
        # mail included; an opt-out only stops what the person did not ask for.
        return self.reason in (self.Reason.BOUNCED, self.Reason.COMPLAINED)

    @property
    def is_opt_out(self) -> bool:
        """The person asked to hear no more (not a verdict on the address): a new request of
        their own re-opens contact."""
        return self.reason in (self.Reason.UNSUBSCRIBED, self.Reason.MANUAL)

    @property
    def source_label(self) -> str:
        """How the entry came about, as the lead's page says it: "Recorded by leadership: phone"."""
        if not self.source:
            return "Not recorded"
        if self.received_via:
            return f"{self.get_source_display()}: {self.get_received_via_display().lower()}"
        return self.get_source_display()
