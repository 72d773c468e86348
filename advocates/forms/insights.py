"""Forms of the reward experiment and the satisfaction survey. They parse; the services in
`advocates.services.experiments` and `advocates.services.surveys` hold the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from advocates.models import Segment
from advocates.services.experiments import DEFAULT_SEGMENTS, FEEDBACK_MAX_LENGTH
from advocates.services.surveys import COMMENT_MAX_LENGTH
from pinnacle.forms import BoundedDateField

SCALE_CHOICES = [(n, str(n)) for n in range(1, 11)]


class DateInput(forms.DateInput):
    input_type = "date"


class ExperimentForm(forms.Form):
    name = forms.CharField(max_length=120, initial="Fixed vs variable referral reward")
    starts_on = BoundedDateField(label="Starts on", widget=DateInput)
    ends_on = BoundedDateField(
        label="Ends on",
        widget=DateInput,
        required=False,
        help_text="Its last day. Empty: the seed's three months (Jan 6 through Apr 5).",
    )
    fixed_reward = forms.DecimalField(
        label="Group A: fixed reward per closed referral ($)",
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        initial=Decimal("250.00"),
    )
    variable_rate = forms.DecimalField(
        label="Group B: variable reward (% of the transaction's value)",
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("0.10"),
    )
    segments = forms.MultipleChoiceField(
        label="Segments taking part",
        choices=Segment.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(DEFAULT_SEGMENTS),
    )
    across_members = forms.BooleanField(
        label="Across every member's contacts (leadership)",
        required=False,
        help_text="Splits every member's contacts in these segments; the page shows counts only, "
        "never names.",
    )

    def __init__(self, *args, leadership: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not leadership:
            del self.fields["across_members"]


class FeedbackForm(forms.Form):
    contact = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label="What they said",
        max_length=FEEDBACK_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contacts is not None:
            self.fields["contact"] = forms.TypedChoiceField(
                label="Contact", choices=[("", "Choose a contact"), *contacts], coerce=int
            )


class SurveySendForm(forms.Form):
    name = forms.CharField(label="Client's name", max_length=120)
    email = forms.EmailField(label="Client's email")


class SurveyAnswerForm(forms.Form):
    communication = forms.TypedChoiceField(
        label="How often did we communicate with you? (1 far too little, 10 just right)",
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    quality = forms.TypedChoiceField(
        label="How good was the service you received? (1 poor, 10 excellent)",
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    value = forms.TypedChoiceField(
        label="How much value did you get for what you paid? (1 very little, 10 a great deal)",
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    satisfaction = forms.TypedChoiceField(
        label="Overall, how satisfied are you? (1 not at all, 10 completely)",
        choices=SCALE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Anything you would like to tell us? (optional)",
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
