"""Form fields every app shares, bounded to what the portal can store and compute with, the
form renderer that gives every field the same markup, and a select for long lists of choices."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html
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


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html, in Python."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


class LongSelect(forms.Select):
    """A select whose options are written in Python: the same HTML as Django's `Select`, whose
    templates cost ~30 µs an option (a partnership's 2,000 members in the leads list's
    "Referred by" filter cost more than the rest of the page)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html: list[str] = [
            format_html('<select name="{}"{}>', widget["name"], mark_safe(_attrs(widget["attrs"])))
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                html.append(
                    format_html(
                        # The option template's own line end: the same bytes as Django's.
                        '\n  <option value="{}"{}>{}</option>\n',
                        option["value"],
                        mark_safe(_attrs(option["attrs"])),
                        option["label"],
                    )
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))
