import datetime
import string
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

# The seed's required introductory statement; "{specialization}" receives the member's own text.
DEFAULT_INTRO_STATEMENT = (
    "Thank you for exploring the {partnership} website.  I hope that you found the information on "
    "{partnership} to be exciting and rewarding as to inspire your continued journey in real "
    "estate with us, whereby your transaction will be \u201cBest of Class\u201d and completed "
    "effectively, efficiently, and successfully in accordance with the utmost professional "
    "standards and best practices.  As a {partnership} partner member, I specialize in "
    "{specialization}"
)


def validate_intro_statement(value: str) -> None:
    """Leadership edits this text; only the two documented placeholders may appear in braces,
    plainly (no format spec, conversion or attribute: `str.format` would run them)."""
    try:
        fields = [
            (name, spec, conversion)
            for _literal, name, spec, conversion in string.Formatter().parse(value)
            if name is not None
        ]
    except ValueError as exc:
        raise ValidationError(
            "The statement has an unmatched brace; write a literal brace as {{ or }}."
        ) from exc
    if any(
        name not in ("partnership", "specialization") or spec or conversion
        for name, spec, conversion in fields
    ):
        raise ValidationError(
            "Use only the placeholders {partnership} and {specialization}; "
            "write other braces as {{ and }}."
        )


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            f"“{value}” is not a time zone name; use one such as America/Chicago."
        )


# The engagement policy's numbers and text: they change only through an approved revision
# (policy.services.revisions), so admin shows them read-only once a partnership exists.
POLICY_FIELDS = (
    "intro_statement",
    "cold_attempts_per_week",
    "cease_after_attempts",
    "cease_window_days",
    "inquiry_reply_hours",
    "acknowledgement_follow_up_days",
    "post_close_meeting_days",
    "comarketing_first_reminder_days",
    "comarketing_second_reminder_days",
    "thank_you_letter_days",
    "policy_majority_of",
)


class Partnership(models.Model):
    """A tenant: one partnership network with its own members, leads, branding and policy."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True, help_text="Serves <slug>.<BASE_DOMAIN>.")
    domain = models.CharField(
        max_length=253,
        blank=True,
        help_text="Optional custom domain (without port), e.g. portal.example.com.",
    )
    seal = models.ImageField(upload_to="seals/", blank=True)
    website_url = models.URLField("website address")
    intro_statement = models.TextField(
        "required introductory statement",
        default=DEFAULT_INTRO_STATEMENT,
        validators=[validate_intro_statement],
        help_text="Placeholders: {partnership} and {specialization}.",
    )
    reply_from_email = models.EmailField(
        blank=True,
        help_text="Sender address for this partnership's emails (defaults to site-wide).",
    )
    timezone = models.CharField(
        "time zone",
        max_length=64,
        default="America/New_York",
        validators=[validate_timezone],
        help_text="IANA name, e.g. America/Chicago: the partnership's days, deadlines and "
        "report periods are counted in it.",
    )

    # Policy numbers (defaults from the engagement policy; leadership may revise them by vote).
    cold_attempts_per_week = models.PositiveSmallIntegerField(default=2)
    cease_after_attempts = models.PositiveSmallIntegerField(default=8)
    cease_window_days = models.PositiveSmallIntegerField(default=30)
    inquiry_reply_hours = models.PositiveSmallIntegerField(default=24)
    inquiry_reminder_hours_before = models.PositiveSmallIntegerField(default=4)
    # policy: an acknowledgement must "indicate follow-up timing": the promised follow-up falls
    # within this many days, and is then held to the same reminder and escalation as the reply.
    acknowledgement_follow_up_days = models.PositiveSmallIntegerField(
        "acknowledged inquiries: follow up within (days)", default=7
    )
    post_close_meeting_days = models.PositiveSmallIntegerField(default=2)
    comarketing_first_reminder_days = models.PositiveSmallIntegerField(default=3)
    comarketing_second_reminder_days = models.PositiveSmallIntegerField(default=7)
    # policy: the post-close thank-you letter is due within this many days of the close.
    thank_you_letter_days = models.PositiveSmallIntegerField(
        "thank-you letter window (days)", default=7
    )

    class MajorityOf(models.TextChoices):
        MEMBERSHIP = "membership", "All active members"
        VOTES_CAST = "votes_cast", "Votes cast"

    # policy: a revision "approved by vote of the majority": of the whole active membership by
    # default, or of the votes cast where the partnership's policy says so.
    policy_majority_of = models.CharField(
        "a policy revision passes with a majority of",
        max_length=12,
        choices=MajorityOf.choices,
        default=MajorityOf.MEMBERSHIP,
    )

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain"], condition=~models.Q(domain=""), name="unique_partnership_domain"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def host(self) -> str:
        if self.domain:
            return self.domain
        if self.slug == settings.DEFAULT_PARTNERSHIP:
            return settings.BASE_DOMAIN
        return f"{self.slug}.{settings.BASE_DOMAIN}"

    @property
    def base_url(self) -> str:
        return (
            f"{settings.SITE_SCHEME}://{self.host}{settings.SITE_PORT and ':' + settings.SITE_PORT}"
        )

    def absolute_url(self, path: str) -> str:
        return self.base_url + path

    @property
    def seal_path(self) -> str:
        """The seal's URL path, for pages; the default seal when none is uploaded."""
        return self.seal.url if self.seal else settings.STATIC_URL + "images/default-seal.png"

    @property
    def seal_url(self) -> str:
        """Absolute URL of the seal, for emails."""
        return self.absolute_url(self.seal_path)

    @property
    def from_email(self) -> str:
        return self.reply_from_email or settings.DEFAULT_FROM_EMAIL

    @cached_property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def localtime(self, moment: datetime.datetime) -> datetime.datetime:
        return timezone.localtime(moment, self.tzinfo)

    def today(self) -> datetime.date:
        """The partnership's own date now, whoever asks and wherever the server runs."""
        return timezone.localdate(timezone=self.tzinfo)

    def start_of_day(self, day: datetime.date) -> datetime.datetime:
        """Midnight at the start of `day` in the partnership's time zone."""
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=self.tzinfo)

    def render_intro_statement(self, specialization: str) -> str:
        """The required introductory statement completed by a member's specialization, as one
        finished sentence whether or not the member ended theirs."""
        statement = self.intro_statement.format(
            partnership=self.name, specialization=specialization.strip()
        ).rstrip()
        return statement if statement.endswith((".", "!", "?")) else statement + "."


class AuditEvent(models.Model):
    """Who did what: one row per consequential action, written by the service doing it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["partnership", "-created_at"]),
            models.Index(fields=["partnership", "target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.summary}"
