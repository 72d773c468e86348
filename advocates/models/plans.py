"""The appreciation plans: a partnership's plan templates and the dated touches of a contact's
enrolment (the 33-touch yearly plan, 8 touches in 8 weeks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q

from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.tenancy import TenantOwned

from .contacts import Contact

if TYPE_CHECKING:
    from advocates.selectors.plans import Completion


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

    # Not columns: `selectors.plans.enrollments_of` says where the enrolment stands.
    completion: Completion
    is_live: bool
    is_finished: bool

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


class TouchBucket(models.TextChoices):
    """Where a touch stands on a given day, as its badge says; `selectors.plans.with_bucket`
    puts each touch in one (the rule is `selectors.plans.bucket_filter`'s)."""

    DONE = "done", "Done"
    OVERDUE = "overdue", "Overdue"
    TODAY = "today", "Due today"
    WEEK = "week", "This week"
    LATER = "later", "Later"


BUCKET_TONES: dict[str, str] = {TouchBucket.DONE: "ok", TouchBucket.OVERDUE: "bad"}


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

    # Not columns: the member's digest links each email touch to its page;
    # selectors.plans.with_bucket annotates where the touch stands (a TouchBucket).
    email_url: str
    bucket: str

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

    @property
    def bucket_label(self) -> str:
        return TouchBucket(self.bucket).label

    @property
    def bucket_tone(self) -> str:
        return BUCKET_TONES.get(self.bucket, "info")
