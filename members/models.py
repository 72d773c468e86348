from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower, Upper
from django.urls import reverse
from django.utils import timezone as dj_timezone

from pinnacle.models import validate_timezone
from pinnacle.tenancy import TenantOwned


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A login. Email is the identifier; what a person is in a partnership lives on Member."""

    # No username: the stubs type it as AbstractUser's CharField, Django allows removing it.
    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # The stubs expect auth's username-based UserManager; ours creates users by email.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta(AbstractUser.Meta):
        constraints = [
            # One account per address whatever its case; lookups by `email__lower` use this index.
            models.UniqueConstraint(
                Lower("email"),
                name="unique_user_email_lower",
                violation_error_message="A user with this email address already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.email

    def membership_in(self, partnership):
        if partnership is None or not self.is_authenticated:
            return None
        member = (
            Member.objects.for_partnership(partnership).filter(user=self, is_active=True).first()
        )
        if member is not None:
            # Both are in hand: reading them from the member costs no further query.
            member.partnership, member.user = partnership, self
        return member

    def is_leadership_of(self, partnership) -> bool:
        if self.is_superuser:
            return True
        member = self.membership_in(partnership)
        return bool(member and member.role == Member.Role.LEADERSHIP)


class Company(TenantOwned):
    """A partner member's employer/organization, with the co-marketing opt-ins it has chosen."""

    name = models.CharField(max_length=160)
    website_url = models.URLField(blank=True)
    logo = models.ImageField(upload_to="companies/", blank=True)
    allows_profile_updates = models.BooleanField(
        "allows co-marketing partner profile edits", default=False
    )
    allows_registration_prefill = models.BooleanField(
        "allows registration pre-fill for invitations", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="unique_company_name")
        ]

    def __str__(self) -> str:
        return self.name


# A member the public sees in the directory, and prospects and colleagues may name: listed and
# active. `Member.is_in_directory` says it of one row.
IN_DIRECTORY = models.Q(is_listed=True, is_active=True)


