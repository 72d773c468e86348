"""Measuring the program: the reward A/B experiment (seed 5.5) and the satisfaction survey
(seed 5.4's S = aC + bQ + gV)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.tenancy import TenantOwned

from .contacts import ONE_TO_TEN, Contact

# --- The reward experiment (seed 5.5's A/B test) ----------------------------------------------


class ExperimentGroup(models.TextChoices):
    A = "A", "Group A: fixed reward per closed referral"
    B = "B", "Group B: variable reward by transaction size"


class Experiment(TenantOwned):
    """Contacts randomly split into two reward systems for a period; referrals counted per group.

    `owner` is the member whose circle is split; null when leadership runs it across members
    (then nobody's contacts are shown by name, only counts)."""

    owner = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    fixed_reward = models.DecimalField(max_digits=10, decimal_places=2)
    variable_rate = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="Percent of the transaction's value."
    )
    seed = models.BigIntegerField(help_text="The random assignment's seed, kept for audit.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="experiment_period"
            )
        ]
        indexes = [models.Index(fields=["partnership", "owner", "-starts_on"])]

    def __str__(self) -> str:
        return self.name


class Assignment(TenantOwned):
    """A contact's place in an experiment's split. A contact deleted after the split stays in
    their group, withdrawn, with the days of the referrals they had sent in the period: the
    groups keep the sizes the randomisation gave them, and no referral counted leaves."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="assignments")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.CharField(max_length=1, choices=ExperimentGroup.choices)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_referral_days = ArrayField(models.DateField(), default=list, blank=True)

    @property
    def is_withdrawn(self) -> bool:
        return self.contact_id is None

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "experiment", "contact"], name="one_assignment"
            )
        ]
        indexes = [models.Index(fields=["partnership", "contact"])]


class ExperimentFeedback(TenantOwned):
    """What a contact in the experiment said about their reward system."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="feedback")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="feedback")
    text = models.TextField()
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    noted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-noted_at", "-pk"]


# --- The satisfaction survey (seed 5.4's S = aC + bQ + gV) -------------------------------------


class Survey(TenantOwned):
    """One survey sent to a client by signed link; answered once."""

    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    name = models.CharField(max_length=120)
    email = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    communication = models.PositiveSmallIntegerField(null=True, blank=True, validators=ONE_TO_TEN)
    quality = models.PositiveSmallIntegerField(null=True, blank=True, validators=ONE_TO_TEN)
    value = models.PositiveSmallIntegerField(null=True, blank=True, validators=ONE_TO_TEN)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True, validators=ONE_TO_TEN)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | Q(
                    communication__range=(1, 10),
                    quality__range=(1, 10),
                    value__range=(1, 10),
                    satisfaction__range=(1, 10),
                ),
                name="answered_survey_complete",
            )
        ]
        indexes = [models.Index(fields=["partnership", "owner", "-sent_at"])]
