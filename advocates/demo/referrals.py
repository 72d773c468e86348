"""Demo referrals and rewards for the demo agent, made through the services: the suggested
reward program; referrals received from demo contacts (leads through the advocate referral
intake), one under contract with a progress note waiting, one closed with its rewards given (one
redeemed), one told by word of mouth with a phone only (no lead); one referral sent to an allied
resource. They came over the last weeks, inside the
demo reward experiment's period, so its chart climbs week by week in both groups. Idempotent:
a referral the agent already has (same contact, same person) is left alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from advocates.models import Direction, Referral, ReferralQuality, ReferralStage
from advocates.selectors.circle import contacts_of
from advocates.services import referrals as services
from advocates.services import rewards as reward_services
from members.models import Member

# (contact email, person, person email, tier, estimated value, stages to walk, closed value,
#  days ago it came)
RECEIVED = [
    (
        "maya.thompson@example.com",
        "Jordan Ellis",
        "jordan.ellis@example.com",
        ReferralQuality.PREMIUM,
        Decimal("650000"),
        (ReferralStage.CONTACTED, ReferralStage.UNDER_CONTRACT, ReferralStage.CLOSED),
        Decimal("640000"),
        34,
    ),
    (
        "daniel.okafor@example.com",
        "Sam Whitaker",
        "sam.whitaker@example.com",
        ReferralQuality.QUALIFIED,
        Decimal("420000"),
        (ReferralStage.CONTACTED, ReferralStage.UNDER_CONTRACT),
        None,
        19,
    ),
    (
        "priya.raman@example.com",
        "Nina Castillo",
        "nina.castillo@example.com",
        ReferralQuality.STANDARD,
        None,
        (),
        None,
        4,
    ),
    (
        "luis.herrera@example.com",
        "Marcus Bell",
        "marcus.bell@example.com",
        ReferralQuality.QUALIFIED,
        Decimal("510000"),
        (ReferralStage.CONTACTED,),
        None,
        38,
    ),
    (
        "luis.herrera@example.com",
        "Tessa Morgan",
        "tessa.morgan@example.com",
        ReferralQuality.STANDARD,
        None,
        (),
        None,
        12,
    ),
    (
        "hannah.brooks@example.com",
        "Owen Price",
        "owen.price@example.com",
        ReferralQuality.STANDARD,
        None,
        (ReferralStage.CONTACTED,),
        None,
        25,
    ),
    (
        # Told over coffee with a name and a phone only: a referral without a lead.
        "maya.thompson@example.com",
        "Rosa Delgado",
        "",
        ReferralQuality.STANDARD,
        None,
        (ReferralStage.CONTACTED,),
        None,
        9,
    ),
]
PHONES = {"Rosa Delgado": "(512) 555-0143"}
SENT = (
    "dispatch@sunrisemoving.example.com",
    "The Park family",
    "Moving from Round Rock in May",
    15,
)


def _has(agent: Member, contact, person_name: str, direction: str) -> bool:
    return (
        Referral.objects.for_partnership(agent.partnership)
        .filter(owner=agent, contact=contact, person_name=person_name, direction=direction)
        .exists()
    )


def seed_referrals(agent: Member) -> int:
    """Returns how many referrals were made."""
    if not reward_services.rules_of(agent).exists():
        reward_services.start_suggested_program(member=agent)
    contacts = {c.email: c for c in contacts_of(agent)}
    today = agent.partnership.today()
    made = 0
    for email, person, person_email, tier, estimate, stages, closed_value, days in RECEIVED:
        contact = contacts.get(email)
        if contact is None or _has(agent, contact, person, Direction.RECEIVED):
            continue
        referral = services.record_referral_received(
            contact=contact,
            person_name=person,
            person_email=person_email,
            person_phone=PHONES.get(person, ""),
            quality=tier,
            estimated_value=estimate,
            received_on=today - dt.timedelta(days=days),
        )
        for key in [s.key for s in reward_services.referral_suggestions(referral)]:
            reward_services.give_reward(referral=referral, key=key)
        for stage in stages:
            referral = services.advance_referral(
                referral=referral,
                stage=stage,
                closed_value=closed_value if stage == ReferralStage.CLOSED else None,
            )
            if stage != stages[-1]:
                services.dismiss_progress_note(referral=referral)
        if referral.stage == ReferralStage.CLOSED:
            services.dismiss_progress_note(referral=referral)
            for key in [s.key for s in reward_services.referral_suggestions(referral)]:
                reward_services.give_reward(referral=referral, key=key)
            first = referral.rewards.order_by("pk").first()
            if first is not None:
                reward_services.mark_redeemed(reward=first)
        made += 1
    email, person, note, days = SENT
    contact = contacts.get(email)
    if contact is not None and not _has(agent, contact, person, Direction.SENT):
        services.record_referral_sent(
            contact=contact,
            person_name=person,
            note=note,
            received_on=today - dt.timedelta(days=days),
        )
        made += 1
    return made
