"""Forms: inviting co-marketing partners, and the invitee's registration (pre-filled)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation

from comarketing.models import PROFILE_FIELDS
from comarketing.services import EDITABLE_PROFILE_FIELDS, MAX_NOTE_LENGTH
from members.forms import ProfileForm, timezone_choices
from members.models import Member


class InviteForm(forms.Form):
    addresses = forms.CharField(
        label="Email addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "agent@example.com, ..."}),
        help_text="One or several, separated by commas or lines. Double-check each address: "
        "an invitation to a mistyped one is never delivered.",
    )

    def clean(self):
        cleaned = super().clean()
        chosen = (
            [c for c in self.data.getlist("contact") if c] if hasattr(self.data, "getlist") else []
        )
        text = ", ".join(filter(None, [cleaned.get("addresses", ""), *chosen]))
        if not text.strip():
            raise forms.ValidationError("Enter at least one email address, or choose a contact.")
        cleaned["addresses"] = text
        return cleaned


class RegistrationForm(forms.Form):
    first_name = forms.CharField(max_length=60)
    last_name = forms.CharField(max_length=60)
    job_title = forms.CharField(max_length=120, required=False)
    cell_phone = forms.CharField(max_length=32, required=False)
    office_phone = forms.CharField(max_length=32, required=False)
    employer = forms.CharField(max_length=160, required=False)
    license_number = forms.CharField(
        label="Real estate state license number", max_length=60, required=False
    )
    mls_market = forms.CharField(label="MLS market", max_length=120, required=False)
    mls_agent_id = forms.CharField(label="MLS agent ID", max_length=60, required=False)
    street_address = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    state = forms.CharField(max_length=40, required=False)
    postal_code = forms.CharField(max_length=20, required=False)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput)

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords differ.")
        elif one:
            try:
                password_validation.validate_password(one)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned

    @property
    def display_name(self) -> str:
        return f"{self.cleaned_data['first_name'].strip()} {self.cleaned_data['last_name'].strip()}"

    def profile_fields(self) -> dict:
        return {name: self.cleaned_data[name].strip() for name in PROFILE_FIELDS}


class PrefillForm(forms.Form):
    """What a lender whose company opted in may pre-fill for one invitee: exactly the
    registration form's fields, which the invitee sees filled in and may correct."""

    first_name = forms.CharField(max_length=60, required=False)
    last_name = forms.CharField(max_length=60, required=False)
    cell_phone = forms.CharField(max_length=32, required=False)
    office_phone = forms.CharField(max_length=32, required=False)
    employer = forms.CharField(max_length=160, required=False)
    job_title = forms.CharField(max_length=120, required=False)
    license_number = forms.CharField(
        label="Real estate state license number", max_length=60, required=False
    )
    mls_market = forms.CharField(label="MLS market", max_length=120, required=False)
    mls_agent_id = forms.CharField(label="MLS agent ID", max_length=60, required=False)
    street_address = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    state = forms.CharField(max_length=40, required=False)
    postal_code = forms.CharField(max_length=20, required=False)

    def prefill(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value}


class PartnerProfileForm(forms.ModelForm):
    """A co-marketing partner's plain marketing-profile fields, as their lender edits them;
    services.edit_partner_profile decides whether they may and stores the changes."""

    timezone = forms.ChoiceField(label="Time zone", choices=timezone_choices, required=False)

    class Meta:
        model = Member
        fields = EDITABLE_PROFILE_FIELDS
        labels = {"display_name": "Name"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [
            ("", f"Not chosen (the partnership's: {self.instance.partnership.timezone})"),
            *timezone_choices(),
        ]

    # The member's own profile form's checks, so both editors store the same values.
    clean_display_name = ProfileForm.clean_display_name
    _clean_phone = ProfileForm._clean_phone
    clean_cell_phone = ProfileForm.clean_cell_phone
    clean_office_phone = ProfileForm.clean_office_phone

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class ShareLeadForm(forms.Form):
    connection = forms.TypedChoiceField(label="Share with", coerce=int)
    note = forms.CharField(
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What they asked for, when to call, anything your partner should know. "
        "Nothing is sent to the lead.",
    )

    def __init__(self, *args, partners: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["connection"].choices = partners
