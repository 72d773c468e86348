"""A member's inner circle (seed chapter 5): the people who send them business.

Every row belongs to one member (`owner`): nobody else reads it, leadership only in aggregate.
The relationship strength score's three factors are stored on the contact, normalised 0-100 over
a rolling 12 months (`advocates.services.score`), so a change of weights is one UPDATE and a
sortable list needs no computation.

- Contact, Segment, SegmentChange: who is in the circle and in which segment.
- CircleSettings: a member's score weights and digest clock.
- Interaction, ServiceRecord: the communication log and the transaction history with a contact.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.tenancy import TenantOwned

ONE_TO_TEN = [MinValueValidator(1), MaxValueValidator(10)]


class Segment(models.TextChoices):
    # seed 5.2: "the inner circle can be broken down into three main segments"
    ALLIED_RESOURCES = "allied_resources", "Allied Resources"
    ADVOCATES = "advocates", "Advocates"
    CORE_ADVOCATES = "core_advocates", "Core Advocates"


class Contact(TenantOwned):
    """One person in a member's inner circle: an outside contact, or a partner member of the
    same partnership (`linked_member`, an allied resource in the directory, say)."""

    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    linked_member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The partner member this contact is, when they are one.",
    )
    segment = models.CharField(max_length=20, choices=Segment.choices, default=Segment.ADVOCATES)
    # Personal information (seed 5.3 data points).
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    company = models.CharField(max_length=120, blank=True)
    service = models.CharField(
        max_length=120, blank=True, help_text="What they do, for an allied resource."
    )
    mailing_address = models.TextField(blank=True)
    family = models.TextField(blank=True)
    hobbies = models.TextField(blank=True)
    interests = models.TextField(blank=True)
    birthday = models.DateField(null=True, blank=True)
    home_anniversary = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # The member's own rating of an allied resource's service (client feedback is separate).
    service_rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=ONE_TO_TEN)
    # The score's factors, each 0-100 over the last 12 months, and the weighted total.
    frequency_points = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    reciprocal_points = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    appreciation_points = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    strength = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    # The day the oldest counted input leaves the 12-month window: the score is due then.
    score_due_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                "owner",
                models.functions.Lower("email"),
                condition=~Q(email=""),
                name="one_contact_per_owner_email",
            ),
            models.UniqueConstraint(
                fields=["partnership", "owner", "linked_member"],
                condition=Q(linked_member__isnull=False),
                name="one_contact_per_owner_member",
            ),
            models.CheckConstraint(
                condition=Q(strength__gte=0, strength__lte=100), name="strength_0_100"
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "owner", "-strength"]),
            models.Index(fields=["partnership", "owner", "segment"]),
            models.Index(
                fields=["partnership", "score_due_on"],
                condition=Q(score_due_on__isnull=False),
                name="contact_score_due",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SegmentChange(TenantOwned):
    """A contact moved between segments (the first row is where they started)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="segment_changes")
    from_segment = models.CharField(max_length=20, choices=Segment.choices, blank=True)
    to_segment = models.CharField(max_length=20, choices=Segment.choices)
    reason = models.CharField(max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "contact", "-changed_at"])]


class CircleSettings(TenantOwned):
    """One member's settings for their inner circle: the score's weights and the digest clock."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    # seed 5.3: "Weight1, Weight2, and Weight3 represent the relative importance of each factor,
    # summed to 1."
    frequency_weight = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.40"))
    reciprocal_weight = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0.40"))
    appreciation_weight = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0.20")
    )
    # When the next digest of due touches is due (a sweep picks these through the index).
    next_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "circle settings"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "member"], name="one_circle_per_member"),
            models.CheckConstraint(
                condition=Q(
                    frequency_weight__gte=0,
                    reciprocal_weight__gte=0,
                    appreciation_weight__gte=0,
                )
                & Q(
                    frequency_weight__lte=1,
                    reciprocal_weight__lte=1,
                    appreciation_weight__lte=1,
                ),
                name="weights_0_1",
            ),
            models.CheckConstraint(
                condition=Q(
                    frequency_weight=Decimal(1) - F("reciprocal_weight") - F("appreciation_weight")
                ),
                name="weights_sum_to_1",
            ),
        ]
        indexes = [
            models.Index(
                fields=["partnership", "next_digest_at"],
                condition=Q(next_digest_at__isnull=False),
                name="circle_digest_due",
            )
        ]


class InteractionKind(models.TextChoices):
    # seed 5.3: "Record of all communication, including phone calls, emails, and meetings"
    CALL = "call", "Phone call"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    NOTE = "note", "Handwritten note"
    GIFT = "gift", "Gift"
    EVENT_INVITATION = "event_invitation", "Event invitation"
    EVENT_ATTENDED = "event_attended", "Attended an event"
    OTHER = "other", "Note"


class Interaction(TenantOwned):
    """One entry of a contact's communication log, logged by hand, by a done touch, or by the
    portal when the member emailed the contact through it (`message`)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="interactions")
    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=InteractionKind.choices)
    occurred_at = models.DateTimeField()
    summary = models.TextField(blank=True)
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    touch = models.ForeignKey(
        "Touch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["message"], condition=Q(message__isnull=False), name="one_log_per_message"
            )
        ]
        indexes = [models.Index(fields=["partnership", "contact", "-occurred_at"])]


class ServiceRecord(TenantOwned):
    """Transaction history with a contact (seed 5.3): when, what service, what feedback came
    back. For an allied resource, a client's rating of their service feeds its scorecard."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="service_records")
    happened_on = models.DateField()
    service = models.CharField(max_length=200)
    feedback = models.TextField(blank=True)
    client_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ONE_TO_TEN, help_text="The client's rating, 1-10."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["partnership", "contact", "-happened_on"])]
