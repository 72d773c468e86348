"""Every form of the leads app: the public intake and interest forms, the leads list's filters,
the compliance period, and a member's two ways of answering an inquiry."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django import forms
from django.utils.formats import date_format

from leads.models import Channel, Need, Timeframe
from leads.selectors import lists
from leads.selectors.lists import LeadFilters
from leads.services.intake import referrer_choices
from pinnacle.forms import BoundedDateField, BoundedEmailField, PlainChoices, QuickSelect
from pinnacle.mail.models import Suppression
from pinnacle.public_pages import remembered

NO_REFERRER = "none"


class ProspectForm(forms.Form):
    """What a prospect tells us on any public lead form: who they are and what they need."""

    name = forms.CharField(label="Your name", max_length=120)
    email = BoundedEmailField(label="Email")
    phone = forms.CharField(label="Phone", max_length=32, required=False)
    need = forms.ChoiceField(label="What do you need?", choices=[("", "Choose one"), *Need.choices])
    timeframe = forms.ChoiceField(label="When?", choices=[("", "Choose one"), *Timeframe.choices])
    message = forms.CharField(
        label="Message", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    consent = forms.BooleanField(
        label="I agree to be contacted by partner members about my request.",
        error_messages={"required": "Please agree to be contacted so members can help you."},
    )
    # Honeypot: hidden from people with CSS; bots fill every field.
    website = forms.CharField(required=False, label="Leave this field empty")

    def __init__(self, *args, message_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if message_required:
            self.fields["message"].required = True
            self.fields["message"].label = "How can we help?"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Please tell us your name.")
        return name

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and sum(ch.isdigit() for ch in phone) < 7:
            raise forms.ValidationError(
                "Enter a phone number with at least 7 digits, or leave it empty."
            )
        return phone

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class Referrer(NamedTuple):
    """A member a prospect may name, as the form lists them (no model row: there are thousands)."""

    slug: str
    display_name: str
    company_name: str | None

    @property
    def label(self) -> str:
        if self.company_name is None:
            return self.display_name
        return f"{self.display_name} \u2014 {self.company_name}"


class LeadForm(ProspectForm):
    """/join/ and /contact/: the prospect's form, and who referred them."""

    referrer = forms.ChoiceField(
        label="Which partner member referred you?",
        help_text="The member who sent you here becomes your main contact.",
        widget=QuickSelect,
    )
    field_order = ["name", "email", "phone", "need", "timeframe", "referrer"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        # The same list for every visitor until a member joins, leaves or edits their profile.
        rows = remembered(
            partnership,
            "referrers",
            lambda: list(
                referrer_choices(partnership).values_list("slug", "display_name", "company__name")
            ),
        )
        self.members = {row[0]: Referrer(*row) for row in rows}
        self.fields["referrer"].choices = [
            ("", "Choose the member who referred you"),
            (NO_REFERRER, "No one referred me"),
            *((slug, referrer.label) for slug, referrer in self.members.items()),
        ]
        self.fields["referrer"].error_messages["required"] = (
            "Choose the member who referred you, or \u201cNo one referred me\u201d."
        )

    def referring_member(self):
        slug = self.cleaned_data["referrer"]
        if slug == NO_REFERRER:
            return None
        return referrer_choices(self.partnership).filter(slug=slug).first()


class InterestForm(forms.Form):
    message = forms.CharField(
        label="Your message",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say what you need and when.",
    )

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 5:
            raise forms.ValidationError("Please write a few words about what you need.")
        return message


class LeadFilterForm(forms.Form):
    """The leads list's search, filters and sort (a GET form; invalid values filter nothing)."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, email or phone"}),
    )
    # Every select written by QuickSelect: Django's select widget renders a template per option.
    channel = forms.ChoiceField(
        label="Channel",
        required=False,
        choices=[("", "All channels"), *Channel.choices],
        widget=QuickSelect,
    )
    need = forms.ChoiceField(
        label="Need", required=False, choices=[("", "Any need"), *Need.choices], widget=QuickSelect
    )
    # Every member of the partnership (2,000 at a large one).
    referrer = forms.ChoiceField(label="Referred by", required=False, widget=QuickSelect)
    created_from = BoundedDateField(label="First seen from", required=False)
    created_to = BoundedDateField(label="First seen to", required=False)
    opted_out = forms.ChoiceField(
        label="Opted out",
        required=False,
        choices=[("", "Everyone"), ("no", "Not opted out"), ("yes", "Opted out")],
        widget=QuickSelect,
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("name", "Name A\u2013Z"),
            ("activity", "Last activity"),
        ],
        widget=QuickSelect,
    )
    mine = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        # The same for every member of the partnership until a member joins, leaves or is
        # renamed (2,000 at a large one: read from the cache, taken by the field as they are).
        members = remembered(
            partnership,
            "leads-referrer-filter",
            lambda: lists.referrer_filter_choices(partnership=partnership),
        )
        self.fields["referrer"].choices = PlainChoices(
            [("", "Anyone"), (lists.UNASSIGNED, "Unassigned"), *members]
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", "Choose a date on or after the \u201cfrom\u201d date.")
        return cleaned

    def filters(self) -> LeadFilters:
        """The valid values; a field with an error is left out rather than blocking the list."""
        self.is_valid()
        data = self.cleaned_data
        return LeadFilters(
            q=(data.get("q") or "").strip(),
            channel=data.get("channel") or "",
            need=data.get("need") or "",
            referrer=data.get("referrer") or "",
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            opted_out=data.get("opted_out") or "",
            mine=bool(data.get("mine")),
            sort=data.get("sort") or lists.DEFAULT_SORT,
        )


class OptOutForm(forms.Form):
    """Leadership records an opt-out the lead gave them directly, on the lead's page."""

    how = forms.ChoiceField(
        label="How did they tell you?",
        choices=[("", "Choose one"), *Suppression.ReceivedVia.choices],
        error_messages={"required": "Say how the lead told you they want no more outreach."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What they said, and anything members should know.",
    )


class CompliancePeriodForm(forms.Form):
    start = BoundedDateField(label="From")
    end = BoundedDateField(label="To")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "Choose a date on or after the \u201cfrom\u201d date.")
        return cleaned


# --- Answering an inquiry: a reply, or an acknowledgement with a follow-up date. Both forms
# share one page, so each has its own prefix; the submit button's `kind` says which was sent.

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
        help_text="The prospect sees this date in your message.",
        error_messages={
            "required": "Choose the date you will follow up (today or later).",
            "invalid": "Enter the follow-up date as a date, e.g. 2025-03-14.",
        },
    )

    def __init__(
        self, *args, today: datetime.date, follow_up_days: int, lead_name: str = "", **kwargs
    ):
        super().__init__(*args, **kwargs)
        # The partnership's "today" and follow-up days, the same the service checks
        # (leads.services.inquiries.check_follow_up_date).
        self.today = today
        self.follow_up_days = follow_up_days
        self.latest = today + datetime.timedelta(days=follow_up_days)
        first_name = next(iter(lead_name.split()), "")
        self.fields["body"].initial = (
            f"Thank you for reaching out{', ' + first_name if first_name else ''}. I have received "
            "your message and will get back to you with a full answer soon."
        )
        self.fields["follow_up_on"].initial = self.today + datetime.timedelta(days=1)
        self.fields["follow_up_on"].widget.attrs["min"] = self.today.isoformat()
        self.fields["follow_up_on"].widget.attrs["max"] = self.latest.isoformat()
        self.fields["follow_up_on"].help_text = (
            f"Within {follow_up_days} days: today up to {date_format(self.latest)}. "
            + self.fields["follow_up_on"].help_text
            + " If you have not replied by the end of that day, leadership is told."
        )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write a short note to go with your follow-up date.")
        return body

    def clean_follow_up_on(self):
        follow_up_on = self.cleaned_data["follow_up_on"]
        if follow_up_on < self.today:
            raise forms.ValidationError("Choose the date you will follow up (today or later).")
        if follow_up_on > self.latest:
            raise forms.ValidationError(
                f"Follow up within {self.follow_up_days} days: choose a date no later than "
                f"{date_format(self.latest)}."
            )
        return follow_up_on
