"""Form fields every app shares, bounded to what the portal can store and compute with, and the
form renderer that gives every field the same markup."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

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
