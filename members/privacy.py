"""Members' app rows about a person (pinnacle.privacy.registry)."""

from members.models import Invitation
from pinnacle.privacy.registry import Erase, Provider, by_email

PROVIDERS = [
    Provider(
        model=Invitation,
        find=by_email(),
        fields={"email": Erase.EMAIL, "display_name": Erase.NAME},
        about="Invitations to join the partnership sent to the address",
    ),
]

EXCUSED = {
    "members.User": "A member's own account, closed by deactivating it, not by this request.",
    "members.Member": "A partner member's public profile: the member's, edited by them.",
    "members.Company": "A business, not a person.",
}
