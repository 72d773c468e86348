"""Reads of a member's referrals and rewards, always through their owner: another member's (or
partnership's) referral, rule or reward is the same 404 as a missing one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum

from advocates.models import (
    Assignment,
    Contact,
    Referral,
    ReferralEvent,
    Reward,
    RewardRule,
)
from advocates.services.rewards import suggestions_for
from members.models import Member
from pinnacle.access import get_or_404


def referrals_of(member: Member) -> QuerySet[Referral]:
    return Referral.objects.for_partnership(member.partnership).filter(owner=member)


def referral_for(member: Member, pk) -> Referral:
    return get_or_404(referrals_of(member).select_related("contact", "lead"), pk=pk)


def rule_for(member: Member, pk) -> RewardRule:
    rows = RewardRule.objects.for_partnership(member.partnership).filter(owner=member)
    return get_or_404(rows, pk=pk)


def rewards_of(member: Member) -> QuerySet[Reward]:
    return Reward.objects.for_partnership(member.partnership).filter(owner=member)


def reward_for(member: Member, pk) -> Reward:
    return get_or_404(rewards_of(member), pk=pk)


def referral_list(member: Member, *, stage: str = "", direction: str = "", q: str = ""):
    """The member's referrals for the list page, newest first, filtered (contact joined)."""
    rows = referrals_of(member).select_related("contact").order_by("-received_on", "-pk")
    if stage:
        rows = rows.filter(stage=stage)
    if direction:
        rows = rows.filter(direction=direction)
    q = q.strip()
    if q:
        rows = rows.filter(Q(person_name__icontains=q) | Q(contact__name__icontains=q))
    return rows


def untold_referrals(member: Member) -> QuerySet[Referral]:
    """Referrals whose referrer has not been told the latest stage."""
    return (
        referrals_of(member)
        .exclude(untold_stage="")
        .select_related("contact")
        .order_by("-stage_changed_at", "-pk")
    )


def with_suggestions(referrals: list[Referral], member: Member) -> list[Referral]:
    """Attach each referral's reward suggestions (`.suggestions`), in three queries for any
    number of referrals (their events, rewards and experiment assignments are prefetched by
    the caller as `events`/`rewards`, the rules and assignments loaded here)."""
    if not referrals:
        return referrals
    rules = list(
        RewardRule.objects.for_partnership(member.partnership).filter(owner=member, is_active=True)
    )
    contact_ids = {r.contact_id for r in referrals}
    assignments: dict[int | None, list[Assignment]] = {}
    for assignment in (
        Assignment.objects.for_partnership(member.partnership)
        .filter(contact_id__in=contact_ids)
        .select_related("experiment")
        .order_by("-experiment__starts_on", "-pk")
    ):
        assignments.setdefault(assignment.contact_id, []).append(assignment)
    for referral in referrals:
        covering = next(
            (
                a
                for a in assignments.get(referral.contact_id, [])
                if a.experiment.starts_on <= referral.received_on <= a.experiment.ends_on
            ),
            None,
        )
        referral.suggestions = suggestions_for(
            referral,
            rules=rules,
            events=list(referral.events.all()),
            given=list(referral.rewards.all()),
            assignment=covering,
        )
    return referrals


def contact_referrals(contact: Contact) -> list[Referral]:
    """A contact's referrals both ways with their history and rewards, for the contact page."""
    return list(
        Referral.objects.for_partnership(contact.partnership)
        .filter(contact=contact)
        .select_related("contact")
        .prefetch_related(
            Prefetch("events", queryset=ReferralEvent.objects.order_by("-created_at", "-pk")),
            "rewards",
        )
        .order_by("-received_on", "-pk")
    )


def contact_rewards(contact: Contact) -> list[Reward]:
    return list(
        Reward.objects.for_partnership(contact.partnership)
        .filter(contact=contact)
        .select_related("referral")
        .order_by("-given_on", "-pk")
    )


def total_this_year(contact: Contact, today: dt.date) -> Decimal:
    total = (
        Reward.objects.for_partnership(contact.partnership)
        .filter(contact=contact, given_on__year=today.year)
        .aggregate(total=Sum("value"))["total"]
    )
    return total or Decimal(0)
