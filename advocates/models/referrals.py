"""Referrals between a member and a contact, their history, and the rewards given for them
(seed 5.5's tiered rewards, a member's reward program)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from leads.models import Lead
from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.tenancy import TenantOwned

from .contacts import Contact

if TYPE_CHECKING:
    from advocates.services.rewards import Suggestion


class Direction(models.TextChoices):
    RECEIVED = "received", "From them"
    SENT = "sent", "To them"


class ReferralStage(models.TextChoices):
    RECEIVED = "received", "Received"
    CONTACTED = "contacted", "Contacted"
    UNDER_CONTRACT = "under_contract", "Under contract"
    CLOSED = "closed", "Closed"
    LOST = "lost", "Lost"


class ReferralQuality(models.TextChoices):
    # seed 5.5: "Tiered Rewards: Offer different rewards based on the quality or value"
    STANDARD = "standard", "Standard"
    QUALIFIED = "qualified", "Qualified"
    PREMIUM = "premium", "Premium"


class Referral(TenantOwned):
    """A referral between a member and a contact: one the contact sent the member (it joins the
    partnership's intake as a lead) or one the member sent the contact (reciprocity)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="referrals")
    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    person_name = models.CharField(max_length=120)
    person_email = models.EmailField(blank=True)
    person_phone = models.CharField(max_length=32, blank=True)
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.CharField(
        max_length=16, choices=ReferralStage.choices, default=ReferralStage.RECEIVED
    )
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    # The stage the referrer has not yet been told about (the page prompts for a progress note).
    untold_stage = models.CharField(
        max_length=16, choices=ReferralStage.choices, blank=True, default=""
    )
    quality = models.CharField(
        max_length=12, choices=ReferralQuality.choices, default=ReferralQuality.STANDARD
    )
    estimated_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    closed_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    received_on = models.DateField()
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Not a column: `selectors.referrals` lists the rewards the program suggests for it.
    suggestions: list[Suggestion]

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["partnership", "contact", "-received_on"]),
            models.Index(fields=["partnership", "owner", "-received_on"]),
            models.Index(
                fields=["partnership", "lead"],
                condition=Q(lead__isnull=False),
                name="referral_by_lead",
            ),
            # The dashboard's "referrers to update": the member's untold referrals, the latest
            # stage change first, read in order from here (a few entries, not all their rows).
            models.Index(
                fields=["partnership", "owner", "-stage_changed_at", "-id"],
                condition=~Q(untold_stage=""),
                name="referral_untold_idx",
            ),
        ]


class ReferralEvent(TenantOwned):
    """A referral's history: stage changes and the progress notes sent to the referrer."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    stage = models.CharField(max_length=16, choices=ReferralStage.choices)
    summary = models.CharField(max_length=300)
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "referral", "-created_at"])]


class RewardTrigger(models.TextChoices):
    # seed 5.5: immediate gratification, rewards at each stage, long-term benefits
    ON_RECEIPT = "on_receipt", "On receipt of the referral"
    CONTACTED = "contacted", "When contacted"
    UNDER_CONTRACT = "under_contract", "When under contract"
    CLOSED = "closed", "When closed"
    LONG_TERM = "long_term", "Long-term benefit"


class RewardRule(TenantOwned):
    """A member's reward program: what they give, when, for which tier."""

    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    trigger = models.CharField(max_length=16, choices=RewardTrigger.choices)
    quality = models.CharField(
        max_length=12,
        choices=ReferralQuality.choices,
        blank=True,
        default="",
        help_text="Blank: every tier.",
    )
    description = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["trigger", "quality", "pk"]
        indexes = [models.Index(fields=["partnership", "owner", "trigger"])]


class Reward(TenantOwned):
    """A reward given (what, value, when), for a referral or as a long-term benefit."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="rewards")
    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="rewards"
    )
    rule = models.ForeignKey(
        RewardRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trigger = models.CharField(max_length=16, choices=RewardTrigger.choices)
    description = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    given_on = models.DateField()
    redeemed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="reward_value_gte_0")]
        indexes = [models.Index(fields=["partnership", "contact", "-given_on"])]
