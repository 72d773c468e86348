"""The engagement policy for one member and one lead, computed from what happened.

`pair_states(member, leads, now)` reads everything the rules need for a page of leads at once
(one query, however many leads); `PairState.decide(channel)` applies the rules. The same two
functions serve the leads list, the lead's page and `services.may_attempt`, so what a member is
shown is exactly what the services enforce.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils.formats import date_format

from leads.models import Inquiry, Lead
from members.models import Member
from outreach.models import Attempt, CallOutcome, Channel, LeadReply, OutreachPair, Refusal
from pinnacle.mail.models import Suppression
from pinnacle.models import Partnership

WEEK = datetime.timedelta(days=7)
# An opt-out stops every channel; a bounce or complaint stops email only.
OPT_OUT_REASONS = (Suppression.Reason.UNSUBSCRIBED, Suppression.Reason.MANUAL)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # a Refusal.Reason when refused
    explanation: str = ""  # written for the member
    next_allowed_at: datetime.datetime | None = None


ALLOWED = Decision(allowed=True)


@dataclass
class PairState:
    """What the policy knows about one member and one lead at `now`."""

    partnership: Partnership
    now: datetime.datetime
    lead_name: str = ""
    opted_out: bool = False
    email_blocked: bool = False
    # The latest moment the lead reached the member (inquiry, online form, a logged reply).
    lead_reached_at: datetime.datetime | None = None
    # The latest contact either way: the above, or a call in which the member spoke with them.
    contact_at: datetime.datetime | None = None
    ceased_at: datetime.datetime | None = None
    attempt_times: list[datetime.datetime] = field(default_factory=list)  # newest first

    @property
    def contact_made(self) -> bool:
        return self.contact_at is not None

    @property
    def is_cold(self) -> bool:
        """policy: cold means this member has not yet made contact with this lead."""
        return not self.contact_made

    @property
    def is_ceased(self) -> bool:
        """Ceased until the lead reaches the member again."""
        return self.ceased_at is not None and not (
            self.lead_reached_at is not None and self.lead_reached_at > self.ceased_at
        )

    @property
    def attempts_this_week(self) -> int:
        return sum(1 for at in self.attempt_times if at > self.now - WEEK)

    @property
    def window_start(self) -> datetime.datetime:
        """Attempts count toward cease from the later of the window's start and the last contact."""
        start = self.now - datetime.timedelta(days=self.partnership.cease_window_days)
        return max(start, self.contact_at) if self.contact_at else start

    @property
    def attempts_in_window(self) -> int:
        return sum(1 for at in self.attempt_times if at > self.window_start)

    @property
    def cap(self) -> int:
        return self.partnership.cold_attempts_per_week

    def next_cold_attempt_at(self) -> datetime.datetime | None:
        """When the rolling week next has room for a cold attempt (None: it has room now)."""
        in_week = sorted(at for at in self.attempt_times if at > self.now - WEEK)
        if len(in_week) < self.cap:
            return None
        return in_week[len(in_week) - self.cap] + WEEK

    def decide(self, channel: str) -> Decision:
        # policy: an opted-out lead gets no outreach of any kind from any member, until they ask
        # again through a new submission of their own.
        if self.opted_out:
            return Decision(
                False,
                Refusal.Reason.OPTED_OUT,
                f"{self.lead_name} opted out of outreach from every member. Contact reopens only "
                "if they submit one of the partnership's forms again.",
            )
        if channel == Channel.PORTAL_EMAIL and self.email_blocked:
            return Decision(
                False,
                Refusal.Reason.EMAIL_SUPPRESSED,
                f"Email to {self.lead_name} bounced or was marked as spam: no more email is "
                "sent to this address. A call is still possible.",
            )
        # policy: after 8 attempts with no contact made over a month, cease contact.
        if self.is_ceased or self.attempts_in_window >= self.partnership.cease_after_attempts:
            return Decision(
                False,
                Refusal.Reason.CEASED,
                f"You made {self.partnership.cease_after_attempts} attempts without contact "
                f"within {self.partnership.cease_window_days} days, so you have ceased contact "
                f"with {self.lead_name}. It reopens if they reach out to you.",
            )
        # policy: at most 2 cold call/email attempts per week (rolling 7 days).
        if self.is_cold and (next_at := self.next_cold_attempt_at()):
            local = self.partnership.localtime(next_at)
            return Decision(
                False,
                Refusal.Reason.CADENCE,
                f"You have made {self.cap} cold attempts to reach {self.lead_name} in the last "
                f"7 days. Your next attempt is allowed from "
                f"{date_format(local, 'DATETIME_FORMAT')} {local.tzname()}.",
                next_at,
            )
        return ALLOWED

    @property
    def next_allowed_at(self) -> datetime.datetime | None:
        return self.decide(Channel.CALL).next_allowed_at


