"""The outreach app's rows about a person (pinnacle.privacy.registry): every attempt to reach
them, their replies, refusals and the notes members wrote."""

from outreach.models import Attempt, DecisionNote, LeadReply, Recommendation, Refusal
from pinnacle.privacy.registry import Erase, Provider, linked

OF_LEAD = linked("lead_id", "leads.Lead")
KEPT = "The policy's attempt log counts these rows (cadence, cease): they stay, without notes."

PROVIDERS = [
    Provider(
        model=Attempt,
        find=OF_LEAD,
        fields={"note": Erase.BLANK},
        about="Outreach attempts to the person",
        kept=KEPT,
    ),
    Provider(
        model=LeadReply,
        find=OF_LEAD,
        fields={"note": Erase.BLANK},
        about="The person's replies to outreach",
        kept=KEPT,
    ),
    Provider(
        model=Refusal, find=OF_LEAD, fields={}, about="Outreach the policy refused", kept=KEPT
    ),
    Provider(
        model=Recommendation,
        find=OF_LEAD,
        fields={"note": Erase.BLANK},
        about="Cross-selling recommendations sent to the person",
    ),
    Provider(
        model=DecisionNote,
        find=OF_LEAD,
        fields={"decision_process": Erase.BLANK, "feedback": Erase.BLANK},
        about="Members' notes on the person's decisions",
    ),
]

EXCUSED = {"outreach.Template": "A member's message template: its name is the template's."}
