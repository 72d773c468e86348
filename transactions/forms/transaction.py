"""The forms of a transaction's pages: opening one and its details, its team committee and
leader, its stage, notes, documents and the customer's written authorizations, and the
transactions list's filters."""

from __future__ import annotations

from django import forms

from pinnacle.forms import BoundedDateField, BoundedEmailField, QuickSelect
from transactions.models import DisclosureCover, TransactionKind, TransactionStage
from transactions.selectors.members import offered_members

# Every select of these pages is written by QuickSelect: Django's own renders a template per
# option, and the list's filter and the team page's forms are on every view of them.


class MemberChoiceField(forms.ModelChoiceField):
    """One partner member, validated against `queryset` (the members the choice may offer); the
    options written are `choices`, (id, label) pairs read as values (`selectors.member_choices`):
    a partnership has thousands of members, and a model instance each cost most of the page."""

    widget = QuickSelect

    def offer(self, choices) -> None:
        blank = [] if self.empty_label is None else [("", self.empty_label)]
        self.choices = [*blank, *choices]


class TransactionDetailsForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Choose one"), *TransactionKind.choices], widget=QuickSelect
    )
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
        self.fields["member"].queryset = offered_members(
            partnership, exclude_ids=exclude_ids, team_only=True
        )
        # What it lists is offered by the page (`offer`); nothing until then.
        self.fields["member"].offer(())


class ProposeLeaderForm(forms.Form):
    candidate = forms.TypedChoiceField(label="Team leader", coerce=int, widget=QuickSelect)

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
    stage = forms.ChoiceField(label="Move to", widget=QuickSelect)
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
        self.fields["grantee_member"].queryset = offered_members(
            partnership, exclude_ids=exclude_ids
        )
        self.fields["grantee_member"].offer(())
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
        widget=QuickSelect,
    )

    def values(self) -> tuple[str, str]:
        self.is_valid()
        data = self.cleaned_data
        return (data.get("q") or "").strip(), data.get("stage") or ""
