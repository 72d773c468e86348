"""The advocates app's rows about a person (pinnacle.privacy.registry): the person as a member's
contact with everything recorded about them, their surveys, and referrals naming them."""

from advocates.models import (
    Assignment,
    Contact,
    Enrollment,
    ExperimentFeedback,
    Interaction,
    Referral,
    Reward,
    SegmentChange,
    ServiceRecord,
    Survey,
    Touch,
)
from pinnacle.privacy.registry import Erase, Provider, by_email, either, linked

OF_CONTACT = linked("contact_id", "advocates.Contact")

PROVIDERS = [
    Provider(
        model=Contact,
        find=by_email(),
        fields={
            "name": Erase.NAME,
            "email": Erase.EMAIL,
            "phone": Erase.BLANK,
            "company": Erase.BLANK,
            "mailing_address": Erase.BLANK,
            "family": Erase.BLANK,
            "hobbies": Erase.BLANK,
            "interests": Erase.BLANK,
            "notes": Erase.BLANK,
        },
        about="The person as a member's contact (inner circle)",
        kept="The contact stays, nameless, for the member's counts of touches and referrals.",
    ),
    Provider(
        model=SegmentChange,
        find=OF_CONTACT,
        fields={"reason": Erase.BLANK},
        about="Their moves between segments",
    ),
    Provider(
        model=Interaction,
        find=OF_CONTACT,
        fields={"summary": Erase.BLANK},
        about="Interactions with them",
    ),
    Provider(
        model=ServiceRecord,
        find=OF_CONTACT,
        fields={"feedback": Erase.BLANK},
        about="Services given to them and their feedback",
    ),
    Provider(model=Assignment, find=OF_CONTACT, fields={}, about="Reward experiment groups"),
    Provider(
        model=ExperimentFeedback,
        find=linked("assignment_id", "advocates.Assignment"),
        fields={"text": Erase.BLANK},
        about="Feedback noted in reward experiments",
    ),
    Provider(
        model=Survey,
        find=either(by_email(), OF_CONTACT),
        fields={"name": Erase.NAME, "email": Erase.EMAIL, "comment": Erase.BLANK},
        about="Satisfaction surveys they were sent or answered",
        kept="The score stays in the member's satisfaction statistics, nameless.",
    ),
    Provider(model=Enrollment, find=OF_CONTACT, fields={}, about="Appreciation plans for them"),
    Provider(model=Touch, find=OF_CONTACT, fields={}, about="Touches of those plans"),
    Provider(
        model=Referral,
        find=either(by_email("person_email"), linked("lead_id", "leads.Lead")),
        fields={
            "person_name": Erase.NAME,
            "person_email": Erase.EMAIL,
            "person_phone": Erase.BLANK,
            "note": Erase.BLANK,
        },
        about="Referrals of the person (as the one referred)",
        kept="The referral stays for the advocate's rewards and counts, without the person.",
    ),
    Provider(
        model=Referral,
        key="advocates.Referral#made",
        find=OF_CONTACT,
        fields={},
        about="Referrals the person made (the people they referred are not erased)",
    ),
    Provider(model=Reward, find=OF_CONTACT, fields={}, about="Rewards given to them"),
]

EXCUSED = {
    "advocates.Experiment": "A reward experiment: its name is the experiment's.",
    "advocates.PlanTemplate": "An appreciation plan's template: its name is the plan's.",
}
