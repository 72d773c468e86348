"""Reward programs and the rewards given (seed 5.5: "Provide appropriate rewards at each stage of
the transaction"; tiered rewards by quality or value; a small reward immediately on receipt;
long-term benefits).

A member's rules (`RewardRule`) are suggested on each received referral as it reaches their
trigger; one click records the reward as given, once per rule and referral. When the contact is
in a reward experiment covering the referral's receipt, the Closed-stage suggestion is the
experiment's reward instead (group A fixed, group B a rate of the transaction's value).
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from advocates.models import (
    Assignment,
    Contact,
    Direction,
    ExperimentGroup,
    Referral,
    ReferralEvent,
    ReferralQuality,
    ReferralStage,
    Reward,
    RewardRule,
    RewardTrigger,
)
from advocates.services import AdvocatesRefused
from advocates.services.score import refresh_score
from members.models import Member
from pinnacle.once import just_made

MAX_REWARD = decimal.Decimal("99999999.99")
CENT = decimal.Decimal("0.01")

# The stage a referral reaches and the trigger whose rules it suggests.
STAGE_TRIGGERS: dict[str, str] = {
    ReferralStage.RECEIVED: RewardTrigger.ON_RECEIPT,
    ReferralStage.CONTACTED: RewardTrigger.CONTACTED,
    ReferralStage.UNDER_CONTRACT: RewardTrigger.UNDER_CONTRACT,
    ReferralStage.CLOSED: RewardTrigger.CLOSED,
}

# "Start from the suggested program": (trigger, tier, description, value).
SUGGESTED_PROGRAM = (
    (RewardTrigger.ON_RECEIPT, "", "$10 coffee card", decimal.Decimal("10")),
    (RewardTrigger.CONTACTED, "", "Handwritten thank-you note", decimal.Decimal("0")),
    (RewardTrigger.CLOSED, ReferralQuality.STANDARD, "$50 gift card", decimal.Decimal("50")),
    (RewardTrigger.CLOSED, ReferralQuality.QUALIFIED, "$100 gift card", decimal.Decimal("100")),
    (RewardTrigger.CLOSED, ReferralQuality.PREMIUM, "$150 gift card", decimal.Decimal("150")),
    (
        RewardTrigger.LONG_TERM,
        "",
        "Invitation to the yearly client appreciation event",
        decimal.Decimal("0"),
    ),
)


@dataclass(frozen=True)
class Suggestion:
    """A reward to give for a referral: from a rule (`rule:<pk>`) or the experiment
    (`experiment:<pk>`)."""

    key: str
    trigger: str
    description: str
    value: decimal.Decimal
    rule: RewardRule | None = None

    @property
    def label(self) -> str:
        return f"Give: {self.description}"


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _clean_reward_value(value) -> decimal.Decimal:
    if value in (None, ""):
        return decimal.Decimal(0)
    try:
        value = decimal.Decimal(str(value))
    except ArithmeticError as exc:
        raise AdvocatesRefused("A reward's value is an amount in dollars.") from exc
    if not value.is_finite() or value < 0:
        raise AdvocatesRefused("A reward's value cannot be negative.")
    if value > MAX_REWARD:
        raise AdvocatesRefused("That value is too large for a reward.")
    return value.quantize(CENT)


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if not description:
        raise AdvocatesRefused("Say what the reward is.")
    if len(description) > 200:
        raise AdvocatesRefused("Keep the description under 200 characters.")
    return description


def _money(value: decimal.Decimal) -> str:
    return f"${value:,.2f}".replace(".00", "")


# --- The program's rules -------------------------------------------------------------------


def rules_of(member: Member) -> QuerySet[RewardRule]:
    return RewardRule.objects.for_partnership(member.partnership).filter(owner=member)


def _check_rule(trigger: str, quality: str) -> None:
    if trigger not in RewardTrigger.values:
        raise AdvocatesRefused("Choose when the reward is given.")
    if quality and quality not in ReferralQuality.values:
        raise AdvocatesRefused("Choose a tier: Standard, Qualified, Premium, or every tier.")


@transaction.atomic
def create_rule(
    *, member: Member, trigger: str, quality: str = "", description: str, value=0
) -> RewardRule:
    """Add a rule to the member's reward program."""
    _check_rule(trigger, quality)
    fields: dict[str, Any] = {
        "trigger": trigger,
        "quality": quality or "",
        "description": _clean_description(description),
        "value": _clean_reward_value(value),
    }
    # The member's row orders two submits of the same form: the second returns the first's.
    Member.objects.select_for_update().filter(pk=member.pk).first()
    twin = just_made(rules_of(member), is_active=True, **fields)
    if twin is not None:
        return twin
    return RewardRule.objects.create(partnership_id=member.partnership_id, owner=member, **fields)


