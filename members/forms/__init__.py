"""The members app's forms.

Modules:
- `profile`: the public directory's filters and the member's own profile.
- `invitations`: leadership invites a person.
"""

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
    "CommaSeparatedListField",
    "DirectoryFilterForm",
    "InvitationForm",
    "ProfileForm",
    "timezone_choices",
]
