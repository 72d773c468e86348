"""QuickSelect writes exactly the markup of Django's select, without a template per option."""

import pytest
from django import forms

from pinnacle.forms import QuickSelect

CHOICES = [
    ("", "Choose one"),
    ("none", "No one referred me"),
    ("ann", 'Ann O\u2019Neil \u2014 <Lake & "Hill"> Realty'),
    ("bob", "Bob's"),
    (3, "Three"),
]


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        (CHOICES, None, {"id": "id_referrer", "required": True}),
        (CHOICES, "ann", {"id": "id_referrer", "aria-invalid": "true"}),
        (CHOICES, 3, None),
        (CHOICES, "nobody", {"data-x": '"quoted" <tag>'}),
        ([("a", "First"), ("a", "Again")], "a", None),
        ([("Texas", [("austin", "Austin"), ("waco", "Waco")]), ("x", "Elsewhere")], "waco", None),
    ],
)
def test_quick_select_renders_what_djangos_select_renders(choices, value, attrs):
    expected = forms.Select(choices=choices).render("referrer", value, attrs)

    assert QuickSelect(choices=choices).render("referrer", value, attrs) == expected


def test_a_form_field_renders_the_same_with_either_widget():
    class Slow(forms.Form):
        referrer = forms.ChoiceField(choices=CHOICES)

    class Quick(forms.Form):
        referrer = forms.ChoiceField(choices=CHOICES, widget=QuickSelect)

    data = {"referrer": "bob"}

    assert str(Quick(data)["referrer"]) == str(Slow(data)["referrer"])
    assert str(Quick({})["referrer"]) == str(Slow({})["referrer"])
