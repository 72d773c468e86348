"""Inquiries: a prospect writes to a member, who must answer within the policy's hours.

- InquiryState and its Q rules (ANSWERED_IN_TIME, ANSWERED_LATE, awaiting_at, overdue_at):
  the reply deadline, stated once.
- Inquiry: what the prospect wrote; InquiryResponse: the member's reply or acknowledgement.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from leads.models.intake import Lead, Submission
from members.models import Member
from pinnacle.tenancy import TenantOwned

if TYPE_CHECKING:
    from pinnacle.mail.models import OutboxMessage


class InquiryState(models.TextChoices):
    """Where an inquiry stands against its reply deadline (the rule, stated once)."""

    AWAITING = "awaiting", "Awaiting reply"
    OVERDUE = "overdue", "Overdue"
    IN_TIME = "in_time", "Answered in time"
    LATE = "late", "Answered late"


# policy: reply within the partnership's hours; the first answer (a reply or an acknowledgement
# with a follow-up date) counts. The same rule for one row (Inquiry.state) and in SQL:
ANSWERED_IN_TIME = Q(responded_at__isnull=False, responded_at__lte=F("due_at"))
ANSWERED_LATE = Q(responded_at__isnull=False, responded_at__gt=F("due_at"))


def awaiting_at(now: datetime.datetime) -> Q:
    return Q(responded_at__isnull=True, due_at__gt=now)


def overdue_at(now: datetime.datetime) -> Q:
    return Q(responded_at__isnull=True, due_at__lte=now)


class Inquiry(TenantOwned):
    """A prospect wrote to a member ("Connect / express interest", or the online form naming
    them), or through the online form to the partnership's leadership (no member); whoever it
    is addressed to must answer within the policy's hours."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="inquiries")
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inquiries",
        help_text="Empty: addressed to the partnership's leadership; any leader may answer.",
    )
    # The online form that raised it; empty for "Connect / express interest" from the directory.
    submission = models.OneToOneField(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiry"
    )
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # policy: reply within 24 hours, "even if just to acknowledge receipt and indicate follow-up
    # timing"; the sweep reminds the member at remind_at and escalates at due_at.
    due_at = models.DateTimeField()
    remind_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # policy: an acknowledgement's promised follow-up is a deadline of its own: the end of the
    # promised day (the partnership's zone); the sweep reminds at follow_up_remind_at and
    # escalates at follow_up_due_at unless a reply came first (followed_up_at).
    follow_up_due_at = models.DateTimeField(null=True, blank=True)
    follow_up_remind_at = models.DateTimeField(null=True, blank=True)
    follow_up_reminded_at = models.DateTimeField(null=True, blank=True)
    follow_up_escalated_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "inquiries"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "lead", "member"],
                condition=models.Q(responded_at__isnull=True),
                name="one_open_inquiry_per_lead_and_member",
                nulls_distinct=False,  # one open inquiry to leadership, too
            )
        ]
        indexes = [
            models.Index(fields=["partnership", "member", "-created_at"]),
            models.Index(
                fields=["remind_at"],
                condition=models.Q(responded_at__isnull=True, reminded_at__isnull=True),
                name="inquiry_reminder_due_idx",
            ),
            models.Index(
                fields=["due_at"],
                condition=models.Q(responded_at__isnull=True, escalated_at__isnull=True),
                name="inquiry_escalation_due_idx",
            ),
            models.Index(
                fields=["follow_up_remind_at"],
                condition=models.Q(
                    follow_up_due_at__isnull=False,
                    followed_up_at__isnull=True,
                    follow_up_reminded_at__isnull=True,
                ),
                name="inquiry_follow_up_remind_idx",
            ),
            models.Index(
                fields=["follow_up_due_at"],
                condition=models.Q(
                    follow_up_due_at__isnull=False,
                    followed_up_at__isnull=True,
                    follow_up_escalated_at__isnull=True,
                ),
                name="inquiry_follow_up_escalate_idx",
            ),
            # The dashboard's open inquiries of a member, and those to leadership, nearest
            # deadline first: only the open ones are here, not every answered one. Leadership's
            # have their own (an `IS NULL` condition does not let the planner read the shared
            # one in deadline order).
            models.Index(
                fields=["partnership", "member", "due_at", "id"],
                condition=models.Q(responded_at__isnull=True),
                name="inquiry_open_by_member_idx",
            ),
            models.Index(
                fields=["partnership", "due_at", "id"],
                condition=models.Q(responded_at__isnull=True, member__isnull=True),
                name="inquiry_open_to_leaders_idx",
            ),
            # Leadership's compliance report: the partnership's inquiries of a period.
            models.Index(fields=["partnership", "created_at"], name="inquiry_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.lead.name} \u2192 {self.addressee}"

    def get_absolute_url(self) -> str:
        return reverse("inquiry_detail", args=[self.pk])

    @property
    def addressee(self) -> str:
        """Who the prospect wrote to, as pages and emails name them."""
        return self.member.display_name if self.member is not None else "Leadership"

    @property
    def is_for_leadership(self) -> bool:
        return self.member_id is None

    @property
    def is_open(self) -> bool:
        return self.responded_at is None

    def state(self, now: datetime.datetime) -> InquiryState:
        if self.responded_at is not None:
            return InquiryState.IN_TIME if self.responded_at <= self.due_at else InquiryState.LATE
        return InquiryState.AWAITING if self.due_at > now else InquiryState.OVERDUE

    @property
    def awaits_follow_up(self) -> bool:
        """An acknowledgement promised a follow-up and no reply has come since."""
        return self.follow_up_due_at is not None and self.followed_up_at is None

    @property
    def follow_up_promised_on(self) -> datetime.date | None:
        """The day an acknowledgement promised to follow up by (its deadline is that day's end,
        in the partnership's zone)."""
        if self.follow_up_due_at is None:
            return None
        return self.partnership.localtime(self.follow_up_due_at).date() - datetime.timedelta(1)

    @property
    def answered_late(self) -> bool:
        return self.responded_at is not None and self.responded_at > self.due_at


class InquiryResponse(TenantOwned):
    """A member's answer to an inquiry: a reply, or an acknowledgement with a follow-up date."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply"
        ACKNOWLEDGEMENT = "ack", "Acknowledgement with follow-up date"

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    body = models.TextField()
    follow_up_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Not a column: `selectors.inquiry_responses` says how far the email to the lead got.
    email_status: OutboxMessage | None

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["partnership", "inquiry", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.member}"