class Member(TenantOwned):
    """A partner member of one partnership: directory profile, role and kind."""

    class Kind(models.TextChoices):
        AGENT = "agent", "Agent"
        LENDER = "lender", "Lender"
        ALLIED = "allied", "Allied resource"

    class ServiceCategory(models.TextChoices):
        REAL_ESTATE = "real_estate", "Real estate sales"
        MORTGAGE = "mortgage", "Mortgage lending"
        INSPECTION = "inspection", "Home inspection"
        ATTORNEY = "attorney", "Real estate attorney"
        TITLE = "title", "Title & escrow"
        INSURANCE = "insurance", "Insurance"
        APPRAISAL = "appraisal", "Appraisal"
        CONTRACTOR = "contractor", "Contractor & repairs"
        MOVING = "moving", "Moving"
        OTHER = "other", "Other services"

    class Role(models.TextChoices):
        MEMBER = "member", "Partner member"
        LEADERSHIP = "leadership", "Administrative leadership"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.AGENT)
    service_category = models.CharField(
        max_length=20, choices=ServiceCategory.choices, default=ServiceCategory.REAL_ESTATE
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    is_listed = models.BooleanField("listed in directory", default=True)
    is_active = models.BooleanField(default=True)

    display_name = models.CharField(max_length=120)
    job_title = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True)
    specialization = models.TextField(
        "specialization statement",
        blank=True,
        help_text="Completes the partnership's introductory statement: "
        "\u201cAs a partner member, I specialize in\u2026\u201d",
    )
    photo = models.ImageField(upload_to="members/photos/", blank=True)
    photo_thumbnail = models.ImageField(upload_to="members/thumbs/", blank=True)
    company_logo = models.ImageField(upload_to="members/logos/", blank=True)
    company_logo_thumbnail = models.ImageField(upload_to="members/thumbs/", blank=True)
    cell_phone = models.CharField(max_length=32, blank=True)
    office_phone = models.CharField(max_length=32, blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=40, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    # Blank until the member chooses one, so that completion can tell a choice from a default.
    timezone = models.CharField(
        "time zone",
        max_length=64,
        blank=True,
        default="",
        validators=[validate_timezone],
        help_text="Times are shown to the member in this zone; until they choose one, in the "
        "partnership's.",
    )
    mls_market = models.CharField("MLS market", max_length=120, blank=True)
    mls_agent_id = models.CharField("MLS agent ID", max_length=60, blank=True)
    employer = models.CharField(max_length=160, blank=True)
    license_number = models.CharField("real estate state license number", max_length=60, blank=True)
    service_areas = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    languages = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    allows_profile_updates = models.BooleanField(
        "Allows Profile Updates",
        default=False,
        help_text="The member's own consent: a co-marketing partner whose organization opted in "
        "may then update their marketing profile, and every change is emailed to them.",
    )

    search_document = SearchVectorField(null=True, editable=False)
    joined_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "user"], name="unique_member_per_user"),
            models.UniqueConstraint(fields=["partnership", "slug"], name="unique_member_slug"),
        ]
        indexes = [
            models.Index(
                fields=["partnership", "kind", "display_name"],
                condition=IN_DIRECTORY,
                name="member_directory_idx",
            ),
            # The directory's pages in its order, a page at a time.
            models.Index(
                fields=["partnership", "display_name", "id"],
                condition=IN_DIRECTORY,
                name="member_listing_idx",
            ),
            GinIndex(fields=["search_document"], name="member_search_idx"),
            GinIndex(fields=["service_areas"], name="member_areas_idx"),
            # The directory's search for part of a name ("endez" in "Mendez"): icontains
            # compares UPPER(display_name).
            GinIndex(
                OpClass(Upper("display_name"), name="gin_trgm_ops"),
                name="member_name_trigram_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_in_directory(self) -> bool:
        return self.is_listed and self.is_active

    def get_absolute_url(self) -> str:
        return reverse("directory_profile", args=[self.slug])

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def display_timezone(self) -> str:
        """The zone this member's times are shown in: their own choice, else the partnership's
        (reads `partnership`, so load it with the member when rendering many)."""
        return self.timezone or self.partnership.timezone

    @property
    def is_leadership(self) -> bool:
        return self.role == self.Role.LEADERSHIP

    @property
    def specialization_statement(self) -> str:
        """What completes the partnership's introductory statement ("I specialize in ..."): the
        member's own statement, else what is true of every member (their service, or for "other
        services" their job title), so the sentence never ends on nothing."""
        if statement := self.specialization.strip():
            return statement
        if self.service_category != self.ServiceCategory.OTHER or not self.job_title.strip():
            return self.get_service_category_display().lower()
        return self.job_title.strip().lower()

    @property
    def address(self) -> str:
        city_line = " ".join(p for p in [f"{self.city}," if self.city else "", self.state] if p)
        return ", ".join(
            p for p in [self.street_address, f"{city_line} {self.postal_code}".strip()] if p
        )


class Invitation(TenantOwned):
    """Leadership invites a person by email; accepting it is the only way to sign up."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    email = models.EmailField()
    display_name = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=12, choices=Member.Kind.choices, default=Member.Kind.AGENT)
    service_category = models.CharField(
        max_length=20,
        choices=Member.ServiceCategory.choices,
        default=Member.ServiceCategory.REAL_ESTATE,
    )
    role = models.CharField(max_length=12, choices=Member.Role.choices, default=Member.Role.MEMBER)
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                Lower("email"),
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_email",
            )
        ]
        indexes = [models.Index(fields=["partnership", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def is_expired(self) -> bool:
        """Still pending, but past its date: it can no longer be accepted (inviting the address
        again renews it)."""
        return self.status == self.Status.PENDING and self.expires_at <= dj_timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.PENDING and not self.is_expired
