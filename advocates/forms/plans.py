"""Forms of the appreciation plans: they parse; the services in advocates.services.plans decide."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator

from advocates.models import DateAnchor, PlanKind, TouchKind


class StepForm(forms.Form):
    """One step of a plan, edited in place (its id says which)."""

    id = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=TouchKind.choices, label="Kind")
    title = forms.CharField(max_length=160, label="Title")
    day = forms.IntegerField(min_value=0, label="Day")
    anchor = forms.ChoiceField(choices=DateAnchor.choices, required=False, label="On")
    is_email = forms.BooleanField(required=False, label="Email")

    def __init__(self, *args, length_days: int = 365, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].widget.attrs.update({"min": 0, "max": length_days - 1})
        self.fields["day"].validators.append(MaxValueValidator(length_days - 1))


class BaseStepFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "length_days": self.length_days}

    def __init__(self, *args, length_days: int, **kwargs):
        self.length_days = length_days
        super().__init__(*args, **kwargs)


# The number of steps never changes: no extra forms, no deletion; the service checks it too.
StepFormSet = forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=0, can_delete=False)


def step_formset(template, data=None) -> BaseStepFormSet:
    steps = list(template.steps.order_by("day", "pk"))
    initial = [
        {
            "id": s.pk,
            "kind": s.kind,
            "title": s.title,
            "day": s.day,
            "anchor": s.anchor,
            "is_email": s.is_email,
        }
        for s in steps
    ]
    formset = StepFormSet(data, initial=initial, prefix="steps", length_days=template.length_days)
    formset.min_num = formset.max_num = len(steps)
    formset.validate_min = formset.validate_max = True
    return formset


class EnrollForm(forms.Form):
    kind = forms.ChoiceField(choices=PlanKind.choices, label="Plan")
    starts_on = forms.DateField(label="Starting on", widget=forms.DateInput(attrs={"type": "date"}))


class TouchEmailForm(forms.Form):
    subject = forms.CharField(max_length=200)
    body = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 12}))
