"""The two ways a member answers an inquiry: a reply, or an acknowledgement with a follow-up date.

Both forms share one page, so each has its own prefix; the submit button's `kind` says which one
was sent (InquiryResponse.Kind).
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from pinnacle.forms import BoundedDateField

MAX_BODY = 5000


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="Emailed to the prospect from you; their answer comes to your own inbox.",
        error_messages={"required": "Write your reply before sending it."},
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write your reply before sending it.")
        return body


class AcknowledgeForm(forms.Form):
    """policy: reply within 24 hours, "even if just to acknowledge receipt and indicate follow-up
    timing" — so a short note and the date the member will follow up."""

    body = forms.CharField(
        label="Short note",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write a short note to go with your follow-up date."},
    )
    follow_up_on = BoundedDateField(
        label="I will follow up by",
        help_text="Today or later. The prospect sees this date in your message.",
        error_messages={
            "required": "Choose the date you will follow up (today or later).",
            "invalid": "Enter the follow-up date as a date, e.g. 2025-03-14.",
        },
    )

    def __init__(self, *args, lead_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # The member's own "today": views run with the member's timezone active.
        self.today = timezone.localdate()
        first_name = next(iter(lead_name.split()), "")
        self.fields["body"].initial = (
            f"Thank you for reaching out{', ' + first_name if first_name else ''}. I have received "
            "your message and will get back to you with a full answer soon."
        )
        self.fields["follow_up_on"].initial = self.today + datetime.timedelta(days=1)
        self.fields["follow_up_on"].widget.attrs["min"] = self.today.isoformat()

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write a short note to go with your follow-up date.")
        return body

    def clean_follow_up_on(self):
        follow_up_on = self.cleaned_data["follow_up_on"]
        if follow_up_on < self.today:
            raise forms.ValidationError("Choose the date you will follow up (today or later).")
        return follow_up_on
