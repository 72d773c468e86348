"""A member's inner circle (seed chapter 5): the people who send them business.

Every row belongs to one member (`owner`): nobody else reads it, leadership only in aggregate.
The relationship strength score's three factors are stored on the contact, normalised 0-100 over
a rolling 12 months (`advocates.services.score`), so a change of weights is one UPDATE and a
sortable list needs no computation.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from leads.models import Lead
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


# --- The appreciation plans -------------------------------------------------------------------


class PlanKind(models.TextChoices):
    # The industry's 33-touch plan is yearly; new contacts also get 8 touches in 8 weeks.
    YEARLY = "yearly", "33-touch yearly plan"
    EIGHT_BY_EIGHT = "eight_by_eight", "8 touches in 8 weeks"


class TouchKind(models.TextChoices):
    """What a touch is, over the seed's components (personalized communication, valuable
    content, appreciation gifts, event invitations)."""

    MARKET_UPDATE = "market_update", "Monthly market update"
    VALUE_PIECE = "value_piece", "Quarterly value piece"
    HOLIDAY = "holiday", "Holiday touch"
    PERSONAL_DATE = "personal_date", "Personal date"
    PHONE_CALL = "phone_call", "Phone call"
    CLIENT_EVENT = "client_event", "Client event invitation"
    TAILORED_EMAIL = "tailored_email", "Tailored email"
    HANDWRITTEN_NOTE = "handwritten_note", "Handwritten note"
    GIFT = "gift", "Appreciation gift"


class DateAnchor(models.TextChoices):
    """Where a step's touch falls: its day after the start, one of the contact's own dates, or
    a holiday on the calendar (within the plan's period; otherwise the step's day)."""

    NONE = "", "The step's day"
    BIRTHDAY = "birthday", "The contact's birthday"
    HOME_ANNIVERSARY = "home_anniversary", "The contact's home anniversary"
    NEW_YEAR = "new_year", "New Year (January 2)"
    INDEPENDENCE_DAY = "independence_day", "Independence Day (July 3)"
    THANKSGIVING = "thanksgiving", "Thanksgiving week (the Monday before)"
    SEASONS_GREETINGS = "seasons_greetings", "Season's greetings (December 15)"


class PlanTemplate(TenantOwned):
    """A partnership's plan, edited by leadership; enrolment copies its steps into dated touches."""

    kind = models.CharField(max_length=20, choices=PlanKind.choices)
    name = models.CharField(max_length=120)
    length_days = models.PositiveSmallIntegerField(help_text="365 for a year, 56 for 8 weeks.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "kind"], name="one_plan_per_kind")
        ]

    def __str__(self) -> str:
        return self.name


class PlanStep(TenantOwned):
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=TouchKind.choices)
    title = models.CharField(max_length=160)
    day = models.PositiveSmallIntegerField(help_text="Days after enrolment (0 is the first day).")
    anchor = models.CharField(max_length=20, choices=DateAnchor.choices, blank=True, default="")
    is_email = models.BooleanField(
        default=False, help_text="Can be sent as an email through the portal."
    )

    class Meta:
        ordering = ["day", "pk"]
        indexes = [models.Index(fields=["partnership", "template", "day"])]

    def __str__(self) -> str:
        return self.title


class Enrollment(TenantOwned):
    """A contact on a plan for one period; its touches are dated rows."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="enrollments")
    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(PlanTemplate, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=PlanKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            # One live enrolment per contact and plan kind (a finished one can be renewed).
            models.UniqueConstraint(
                fields=["partnership", "contact", "kind"],
                condition=Q(closed_at__isnull=True),
                name="one_live_enrollment",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "owner", "kind"])]


class Touch(TenantOwned):
    """One dated touch of an enrolment: due, done (and logged), maybe acknowledged."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="touches")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="touches")
    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=TouchKind.choices)
    title = models.CharField(max_length=160)
    is_email = models.BooleanField(default=False)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The contact answered, thanked, came: engagement with the appreciation program.
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["partnership", "owner", "due_on"],
                condition=Q(done_at__isnull=True),
                name="touch_pending_by_owner",
            ),
            models.Index(fields=["partnership", "enrollment", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.title


# --- Referrals and rewards --------------------------------------------------------------------


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
