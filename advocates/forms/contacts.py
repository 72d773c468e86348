"""Forms of the inner circle's contact pages: parse and bound the input; the rules are the
services' (`advocates.services.contacts`, `.io`, `.score`)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone

from advocates.models import InteractionKind, Segment
from advocates.selectors.circle import linkable_members
from advocates.services.contacts import MAX_TEXT
from advocates.services.io import MAX_BYTES
from members.models import Member
from pinnacle.forms import EARLIEST_DATE, BoundedEmailField

TEXT = forms.Textarea(attrs={"rows": 2})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RATING = {"min_value": 1, "max_value": 10, "required": False}


class ContactForm(forms.Form):
    name = forms.CharField(max_length=120)
    segment = forms.ChoiceField(choices=Segment.choices, initial=Segment.ADVOCATES)
    linked_member = forms.ModelChoiceField(
        queryset=Member.objects.none(),
        required=False,
        label="Partner member",
        empty_label="None: an outside contact",
        help_text=(
            "When this contact is also a partner member of the partnership (an allied resource "
            "in the directory, say), link their profile. Otherwise they are an outside contact."
        ),
    )
    email = BoundedEmailField(required=False)
    phone = forms.CharField(max_length=32, required=False)
    company = forms.CharField(max_length=120, required=False)
    service = forms.CharField(
        max_length=120, required=False, help_text="What they do, for an allied resource."
    )
    service_rating = forms.IntegerField(
        **RATING,
        label="Your rating of their service (1-10)",
        help_text="For an allied resource: your own view of their service quality.",
    )
    mailing_address = forms.CharField(max_length=MAX_TEXT, required=False, widget=TEXT)
    family = forms.CharField(max_length=MAX_TEXT, required=False, widget=TEXT)
    hobbies = forms.CharField(max_length=MAX_TEXT, required=False, widget=TEXT)
    interests = forms.CharField(max_length=MAX_TEXT, required=False, widget=TEXT)
    birthday = forms.DateField(required=False, widget=DATE)
    home_anniversary = forms.DateField(required=False, widget=DATE)
    notes = forms.CharField(
        max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, owner: Member, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["linked_member"].queryset = linkable_members(owner)
        if editing:
            # The segment moves on the contact's page, where its history is kept.
            del self.fields["segment"]

    def contact_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("segment", None)
        data.pop("linked_member", None)
        return data


class MoveSegmentForm(forms.Form):
    segment = forms.ChoiceField(choices=Segment.choices, label="Move to segment")
    reason = forms.CharField(max_length=300, required=False)


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(choices=InteractionKind.choices, label="What it was")
    occurred_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    summary = forms.CharField(max_length=2000, required=False, widget=TEXT)

    def __init__(self, *args, partnership, **kwargs):
        self.partnership = partnership
        kwargs.setdefault(
            "initial",
            {"occurred_at": partnership.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M")},
        )
        super().__init__(*args, **kwargs)

    def clean_occurred_at(self):
        # The member types the partnership's wall-clock time.
        value = self.cleaned_data["occurred_at"]
        if value.date() < EARLIEST_DATE:
            # Near year 1 a zone's offset overflows the calendar (see record_interaction).
            raise forms.ValidationError(f"Log an interaction from {EARLIEST_DATE.year} on.")
        return timezone.make_aware(value.replace(tzinfo=None), self.partnership.tzinfo)


class ServiceRecordForm(forms.Form):
    happened_on = forms.DateField(label="Date", widget=DATE)
    service = forms.CharField(max_length=200, label="Service provided")
    feedback = forms.CharField(
        max_length=MAX_TEXT, required=False, label="Feedback received", widget=TEXT
    )
    client_rating = forms.IntegerField(**RATING, label="Client's rating (1-10)")


class ContactEmailForm(forms.Form):
    subject = forms.CharField(max_length=150)
    body = forms.CharField(
        label="Your message", max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    # Made when the form is shown: a second submit of the same form sends nothing more.
    nonce = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"nonce": uuid.uuid4().hex})
        super().__init__(*args, **kwargs)


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV, at most 1 MB and 2,000 rows.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is over 1 MB; split it into smaller files.")
        return upload


class WeightsForm(forms.Form):
    frequency = forms.DecimalField(
        min_value=0, max_value=1, decimal_places=2, label="Frequency of communication"
    )
    reciprocal = forms.DecimalField(
        min_value=0, max_value=1, decimal_places=2, label="Reciprocal referrals"
    )
    appreciation = forms.DecimalField(
        min_value=0, max_value=1, decimal_places=2, label="Engagement with appreciation programs"
    )
