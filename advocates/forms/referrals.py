"""Forms of the referrals and rewards pages: they parse; the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from advocates.models import (
    Contact,
    Direction,
    Referral,
    ReferralQuality,
    ReferralStage,
    RewardRule,
    RewardTrigger,
)
from advocates.services.referrals import MIN_PHONE_DIGITS
from leads.models import Need, Timeframe
from pinnacle.forms import BoundedDateField, BoundedEmailField

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal(0)}
EVERY_TIER = ("", "Every tier")


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ReferralForm(forms.Form):
    """A referral received from a contact, or one sent to a contact (the direction says)."""

    direction = forms.ChoiceField(
        label="Direction", choices=Direction.choices, initial=Direction.RECEIVED
    )
    contact = ContactChoiceField(label="Contact", queryset=Contact.objects.none())
    person_name = forms.CharField(label="Referred person's name", max_length=120)
    person_email = BoundedEmailField(
        label="Their email",
        required=False,
        help_text="With an email, a referral you received joins the partnership's leads.",
    )
    person_phone = forms.CharField(
        label="Their phone",
        max_length=32,
        required=False,
        help_text="A referral you received needs their email or their phone.",
    )
    need = forms.ChoiceField(label="What they need", choices=Need.choices, initial=Need.OTHER)
    timeframe = forms.ChoiceField(
        label="When", choices=Timeframe.choices, initial=Timeframe.BROWSING
    )
    quality = forms.ChoiceField(
        label="Tier", choices=ReferralQuality.choices, initial=ReferralQuality.STANDARD
    )
    estimated_value = forms.DecimalField(label="Estimated value ($)", required=False, **MONEY)
    received_on = BoundedDateField(label="Referred on", required=False, help_text="Empty: today.")
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts.only("pk", "name")

    def clean_person_phone(self) -> str:
        phone = self.cleaned_data["person_phone"].strip()
        if phone and sum(ch.isdigit() for ch in phone) < MIN_PHONE_DIGITS:
            raise forms.ValidationError(
                f"Enter a phone number with at least {MIN_PHONE_DIGITS} digits, or leave it empty."
            )
        return phone

    def clean(self):
        data = super().clean()
        reachable = data.get("person_email") or data.get("person_phone")
        if data.get("direction") == Direction.RECEIVED and not reachable and not self.errors:
            # A spoken referral often comes with a name and a phone only.
            self.add_error(
                "person_phone", "A referral you received needs the person's email or phone."
            )
        return data


class ReferralEmailForm(forms.Form):
    """The email of a person referred with a phone only, given later: they become a lead."""

    person_email = BoundedEmailField(label="Their email")
    need = forms.ChoiceField(label="What they need", choices=Need.choices, initial=Need.OTHER)
    timeframe = forms.ChoiceField(
        label="When", choices=Timeframe.choices, initial=Timeframe.BROWSING
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(label="Stage", choices=ReferralStage.choices)
    closed_value = forms.DecimalField(
        label="Closed value ($)", required=False, help_text="When it closed.", **MONEY
    )
    reopen = forms.BooleanField(label="Reopen it", required=False)

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            (value, label) for value, label in ReferralStage.choices if value != referral.stage
        ]


class RewardRuleForm(forms.ModelForm):
    quality = forms.ChoiceField(
        label="Tier", choices=[EVERY_TIER, *ReferralQuality.choices], required=False
    )
    value = forms.DecimalField(label="Value ($)", initial=0, **MONEY)

    class Meta:
        model = RewardRule
        fields = ["trigger", "quality", "description", "value"]
        labels = {"trigger": "When", "description": "What you give"}


class RewardForm(forms.Form):
    """A reward recorded by hand."""

    contact = ContactChoiceField(label="Contact", queryset=Contact.objects.none())
    description = forms.CharField(label="What", max_length=200)
    value = forms.DecimalField(label="Value ($)", initial=0, **MONEY)
    given_on = BoundedDateField(label="Given on")
    trigger = forms.ChoiceField(
        label="For", choices=RewardTrigger.choices, initial=RewardTrigger.LONG_TERM
    )
    referral = forms.ModelChoiceField(
        label="Referral (optional)", queryset=Referral.objects.none(), required=False
    )

    def __init__(self, *args, contacts, referrals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts.only("pk", "name")
        self.fields["referral"].queryset = referrals.only("pk", "person_name", "received_on")
        self.fields["referral"].label_from_instance = lambda r: (
            f"{r.person_name} ({r.received_on:%b %-d, %Y})"
        )

    def clean(self):
        data = super().clean()
        referral, contact = data.get("referral"), data.get("contact")
        if referral is not None and contact is not None and referral.contact_id != contact.pk:
            self.add_error("referral", "That referral is not one of this contact's.")
        return data
