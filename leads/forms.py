"""Every form of the leads app: the public intake and interest forms, the leads list's filters,
the compliance period, and a member's two ways of answering an inquiry."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.formats import date_format

from leads.models import (
    Channel,
    DisclosureCover,
    Need,
    Timeframe,
    TransactionKind,
    TransactionStage,
)
from leads.selectors import lists
from leads.selectors.lists import LeadFilters
from leads.services.intake import referrer_choices
from members.models import Member
from pinnacle.forms import BoundedDateField, BoundedEmailField
from pinnacle.mail.models import Suppression

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


class LeadForm(ProspectForm):
    """/join/ and /contact/: the prospect's form, and who referred them."""

    referrer = forms.ChoiceField(
        label="Which partner member referred you?",
        help_text="The member who sent you here becomes your main contact.",
    )
    field_order = ["name", "email", "phone", "need", "timeframe", "referrer"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {m.slug: m for m in referrer_choices(partnership)}
        self.fields["referrer"].choices = [
            ("", "Choose the member who referred you"),
            (NO_REFERRER, "No one referred me"),
            *(
                (slug, f"{m.display_name} \u2014 {m.company.name}" if m.company else m.display_name)
                for slug, m in self.members.items()
            ),
        ]
        self.fields["referrer"].error_messages["required"] = (
            "Choose the member who referred you, or \u201cNo one referred me\u201d."
        )

    def referring_member(self):
        slug = self.cleaned_data["referrer"]
        return None if slug == NO_REFERRER else self.members.get(slug)


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
    channel = forms.ChoiceField(
        label="Channel", required=False, choices=[("", "All channels"), *Channel.choices]
    )
    need = forms.ChoiceField(
        label="Need", required=False, choices=[("", "Any need"), *Need.choices]
    )
    referrer = forms.ChoiceField(label="Referred by", required=False)
    created_from = BoundedDateField(label="First seen from", required=False)
    created_to = BoundedDateField(label="First seen to", required=False)
    opted_out = forms.ChoiceField(
        label="Opted out",
        required=False,
        choices=[("", "Everyone"), ("no", "Not opted out"), ("yes", "Opted out")],
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
    )
    mine = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrer"].choices = [
            ("", "Anyone"),
            (lists.UNASSIGNED, "Unassigned"),
            *lists.referrer_filter_choices(partnership=partnership),
        ]

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


# --- Transactions and their team committees -------------------------------------------------


def _member_label(member) -> str:
    return (
        f"{member.display_name} \u2014 {member.company.name}"
        if member.company
        else (member.display_name)
    )


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _member_label(obj)


class TransactionDetailsForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=[("", "Choose one"), *TransactionKind.choices])
    property_address = forms.CharField(label="Property address", max_length=250, required=False)
    expected_close_on = BoundedDateField(label="Expected close date", required=False)
    value = forms.DecimalField(
        label="Value ($)",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="The price or loan amount.",
    )


class OpenTransactionForm(TransactionDetailsForm):
    role = forms.CharField(
        label="Your role",
        max_length=80,
        required=False,
        help_text="What you do on this transaction, e.g. Buyer\u2019s agent or Lender.",
    )
    field_order = ["kind", "role", "property_address", "expected_close_on", "value"]


class AddTeamMemberForm(forms.Form):
    member = MemberChoiceField(
        label="Partner member",
        queryset=None,
        empty_label="Choose a member",
        error_messages={
            "invalid_choice": "Choose an active partner member who is not on the team.",
            "required": "Choose the member to add.",
        },
    )
    role = forms.CharField(
        label="Their role", max_length=80, required=False, help_text="e.g. Lender, Inspector."
    )

    def __init__(self, *args, partnership, exclude_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            Member.objects.for_partnership(partnership)
            .filter(is_active=True, role=Member.Role.MEMBER)
            .exclude(pk__in=exclude_ids)
            .select_related("company")
            .order_by("display_name", "pk")
        )


class ProposeLeaderForm(forms.Form):
    candidate = forms.TypedChoiceField(label="Team leader", coerce=int)

    def __init__(self, *args, team=(), **kwargs):
        super().__init__(*args, **kwargs)
        # An inactive member never leads: only the team's active members are proposed.
        self.team = {seat.member_id: seat.member for seat in team if seat.member.is_active}
        self.fields["candidate"].choices = [
            ("", "Choose a team member"),
            *((pk, member.display_name) for pk, member in self.team.items()),
        ]

    def chosen_member(self):
        return self.team[self.cleaned_data["candidate"]]


class StageForm(forms.Form):
    stage = forms.ChoiceField(label="Move to")
    closed_on = BoundedDateField(
        label="Closed on",
        required=False,
        help_text="For a close: the day it closed, from the day it was opened to today (today if "
        "left empty). Post-close deadlines count from it.",
    )

    def __init__(self, *args, moves=(), today=None, opened_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            ("", "Choose a stage"),
            *((s, TransactionStage(s).label) for s in moves),
        ]
        # The service decides (from the day it was opened to today); the picker says so.
        if today is not None:
            self.fields["closed_on"].widget.attrs["max"] = today.isoformat()
        if opened_on is not None:
            self.fields["closed_on"].widget.attrs["min"] = opened_on.isoformat()


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Note",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the note before saving it."},
    )
    shared_with_customer = forms.BooleanField(
        label="Share with the customer on their page", required=False
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label="Title", max_length=160)
    file = forms.FileField(
        label="File",
        help_text="A PDF or an image, at most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
        error_messages={"required": "Choose the file to upload."},
    )


class DisclosureForm(forms.Form):
    """The customer's written authorization to disclose, as they signed it."""

    grantee_name = forms.CharField(
        label="To whom", max_length=160, required=False, help_text="As the customer named them."
    )
    grantee_email = BoundedEmailField(label="Their email", required=False)
    grantee_member = MemberChoiceField(
        label="A partner member named in it",
        queryset=None,
        required=False,
        empty_label="Nobody in the partnership",
        help_text="They can read this transaction until the authorization ends.",
    )
    scope = forms.CharField(
        label="What may be disclosed",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In the customer\u2019s words.",
    )
    covers = forms.MultipleChoiceField(
        label="What the partner member named in it may read here",
        choices=DisclosureCover.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick what the customer authorized them to read."},
        help_text="Tick only what the signed authorization allows. The customer\u2019s name and "
        "the kind of transaction are always shown; other authorizations and who looked never.",
    )
    valid_until = BoundedDateField(label="Until", help_text="The last day it covers.")
    signed_document = forms.FileField(
        label="Signed authorization",
        help_text="A PDF or an image of the signed document, at most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
        error_messages={"required": "Upload the customer\u2019s signed authorization."},
    )

    def __init__(self, *args, partnership, exclude_ids=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grantee_member"].queryset = (
            Member.objects.for_partnership(partnership)
            .filter(is_active=True)
            .exclude(pk__in=exclude_ids)
            .select_related("company")
            .order_by("display_name", "pk")
        )
        if today is not None:
            self.fields["valid_until"].widget.attrs["min"] = today.isoformat()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("grantee_name") and not cleaned.get("grantee_member"):
            self.add_error("grantee_name", "Say to whom the customer authorized the disclosure.")
        return cleaned


class TransactionFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Customer name, email or address"}
        ),
    )
    stage = forms.ChoiceField(
        label="Stage",
        required=False,
        choices=[("", "Any stage"), ("forming", "Forming"), *TransactionStage.choices],
    )

    def values(self) -> tuple[str, str]:
        self.is_valid()
        data = self.cleaned_data
        return (data.get("q") or "").strip(), data.get("stage") or ""
