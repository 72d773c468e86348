"""The policy app's rows about a person (pinnacle.privacy.registry)."""

from pinnacle.privacy.registry import Erase, Provider, by_email
from policy.models import BreachReport

PROVIDERS = [
    Provider(
        model=BreachReport,
        find=by_email("reporter_email"),
        fields={"reporter_email": Erase.EMAIL, "reporter_name": Erase.NAME},
        about="Breach reports the person made",
        kept="The report is the policy's record of a breach; only who made it is erased.",
    ),
]