@transaction.atomic
def update_rule(
    *, rule: RewardRule, trigger: str, quality: str = "", description: str, value=0
) -> RewardRule:
    """Change a rule; rewards already given keep what they were."""
    _check_rule(trigger, quality)
    rule = RewardRule.objects.select_for_update().get(pk=rule.pk)
    rule.trigger = trigger
    rule.quality = quality or ""
    rule.description = _clean_description(description)
    rule.value = _clean_reward_value(value)
    rule.save(update_fields=["trigger", "quality", "description", "value"])
    return rule


@transaction.atomic
def set_rule_active(*, rule: RewardRule, is_active: bool) -> RewardRule:
    """Deactivate a rule (no longer suggested) or bring it back."""
    rule = RewardRule.objects.select_for_update().get(pk=rule.pk)
    if rule.is_active == is_active:
        state = "active" if is_active else "inactive"
        raise AdvocatesRefused(f"This reward is already {state}.")
    rule.is_active = is_active
    rule.save(update_fields=["is_active"])
    return rule


@transaction.atomic
def start_suggested_program(*, member: Member) -> list[RewardRule]:
    """The suggested program for a member who has no rules yet (the member's row is locked, so
    a double click adds it once)."""
    Member.objects.select_for_update().filter(pk=member.pk).first()
    if rules_of(member).exists():
        raise AdvocatesRefused("Your reward program already has rewards: edit them instead.")
    return RewardRule.objects.bulk_create(
        [
            RewardRule(
                partnership_id=member.partnership_id,
                owner=member,
                trigger=trigger,
                quality=quality,
                description=description,
                value=value,
            )
            for trigger, quality, description, value in SUGGESTED_PROGRAM
        ]
    )


# --- Suggestions -----------------------------------------------------------------------------


def reached_triggers(referral: Referral, events: list[ReferralEvent]) -> set[str]:
    """The triggers the referral has reached: receipt, and every stage it has been at."""
    stages = {referral.stage, ReferralStage.RECEIVED, *(e.stage for e in events)}
    return {STAGE_TRIGGERS[s] for s in stages if s in STAGE_TRIGGERS}


def experiment_assignment(referral: Referral) -> Assignment | None:
    """The contact's assignment in an experiment whose period covers the referral's receipt."""
    return (
        Assignment.objects.filter(
            partnership_id=referral.partnership_id,
            contact_id=referral.contact_id,
            experiment__starts_on__lte=referral.received_on,
            experiment__ends_on__gte=referral.received_on,
        )
        .select_related("experiment")
        .order_by("-experiment__starts_on", "-pk")
        .first()
    )


def experiment_suggestion(referral: Referral, assignment: Assignment) -> Suggestion:
    experiment = assignment.experiment
    if assignment.group == ExperimentGroup.A:
        value = experiment.fixed_reward.quantize(CENT)
        description = f"{experiment.name} (group A): fixed reward for a closed referral"
    else:
        basis = referral.closed_value if referral.closed_value is not None else None
        basis_name = "closed value"
        if basis is None:
            basis, basis_name = referral.estimated_value or decimal.Decimal(0), "estimated value"
        rate = experiment.variable_rate
        value = (basis * rate / 100).quantize(CENT, decimal.ROUND_HALF_UP)
        description = (
            f"{experiment.name} (group B): {rate.normalize():f}% of the {basis_name} "
            f"{_money(basis)}"
        )
    return Suggestion(
        key=f"experiment:{experiment.pk}",
        trigger=RewardTrigger.CLOSED,
        description=f"{_money(value)}, {description}",
        value=value,
    )


