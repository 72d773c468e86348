"""The engagement policy for one member and one lead, computed from what happened.

`pair_states(member, leads, now)` reads everything the rules need for a page of leads at once
(a few queries, however many leads); `PairState.decide(channel)` applies the rules. The same two
functions serve the leads list, the lead's page and `services.may_attempt`, so what a member is
shown is exactly what the services enforce.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.db.models.functions import Lower
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


def pair_states(
    member: Member, leads: Sequence[Lead], now: datetime.datetime
) -> dict[int, PairState]:
    """The policy state of `member` with each of `leads`: five queries for any number of leads.

    Long because the five queries and the filling of every pair's state from them read as one:
    the query budget the lists rely on is visible in one place."""
    partnership = member.partnership
    lead_ids = [lead.pk for lead in leads]
    states = {
        lead.pk: PairState(partnership=partnership, now=now, lead_name=lead.name) for lead in leads
    }
    if not lead_ids:
        return states

    emails = {lead.email.lower(): lead.pk for lead in leads}
    suppressions = (
        Suppression.objects.for_partnership(partnership)
        .annotate(address=Lower("email"))
        .filter(address__in=list(emails))
        .values_list("address", "reason")
    )
    for address, reason in suppressions:
        state = states[emails[address]]
        state.opted_out = reason in OPT_OUT_REASONS
        state.email_blocked = True

    reached: dict[int, list] = defaultdict(list)
    inquiries = (
        Inquiry.objects.for_partnership(partnership)
        .filter(member=member, lead_id__in=lead_ids)
        .values("lead_id")
        .annotate(at=Max("created_at"))
    )
    replies = (
        LeadReply.objects.for_partnership(partnership)
        .filter(member=member, lead_id__in=lead_ids)
        .values("lead_id")
        .annotate(at=Max("replied_at"))
    )
    for row in [*inquiries, *replies]:
        reached[row["lead_id"]].append(row["at"])
    for lead_id, moments in reached.items():
        states[lead_id].lead_reached_at = max(moments)
        states[lead_id].contact_at = max(moments)

    # Attempts, newest first; a call in which the member spoke with the lead is contact made.
    attempts = (
        Attempt.objects.for_partnership(partnership)
        .filter(member=member, lead_id__in=lead_ids)
        .filter(Q(made_at__gt=now - _longest_window(partnership)) | Q(outcome=CallOutcome.SPOKE))
        .order_by("-made_at")
        .values_list("lead_id", "made_at", "outcome")
    )
    for lead_id, made_at, outcome in attempts:
        state = states[lead_id]
        if outcome == CallOutcome.SPOKE and (
            state.contact_at is None or made_at > state.contact_at
        ):
            state.contact_at = made_at
        state.attempt_times.append(made_at)

    ceased = OutreachPair.objects.for_partnership(partnership).filter(
        member=member, lead_id__in=lead_ids, ceased_at__isnull=False
    )
    for lead_id, ceased_at in ceased.values_list("lead_id", "ceased_at"):
        states[lead_id].ceased_at = ceased_at
    return states


def _longest_window(partnership: Partnership) -> datetime.timedelta:
    return max(WEEK, datetime.timedelta(days=partnership.cease_window_days))


def pair_state(member: Member, lead: Lead, now: datetime.datetime) -> PairState:
    return pair_states(member, [lead], now)[lead.pk]
