"""Policy governance forms: members' suggestions and leadership's answers, breach reports (a
member's or a visitor's) and their updates, and a policy revision through its vote."""

from __future__ import annotations

from django import forms
from django.utils import timezone as dj_timezone

from pinnacle.forms import BoundedEmailField
from pinnacle.models import POLICY_FIELDS, Partnership
from policy import document
from policy.models import BreachReport, PolicySuggestion, PolicyVote
from policy.services import feedback


class SuggestionForm(forms.Form):
    kind = forms.ChoiceField(
        label="This is a",
        choices=PolicySuggestion.Kind.choices,
        initial=PolicySuggestion.Kind.SUGGESTION,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label="Your critique or suggestion",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Which part of the policy, what is wrong with it or what would work better, "
        "and why. Leadership reads every one and answers here.",
    )


class SuggestionResponseForm(forms.Form):
    response = forms.CharField(
        label="Response to the member",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decline = forms.BooleanField(required=False, widget=forms.HiddenInput)


class BreachReportForm(forms.Form):
    """A member's report of a suspected breach (`feedback.report_breach` decides)."""

    subject_member = forms.ModelChoiceField(
        label="Member concerned",
        queryset=None,
        required=False,
        empty_label="\u2014 Not a particular member, or I would rather not say \u2014",
        help_text="Optional. They are never told who reported them.",
    )
    occurred_on = forms.DateField(
        label="When it happened",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Optional; the day, if you know it (from 2000 to today).",
    )
    description = forms.CharField(
        label="What happened",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Which part of the policy you believe was broken, and what you saw. "
        "Leave out customers' private details: leadership will ask if it needs them.",
    )
    anonymous = forms.BooleanField(
        label="Keep me anonymous",
        required=False,
        help_text="Your name is not stored with the report, so not even leadership can see "
        "who sent it (and cannot ask you for more details). You will not be able to follow "
        "its status.",
    )

    def __init__(self, *args, members, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_member"].queryset = members
        self.fields["occurred_on"].widget.attrs.update(
            min=feedback.EARLIEST_OCCURRENCE.isoformat(),
            max=partnership.today().isoformat(),
        )


class VisitorBreachReportForm(BreachReportForm):
    """Anyone without a login (a prospect, a customer) reports a suspected breach
    (`feedback.report_breach_as_visitor` decides). Name and email are optional."""

    anonymous = None
    name = forms.CharField(
        label="Your name",
        required=False,
        max_length=feedback.REPORTER_NAME_MAX_LENGTH,
        help_text="Optional.",
    )
    email = BoundedEmailField(
        label="Your email",
        required=False,
        help_text="Optional: only so leadership can ask you more or tell you what was done. "
        "The member concerned is never shown your name or email.",
    )
    # Honeypot: hidden from people with CSS; bots fill every field.
    website = forms.CharField(required=False, label="Leave this field empty")

    field_order = ["subject_member", "occurred_on", "description", "name", "email", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "subject_member"
        ].help_text = "Optional. A member of the directory; they are never told who reported them."
        self.fields["description"].help_text = (
            "What you saw or were told, and when. Leave out private details (account numbers, "
            "documents): leadership will ask if it needs them."
        )
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def report_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("website", None)
        return data


class BreachUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=BreachReport.Status.choices)
    resolution = forms.CharField(
        label="Resolution",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required to resolve or dismiss: what was found and done.",
    )


def policy_setting_field(name: str) -> forms.Field:
    """A proposed setting, checked as the partnership's own field checks it."""
    field = Partnership._meta.get_field(name).formfield()
    field.label = document.LABELS[name]
    field.help_text = ""
    if name in document.NUMBER_FIELDS:
        field = forms.IntegerField(label=field.label, min_value=1, max_value=document.MAX_NUMBER)
    elif name == "intro_statement":
        field.widget = forms.Textarea(attrs={"rows": 4})
        field.help_text = "Placeholders: {partnership} and {specialization}."
    return field


class RevisionForm(forms.Form):
    """Leadership drafts a revision: the text and numbers as they would become, and the
    members' suggestions it takes up (`propose_revision` decides)."""

    title = forms.CharField(label="Title", max_length=160)
    rationale = forms.CharField(
        label="Why this revision",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Members read this before they vote.",
    )
    text = forms.CharField(
        label="Policy text",
        max_length=document.MAX_TEXT_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "class": "policy-source"}),
        help_text="Markdown: ## for a heading, - for a bullet. The numbers and names appear "
        "as placeholders, so the text always shows the numbers in effect: "
        + ", ".join("{" + name + "}" for name in document.PLACEHOLDERS)
        + ". A number added by the portal is adopted by writing its placeholder into the text.",
    )
    suggestions = forms.ModelMultipleChoiceField(
        label="Members' suggestions this revision takes up",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        for name in POLICY_FIELDS:
            self.fields[name] = policy_setting_field(name)
        self.fields["suggestions"].queryset = suggestions
        self.fields["suggestions"].label_from_instance = lambda s: (
            f"{s.get_kind_display()} by {s.author.display_name}: {s.body[:140]}"
        )

    def settings(self) -> dict:
        return {name: self.cleaned_data[name] for name in POLICY_FIELDS}

    def policy_fields(self):
        return [self[name] for name in POLICY_FIELDS]


class OpenVotingForm(forms.Form):
    closes_at = forms.DateTimeField(
        label="Voting closes",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["closes_at"].help_text = (
            f"In the partnership's time ({partnership.timezone}); 1 to 60 days from now, "
            "7 by default. Every active member is emailed a link to vote."
        )

    def full_clean(self):
        # The time typed is the partnership's, whatever zone the page was shown in.
        with dj_timezone.override(self.partnership.tzinfo):
            super().full_clean()


class VoteForm(forms.Form):
    choice = forms.ChoiceField(choices=PolicyVote.Choice.choices)
