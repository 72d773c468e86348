"""The form leadership invites a person with (`services.invite_member` sends it)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from members.models import Member
from pinnacle.forms import BoundedEmailField


class InvitationForm(forms.Form):
    """Leadership invites a person; `companies` is this partnership's companies only."""

    email = BoundedEmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text="The invitation link is sent here, and only this address can accept it.",
    )
    display_name = forms.CharField(
        label="Name",
        max_length=120,
        help_text="As it will appear in the directory; they can change it later.",
    )
    kind = forms.ChoiceField(label="Member type", choices=Member.Kind.choices)
    service_category = forms.ChoiceField(label="Service", choices=Member.ServiceCategory.choices)
    role = forms.ChoiceField(
        label="Role",
        choices=Member.Role.choices,
        help_text="Administrative leadership can invite members and use the admin.",
    )
    company = forms.ModelChoiceField(
        label="Company", queryset=None, required=False, empty_label="\u2014 No company \u2014"
    )

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise ValidationError("Enter the name of the person you are inviting.", code="required")
        return name
