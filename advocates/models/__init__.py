"""A member's inner circle (seed chapter 5): every model of the advocates app.

- `contacts`: the contacts, their segments, the circle's settings, the communication log and the
  transaction history.
- `plans`: the appreciation plans' templates, enrolments and dated touches.
- `referrals`: referrals both ways, their history, reward rules and rewards given.
- `experiments`: the reward A/B experiment and the satisfaction survey.
"""

from .contacts import (
    ONE_TO_TEN,
    CircleSettings,
    Contact,
    Interaction,
    InteractionKind,
    Segment,
    SegmentChange,
    ServiceRecord,
)
from .experiments import Assignment, Experiment, ExperimentFeedback, ExperimentGroup, Survey
from .plans import (
    DateAnchor,
    Enrollment,
    PlanKind,
    PlanStep,
    PlanTemplate,
    Touch,
    TouchBucket,
    TouchKind,
)
from .referrals import (
    Direction,
    Referral,
    ReferralEvent,
    ReferralQuality,
    ReferralStage,
    Reward,
    RewardRule,
    RewardTrigger,
)

__all__ = [
    "ONE_TO_TEN",
    "Assignment",
    "CircleSettings",
    "Contact",
    "DateAnchor",
    "Direction",
    "Enrollment",
    "Experiment",
    "ExperimentFeedback",
    "ExperimentGroup",
    "Interaction",
    "InteractionKind",
    "PlanKind",
    "PlanStep",
    "PlanTemplate",
    "Referral",
    "ReferralEvent",
    "ReferralQuality",
    "ReferralStage",
    "Reward",
    "RewardRule",
    "RewardTrigger",
    "Segment",
    "SegmentChange",
    "ServiceRecord",
    "Survey",
    "Touch",
    "TouchBucket",
    "TouchKind",
]
