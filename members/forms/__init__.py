"""The members app's forms.

Modules:
- `profile`: the public directory's filters and the member's own profile.
- `invitations`: leadership invites a person.
- `governance`: policy suggestions, breach reports, revisions and votes.
"""

from .governance import (
    BreachReportForm,
    BreachUpdateForm,
    OpenVotingForm,
    RevisionForm,
    SuggestionForm,
    SuggestionResponseForm,
    VisitorBreachReportForm,
    VoteForm,
    policy_setting_field,
)
from .invitations import InvitationForm
from .profile import (
    IMAGE_FIELDS,
    PHONE_PATTERN,
    CommaSeparatedListField,
    DirectoryFilterForm,
    ProfileForm,
    timezone_choices,
)

__all__ = [
    "IMAGE_FIELDS",
    "PHONE_PATTERN",
    "BreachReportForm",
    "BreachUpdateForm",
    "CommaSeparatedListField",
    "DirectoryFilterForm",
    "InvitationForm",
    "OpenVotingForm",
    "ProfileForm",
    "RevisionForm",
    "SuggestionForm",
    "SuggestionResponseForm",
    "VisitorBreachReportForm",
    "VoteForm",
    "policy_setting_field",
    "timezone_choices",
]
