"""Forms for the public directory and the member's own profile: the directory's filters, the
profile form with its list fields, phone check and image uploads."""

from __future__ import annotations

import logging
import re
from functools import cache
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from members import images
from members.models import Member
from pinnacle.forms import QuickSelect

logger = logging.getLogger(__name__)


class DirectoryFilterForm(forms.Form):
    """The directory's search box and filters (a GET form; bad values are simply ignored)."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name, company, specialty or area"}
        ),
    )
    kind = forms.ChoiceField(
        label="Member type",
        required=False,
        choices=[("", "All types"), *Member.Kind.choices],
        widget=QuickSelect,
    )
    service_category = forms.ChoiceField(
        label="Service",
        required=False,
        choices=[("", "All services"), *Member.ServiceCategory.choices],
        widget=QuickSelect,
    )
    area = forms.ChoiceField(label="Service area", required=False, widget=QuickSelect)

    def __init__(self, *args, areas: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "All areas"), *((a, a) for a in areas)]

    def filters(self) -> dict[str, str]:
        """The valid filter values (invalid ones are dropped, not shown as errors)."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class CommaSeparatedListField(forms.CharField):
    """A list typed as "Austin, Round Rock": trimmed, deduplicated, count and length capped."""

    def __init__(self, *, item_label: str, max_items: int, item_max_length: int, **kwargs):
        self.item_label = item_label
        self.max_items = max_items
        self.item_max_length = item_max_length
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Separate with commas.")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        items: list[str] = []
        seen: set[str] = set()
        for raw in text.split(","):
            item = " ".join(raw.split())
            if item and item.casefold() not in seen:
                seen.add(item.casefold())
                items.append(item)
        return items

    def validate(self, value) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) > self.max_items:
            raise ValidationError(
                f"Enter at most {self.max_items} {self.item_label} (you entered {len(value)}).",
                code="too_many",
            )
        too_long = [item for item in value if len(item) > self.item_max_length]
        if too_long:
            raise ValidationError(
                f"\u201c{too_long[0][:40]}\u2026\u201d is too long: each entry may have at most "
                f"{self.item_max_length} characters.",
                code="item_too_long",
            )

    def run_validators(self, value) -> None:
        # CharField's max_length validators would measure the list, not the text.
        return None


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(n for n in available_timezones() if "/" in n and not n.startswith("Etc/"))
    return [(name, name.replace("_", " ")) for name in [*names, "UTC"]]


PHONE_PATTERN = re.compile(r"^\+?[\d\s().-]+(\s*(x|ext\.?)\s*\d{1,6})?$", re.IGNORECASE)

# Uploaded image field -> how it is checked and stored (services.PROFILE_IMAGES: its thumbnail).
IMAGE_FIELDS = {"photo": images.PHOTO, "company_logo": images.LOGO}


def _max_length(field: str) -> int:
    return Member._meta.get_field(field).base_field.max_length


class ProfileForm(forms.ModelForm):
    """The member's own directory profile: validation and image checks; services.update_profile
    stores it."""

    photo = forms.FileField(
        required=False,
        help_text="A square crop of it is shown in the directory.",
        widget=forms.ClearableFileInput(attrs={"accept": images.ACCEPT_ATTRIBUTE}),
    )
    company_logo = forms.FileField(
        required=False,
        help_text="Transparent PNGs keep their transparency.",
        widget=forms.ClearableFileInput(attrs={"accept": images.ACCEPT_ATTRIBUTE}),
    )
    timezone = forms.ChoiceField(label="Time zone", choices=timezone_choices, required=False)
    service_areas = CommaSeparatedListField(
        label="Service areas",
        item_label="service areas",
        max_items=20,
        item_max_length=_max_length("service_areas"),
        help_text="Cities, counties or neighborhoods you serve, separated with commas.",
    )
    languages = CommaSeparatedListField(
        label="Languages",
        item_label="languages",
        max_items=20,
        item_max_length=_max_length("languages"),
        help_text="Separate with commas, e.g. English, Spanish.",
    )

    class Meta:
        model = Member
        fields = [
            "display_name",
            "job_title",
            "specialization",
            "bio",
            "photo",
            "company_logo",
            "cell_phone",
            "office_phone",
            "street_address",
            "city",
            "state",
            "postal_code",
            "timezone",
            "mls_market",
            "mls_agent_id",
            "employer",
            "license_number",
            "service_areas",
            "languages",
            "allows_profile_updates",
        ]
        labels = {"display_name": "Name shown in the directory"}
        help_texts = {
            "allows_profile_updates": "When checked, a co-marketing partner whose organization "
            "opted in may update your marketing profile for you; every change is emailed to you.",
        }
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 6}),
            "specialization": forms.Textarea(attrs={"rows": 3}),
            "cell_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "office_phone": forms.TextInput(attrs={"type": "tel"}),
            "street_address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._processed: dict[str, images.ProcessedImage] = {}
        self.fields["photo"].widget.clear_checkbox_label = "Remove photo"
        self.fields["company_logo"].widget.clear_checkbox_label = "Remove logo"
        accepted = (
            f"JPEG, PNG, WebP or GIF, up to {images.human_size(settings.MAX_UPLOAD_IMAGE_BYTES)}. "
        )
        for field in IMAGE_FIELDS:
            self.fields[field].help_text = accepted + self.fields[field].help_text
        # Until the member chooses, times are shown in the partnership's zone (not a choice).
        self.fields["timezone"].choices = [
            ("", f"Not chosen (the partnership's: {self.instance.partnership.timezone})"),
            *timezone_choices(),
        ]
        self.fields["specialization"].help_text = (
            "Completes the sentence \u201cAs a partner member, I specialize in\u2026\u201d "
            "shown on your profile."
        )

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise ValidationError("Enter the name to show in the directory.", code="required")
        return name

    def _clean_phone(self, field: str) -> str:
        phone = self.cleaned_data[field].strip()
        if phone and (not PHONE_PATTERN.match(phone) or sum(c.isdigit() for c in phone) < 7):
            raise ValidationError(
                "Enter a phone number with digits and optional + ( ) - . spaces, "
                "e.g. (512) 555-0147.",
                code="invalid_phone",
            )
        return phone

    def clean_cell_phone(self) -> str:
        return self._clean_phone("cell_phone")

    def clean_office_phone(self) -> str:
        return self._clean_phone("office_phone")

    def _clean_image(self, field: str):
        upload = self.cleaned_data[field]
        if isinstance(upload, UploadedFile):
            self._processed[field] = images.process_image_upload(
                upload, spec=IMAGE_FIELDS[field], name=self.instance.slug or "member"
            )
        return upload

    def clean_photo(self):
        return self._clean_image("photo")

    def clean_company_logo(self):
        return self._clean_image("company_logo")

    def image_changes(self) -> dict[str, images.ProcessedImage | None]:
        """Per image field: the new processed upload, or None to remove the stored one; fields
        left as they were are absent."""
        changes: dict[str, images.ProcessedImage | None] = {}
        for field in IMAGE_FIELDS:
            if field in self._processed:
                changes[field] = self._processed[field]
            elif self.cleaned_data.get(field) is False:  # "Remove photo" ticked
                changes[field] = None
        return changes

    def profile_fields(self) -> dict:
        """The plain fields as cleaned, for services.update_profile."""
        return {
            name: value for name, value in self.cleaned_data.items() if name not in IMAGE_FIELDS
        }