def suggestions_for(
    referral: Referral,
    *,
    rules: list[RewardRule],
    events: list[ReferralEvent],
    given: list[Reward],
    assignment: Assignment | None = None,
) -> list[Suggestion]:
    """The rewards to give for a received referral now: the member's active rules for the
    triggers it reached and its tier, less those already given. With an experiment assignment
    covering its receipt, the Closed rules give way to the experiment's reward. Pure: the
    caller loads the rows (once for a whole list)."""
    if referral.direction != Direction.RECEIVED:
        return []
    reached = reached_triggers(referral, events)
    given_rules = {r.rule_id for r in given if r.rule_id}
    closed_given = any(r.trigger == RewardTrigger.CLOSED and r.rule_id is None for r in given)
    found = []
    for rule in rules:
        if not rule.is_active or rule.trigger not in reached or rule.pk in given_rules:
            continue
        if rule.quality and rule.quality != referral.quality:
            continue
        if assignment is not None and rule.trigger == RewardTrigger.CLOSED:
            continue
        found.append(
            Suggestion(
                key=f"rule:{rule.pk}",
                trigger=rule.trigger,
                description=rule.description,
                value=rule.value,
                rule=rule,
            )
        )
    if assignment is not None and RewardTrigger.CLOSED in reached and not closed_given:
        found.append(experiment_suggestion(referral, assignment))
    order = list(RewardTrigger.values)  # receipt first, then the stages in their order
    return sorted(found, key=lambda s: order.index(s.trigger))


def referral_suggestions(referral: Referral) -> list[Suggestion]:
    """The suggestions for one referral, with their own queries (the detail page, services)."""
    member_rules = list(
        RewardRule.objects.for_partnership(referral.partnership).filter(
            owner_id=referral.owner_id, is_active=True
        )
    )
    return suggestions_for(
        referral,
        rules=member_rules,
        events=list(referral.events.all()),
        given=list(referral.rewards.all()),
        assignment=experiment_assignment(referral),
    )


# --- Giving and redeeming ------------------------------------------------------------------


@transaction.atomic
def give_reward(*, referral: Referral, key: str, actor=None) -> Reward:
    """Record a suggested reward as given today. Under the referral's lock the suggestion is
    worked out again, so the same rule (or the experiment's reward) is given once."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=referral.pk)
    )
    suggestion = next((s for s in referral_suggestions(referral) if s.key == key), None)
    if suggestion is None:
        raise AdvocatesRefused(
            "That reward is not due for this referral, or it was recorded already."
        )
    return Reward.objects.create(
        partnership_id=referral.partnership_id,
        contact_id=referral.contact_id,
        owner_id=referral.owner_id,
        referral=referral,
        rule=suggestion.rule,
        trigger=suggestion.trigger,
        description=suggestion.description[:200],
        value=suggestion.value,
        given_on=referral.partnership.today(),
        created_by=_user(actor),
    )


@transaction.atomic
def record_reward(
    *,
    contact: Contact,
    description: str,
    value,
    given_on: dt.date,
    trigger: str = RewardTrigger.LONG_TERM,
    referral: Referral | None = None,
    actor=None,
) -> Reward:
    """A reward given by hand (what, value, when), for one of the contact's referrals or as a
    long-term benefit."""
    description = _clean_description(description)
    value = _clean_reward_value(value)
    if trigger not in RewardTrigger.values:
        raise AdvocatesRefused("Choose what the reward was for.")
    if given_on is None:
        raise AdvocatesRefused("Give the day it was given.")
    today = contact.partnership.today()
    if given_on > today:
        raise AdvocatesRefused("A reward cannot be recorded as given in the future.")
    if referral is not None and referral.contact_id != contact.pk:
        raise AdvocatesRefused("That referral is not one of this contact's.")
    # The contact's row orders two submits of the same form: the second returns the first's.
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    twin = just_made(
        Reward.objects.for_partnership(contact.partnership).filter(contact=contact),
        referral=referral,
        rule=None,
        trigger=trigger,
        description=description,
        value=value,
        given_on=given_on,
    )
    if twin is not None:
        return twin
    return Reward.objects.create(
        partnership_id=contact.partnership_id,
        contact=contact,
        owner_id=contact.owner_id,
        referral=referral,
        trigger=trigger,
        description=description,
        value=value,
        given_on=given_on,
        created_by=_user(actor),
    )


@transaction.atomic
def mark_redeemed(*, reward: Reward, actor=None) -> Reward:
    """The contact used the reward: engagement with the appreciation program, so the score
    counts it."""
    reward = (
        Reward.objects.select_for_update(of=("self",))
        .select_related("contact__partnership")
        .get(pk=reward.pk)
    )
    if reward.redeemed_on is not None:
        raise AdvocatesRefused("This reward is already marked as redeemed.")
    reward.redeemed_on = reward.contact.partnership.today()
    reward.save(update_fields=["redeemed_on"])
    refresh_score(reward.contact)
    return reward
