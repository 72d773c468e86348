"""Forms for outreach: the composer, logging attempts and replies, cross-selling, templates."""

from __future__ import annotations

from django import forms

from outreach.models import CallOutcome, Channel, Stage, Template

SHORT_TEXT = forms.Textarea(attrs={"rows": 2})
BODY_HELP = (
    "Your own words for this lead: personal, value-led and right for where they are. The "
    "partnership's acknowledgement and introductory statement come before it, your signature "
    "with the partnership seal and website and the opt-out link after it."
)


class ComposeForm(forms.Form):
    # The template the message started from (chosen on the page), to refuse it unchanged.
    template = forms.ModelChoiceField(
        queryset=Template.objects.none(), required=False, widget=forms.HiddenInput
    )
    subject = forms.CharField(max_length=150)
    body = forms.CharField(
        label="Your message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=BODY_HELP,
        error_messages={"required": "Write your own message to the lead before sending."},
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = Template.objects.filter(pk__in=[t.pk for t in templates])


class CallForm(forms.Form):
    outcome = forms.ChoiceField(choices=CallOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PersonalMessageForm(forms.Form):
    channel = forms.ChoiceField(
        label="What you sent",
        choices=[
            (Channel.PERSONAL_EMAIL, Channel.PERSONAL_EMAIL.label),
            (Channel.TEXT, Channel.TEXT.label),
        ],
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class LeadReplyForm(forms.Form):
    note = forms.CharField(
        label="What they said",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionNoteForm(forms.Form):
    decision_process = forms.CharField(
        label="Their decision process",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How the lead is choosing among the members they reviewed in the directory.",
    )
    feedback = forms.CharField(
        label="Your feedback to them",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Constructive, honest and never exaggerated about any member.",
    )


class RecommendForm(forms.Form):
    recommended = forms.ModelMultipleChoiceField(
        label="Members to recommend",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one member to recommend."},
    )
    note = forms.CharField(
        label="Why these members suit them",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Tailored to their need. The email also invites them to review the directory.",
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommended"].queryset = members
        self.fields["recommended"].label_from_instance = lambda m: (
            f"{m.display_name} \u2014 {m.get_service_category_display()}"
        )


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=80)
    subject = forms.CharField(max_length=150)
    body = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="A starting point: each message must be edited for its lead before it is sent.",
    )
    stages = forms.MultipleChoiceField(
        choices=Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Offered first for leads at these stages.",
    )
