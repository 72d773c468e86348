"""The co-marketing app's rows about a person (pinnacle.privacy.registry): invitations to the
address and leads of theirs shared between partners."""

from comarketing.models import Connection, SharedLead
from pinnacle.privacy.registry import Erase, Provider, by_email, linked

PROVIDERS = [
    Provider(
        model=Connection,
        find=by_email(),
        fields={"email": Erase.EMAIL, "prefill": Erase.BLANK},
        about="Co-marketing invitations sent to the address",
        kept="The invitation's status history stays for the inviting lender's records.",
    ),
    Provider(
        model=SharedLead,
        find=linked("lead_id", "leads.Lead"),
        fields={"note": Erase.BLANK},
        about="The person's lead shared between co-marketing partners",
    ),
]
