"""Forms: inviting co-marketing partners, and the invitee's registration (pre-filled)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation

# The registration fields a lender may pre-fill (when their company opted in); the invitee sees
# them filled in and may correct them.
PROFILE_FIELDS = [
    "job_title",
    "cell_phone",
    "office_phone",
    "employer",
    "license_number",
    "mls_market",
    "mls_agent_id",
    "street_address",
    "city",
    "state",
    "postal_code",
]


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
