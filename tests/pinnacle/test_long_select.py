"""LongSelect writes the same HTML as Django's Select, only faster: escaping, the selected
option, option groups, true and false attributes."""

import pytest
from django import forms

from pinnacle.forms import LongSelect

CHOICES = [
    ("", "Anyone"),
    ("none", "Unassigned"),
    ("7", 'Dana <O\'Neil> & "Co"'),
    ("Inactive", [("8", "Evan (inactive)"), ("9", "Fay")]),
]


def rendered(widget: type[forms.Select], value: str) -> str:
    class Filter(forms.Form):
        referrer = forms.ChoiceField(
            required=False,
            choices=CHOICES,
            widget=widget(attrs={"data-autosubmit": True, "hidden": False, "class": "a<b"}),
        )

    form = Filter({"referrer": value})
    form.is_valid()
    return str(form["referrer"])


@pytest.mark.parametrize("value", ["", "7", "9", "missing"])
def test_long_select_writes_what_djangos_select_writes(value):
    assert rendered(LongSelect, value) == rendered(forms.Select, value)
    assert "selected" in rendered(LongSelect, "7")