def pair_annotations(member: Member, now: datetime.datetime) -> dict[str, BaseExpression]:
    """What the rules read about `member` and one lead, as annotations of the lead's row (each a
    subquery through an index that leads with the partnership and the member or the lead):
    `pair_states` reads them for a page of leads in one query, and the leads list's column
    within its own. `state_from` makes them a PairState."""
    partnership = member.partnership
    lead = OuterRef("pk")
    attempts = (
        Attempt.objects.for_partnership(partnership)
        .filter(member=member, lead=lead)
        .filter(Q(made_at__gt=now - _longest_window(partnership)) | Q(outcome=CallOutcome.SPOKE))
    )

    def latest(rows: QuerySet, field: str) -> Subquery:
        return Subquery(rows.order_by(f"-{field}").values(field)[:1])

    return {
        # policy: an opt-out stops every channel; a bounce or complaint stops email only.
        "suppressed_for": Subquery(
            Suppression.objects.for_partnership(partnership)
            .filter(Exact(Lower("email"), Lower(OuterRef("email"))))
            .order_by()  # one row at most: the address is unique per partnership
            .values("reason")[:1]
        ),
        # The latest moments the lead reached the member: an inquiry, a logged reply.
        "inquired_at": latest(
            Inquiry.objects.for_partnership(partnership).filter(member=member, lead=lead),
            "created_at",
        ),
        "replied_at": latest(
            LeadReply.objects.for_partnership(partnership).filter(member=member, lead=lead),
            "replied_at",
        ),
        # A call in which the member spoke with the lead is contact made.
        "spoke_at": latest(attempts.filter(outcome=CallOutcome.SPOKE), "made_at"),
        "attempt_times": ArraySubquery(attempts.order_by("-made_at").values("made_at")),
        "ceased_at": Subquery(
            OutreachPair.objects.for_partnership(partnership)
            .filter(member=member, lead=lead, ceased_at__isnull=False)
            .order_by()  # one pair at most
            .values("ceased_at")[:1]
        ),
    }


def state_from(
    row: Mapping[str, Any], *, partnership: Partnership, now: datetime.datetime, lead_name: str
) -> PairState:
    """The PairState of one lead's row annotated with `pair_annotations`."""
    reason = row["suppressed_for"]
    reached = [at for at in (row["inquired_at"], row["replied_at"]) if at is not None]
    lead_reached_at = max(reached, default=None)
    spoke_at = row["spoke_at"]
    contact_at = max([*reached, spoke_at] if spoke_at else reached, default=None)
    return PairState(
        partnership=partnership,
        now=now,
        lead_name=lead_name,
        opted_out=reason in OPT_OUT_REASONS,
        email_blocked=reason is not None,
        lead_reached_at=lead_reached_at,
        contact_at=contact_at,
        ceased_at=row["ceased_at"],
        attempt_times=list(row["attempt_times"]),  # newest first
    )


def pair_states(
    member: Member, leads: Sequence[Lead], now: datetime.datetime
) -> dict[int, PairState]:
    """The policy state of `member` with each of `leads`: one query for any number of leads."""
    partnership = member.partnership
    names = {lead.pk: lead.name for lead in leads}
    if not names:
        return {}
    rows = (
        Lead.objects.for_partnership(partnership)
        .filter(pk__in=list(names))
        .order_by()
        .values("pk", **pair_annotations(member, now))
    )
    return {
        row["pk"]: state_from(row, partnership=partnership, now=now, lead_name=names[row["pk"]])
        for row in rows
    }


def _longest_window(partnership: Partnership) -> datetime.timedelta:
    return max(WEEK, datetime.timedelta(days=partnership.cease_window_days))


def pair_state(member: Member, lead: Lead, now: datetime.datetime) -> PairState:
    return pair_states(member, [lead], now)[lead.pk]
