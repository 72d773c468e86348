"""The leads app's rows about a person (pinnacle.privacy.registry): their leads, what they
submitted, their inquiries and the answers."""

from leads.models import Inquiry, InquiryResponse, Lead, Submission
from pinnacle.privacy.registry import Erase, Provider, by_email, linked

PROVIDERS = [
    Provider(
        model=Lead,
        find=by_email(),
        fields={"name": Erase.NAME, "email": Erase.EMAIL, "phone": Erase.BLANK, "utm": Erase.BLANK},
        about="The person as a lead (prospect)",
        kept="The lead stays, nameless, for the outreach policy's records that point at it.",
    ),
    Provider(
        model=Submission,
        find=linked("lead_id", "leads.Lead"),
        fields={
            "name": Erase.NAME,
            "phone": Erase.BLANK,
            "message": Erase.BLANK,
            "utm": Erase.BLANK,
            "ip_address": Erase.NULL,
        },
        about="The forms the person filled in",
    ),
    Provider(
        model=Inquiry,
        find=linked("lead_id", "leads.Lead"),
        fields={"message": Erase.BLANK},
        about="The person's inquiries to members",
        kept="The 24-hour reply rule's record (asked when, answered when) stays.",
    ),
    Provider(
        model=InquiryResponse,
        find=linked("inquiry_id", "leads.Inquiry"),
        fields={"body": Erase.BLANK},
        about="Members' answers to those inquiries",
    ),
]
