"""Form fields every app shares, bounded to what the portal can store and compute with, and the
form renderer that gives every field the same markup."""

import datetime
import html
from collections.abc import Iterator

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import SafeString, mark_safe

# The models' EmailField is varchar(254), the longest address SMTP carries; Django's form field
# would accept 320 characters and leave the database to refuse the rest.
EMAIL_MAX_LENGTH = 254

# Wide enough for any real record or report period, and far from year 1 and 9999, where adding a
# day or a time zone offset overflows Python's dates.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


class BoundedEmailField(forms.EmailField):
    """An email address that fits the column it is stored in."""

    default_error_messages = {
        "max_length": "Enter an email address of at most %(limit_value)d characters.",
    }

    def __init__(self, **kwargs):
        super().__init__(max_length=EMAIL_MAX_LENGTH, **kwargs)


def validate_date_in_range(day: datetime.date) -> None:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            f"Enter a date from {EARLIEST_DATE.year} to {LATEST_DATE.year}.", code="out_of_range"
        )


class BoundedDateField(forms.DateField):
    """A date picked in a form or typed into a URL, between EARLIEST_DATE and LATEST_DATE."""

    widget = forms.DateInput(
        attrs={"type": "date", "min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()},
        format="%Y-%m-%d",
    )
    default_validators = [validate_date_in_range]


class FormRenderer(TemplatesSetting):
    """Forms render through the project's templates, and `{{ form.name.as_field_group }}` with
    the portal's one field template: the label, the control, its help text and its errors tied
    to it for screen readers."""

    field_template_name = "forms/field.html"


def _escaped(value) -> str:
    """What `{{ value }}` writes in a template: safe strings as they are, the rest escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attributes(attrs: dict) -> str:
    """Django's widgets/attrs.html: ` name="value"` each, a True flag by its name alone."""
    return "".join(
        f" {_escaped(name)}" if value is True else f' {_escaped(name)}="{_escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainChoices(BaseChoiceIterator):
    """Choices already in the form Django normalizes them to, (value, label) pairs of plain
    text, that a field and its widget take as they are: assigning a list of 2,000 members to a
    ChoiceField normalizes it twice (field and widget), one call per pair, ~10 ms a request."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


class QuickSelect(forms.Select):
    """A select of many plain options (a partnership's members, its service areas) with the
    markup of Django's own select, written in Python: the widget's templates include a template
    per option, which cost ~70 ms for a /join/ form listing 2,000 members."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        # The select's own attributes, without ChoiceWidget's option dicts.
        select_attrs = forms.Widget.get_context(self, name, value, attrs)["widget"]["attrs"]
        if self.allow_multiple_selected:
            select_attrs["multiple"] = True
        chosen = set(self.format_value(value))
        found = False

        def option(option_value, label) -> str:
            nonlocal found
            text = "" if option_value is None else str(option_value)
            selected = text in chosen and (self.allow_multiple_selected or not found)
            found = found or selected
            marked = " selected" if selected else ""
            return f'\n  <option value="{_escaped(text)}"{marked}>{_escaped(label)}</option>\n'

        parts = []
        for group_name, choices in self.choices:
            if isinstance(choices, (list, tuple)):
                parts.append(f'\n  <optgroup label="{_escaped(group_name)}">')
                parts.extend(option(v, label) for v, label in choices)
                parts.append("\n  </optgroup>")
            else:
                parts.append(option(group_name, choices))
        opening = f'<select name="{_escaped(name)}"{_attributes(select_attrs)}>'
        return mark_safe(f"{opening}{''.join(parts)}\n</select>")  # nosec B308, B703: every name, value and label goes through _escaped
