"""What a transaction keeps confidential and who looked at it.

- TransactionDocument (private_storage, transaction_document_path): files served only to
  those who may see them.
- DisclosureCover, Disclosure: the customer's written authorization and what it covers.
- TransactionAccess: every look at a transaction from outside its team.
"""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q

from members.models import Member
from pinnacle.tenancy import TenantOwned
from transactions.models.transaction import Transaction


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
        db_table = "leads_transactiondocument"
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
        db_table = "leads_disclosure"
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

    @staticmethod
    def live_on(today: datetime.date) -> Q:
        """The authorizations that hold on `today` (the partnership's day): not revoked, and
        through their last day inclusive. The one statement of "live": the grantee's access
        filters by it and the team page annotates each row with it (`is_live`)."""
        return Q(revoked_at__isnull=True, valid_until__gte=today)

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
        db_table = "leads_transactionaccess"
        ordering = ["-created_at"]
        verbose_name_plural = "transaction accesses"
        indexes = [models.Index(fields=["partnership", "transaction", "-created_at"])]
