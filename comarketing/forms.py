"""Forms: inviting co-marketing partners, the invitee's registration (pre-filled) or joining with
an existing account, sharing a lead, and co-branded media."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from comarketing.models import PROFILE_FIELDS, Connection, Media
from comarketing.services import (
    EDITABLE_PROFILE_FIELDS,
    LISTING_PHOTO,
    MAX_NOTE_LENGTH,
    MAX_PHOTOS,
)
from members import images
from members.forms import ProfileForm, timezone_choices
from members.models import Member
from pinnacle.forms import QuickSelect


class InviteForm(forms.Form):
    addresses = forms.CharField(
        label="Email addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "agent@example.com, ..."}),
        help_text="One or several, separated by commas or lines. Double-check each address: "
        "an invitation to a mistyped one is never delivered.",
    )

    def clean(self):
        cleaned = super().clean()
        chosen = (
            [c for c in self.data.getlist("contact") if c] if hasattr(self.data, "getlist") else []
        )
        text = ", ".join(filter(None, [cleaned.get("addresses", ""), *chosen]))
        if not text.strip():
            raise forms.ValidationError("Enter at least one email address, or choose a contact.")
        cleaned["addresses"] = text
        return cleaned


class PartnerDetailsForm(forms.Form):
    """An invitee's name and marketing profile, pre-filled with what the lender filled in; the
    form of an invitee who joins with an account they already have."""

    first_name = forms.CharField(max_length=60)
    last_name = forms.CharField(max_length=60)
    job_title = forms.CharField(max_length=120, required=False)
    cell_phone = forms.CharField(max_length=32, required=False)
    office_phone = forms.CharField(max_length=32, required=False)
    employer = forms.CharField(max_length=160, required=False)
    license_number = forms.CharField(
        label="Real estate state license number", max_length=60, required=False
    )
    mls_market = forms.CharField(label="MLS market", max_length=120, required=False)
    mls_agent_id = forms.CharField(label="MLS agent ID", max_length=60, required=False)
    street_address = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    state = forms.CharField(max_length=40, required=False)
    postal_code = forms.CharField(max_length=20, required=False)

    @property
    def display_name(self) -> str:
        return f"{self.cleaned_data['first_name'].strip()} {self.cleaned_data['last_name'].strip()}"

    def profile_fields(self) -> dict:
        return {name: self.cleaned_data[name].strip() for name in PROFILE_FIELDS}


class RegistrationForm(PartnerDetailsForm):
    """A new account: the invitee's details and a password."""

    password1 = forms.CharField(label="Password", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput)

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", "The two passwords differ.")
        elif one:
            try:
                password_validation.validate_password(one)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class PrefillForm(forms.Form):
    """What a lender whose company opted in may pre-fill for one invitee: exactly the
    registration form's fields, which the invitee sees filled in and may correct."""

    first_name = forms.CharField(max_length=60, required=False)
    last_name = forms.CharField(max_length=60, required=False)
    cell_phone = forms.CharField(max_length=32, required=False)
    office_phone = forms.CharField(max_length=32, required=False)
    employer = forms.CharField(max_length=160, required=False)
    job_title = forms.CharField(max_length=120, required=False)
    license_number = forms.CharField(
        label="Real estate state license number", max_length=60, required=False
    )
    mls_market = forms.CharField(label="MLS market", max_length=120, required=False)
    mls_agent_id = forms.CharField(label="MLS agent ID", max_length=60, required=False)
    street_address = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    state = forms.CharField(max_length=40, required=False)
    postal_code = forms.CharField(max_length=20, required=False)

    def prefill(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value}


class PartnerProfileForm(forms.ModelForm):
    """A co-marketing partner's plain marketing-profile fields, as their lender edits them;
    services.edit_partner_profile decides whether they may and stores the changes."""

    timezone = forms.ChoiceField(label="Time zone", choices=timezone_choices, required=False)

    class Meta:
        model = Member
        fields = EDITABLE_PROFILE_FIELDS
        labels = {"display_name": "Name"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [
            ("", f"Not chosen (the partnership's: {self.instance.partnership.timezone})"),
            *timezone_choices(),
        ]

    # The member's own profile form's checks, so both editors store the same values.
    clean_display_name = ProfileForm.clean_display_name
    _clean_phone = ProfileForm._clean_phone
    clean_cell_phone = ProfileForm.clean_cell_phone
    clean_office_phone = ProfileForm.clean_office_phone

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class ShareLeadForm(forms.Form):
    # A member's partners (hundreds for some): written by QuickSelect.
    connection = forms.TypedChoiceField(label="Share with", coerce=int, widget=QuickSelect)
    note = forms.CharField(
        required=False,
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What they asked for, when to call, anything your partner should know. "
        "Nothing is sent to the lead.",
    )

    def __init__(self, *args, partners: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["connection"].choices = partners


class MultipleImageInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several image files in one input; cleans to the list of uploads."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": images.ACCEPT_ATTRIBUTE}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        return [
            super(MultipleImageField, self).clean(upload, initial) for upload in uploads if upload
        ]


class MediaForm(forms.ModelForm):
    """A flyer, property site or capture page, created or edited by either partner; the photos
    are checked and re-encoded here, and services.create_media / update_media store them."""

    owner = forms.TypedChoiceField(
        label="Whose is it?",
        coerce=int,
        help_text="The partner whose site or page it is: leads captured there are assigned to "
        "them and shared with the other.",
    )
    photos = MultipleImageField(
        label="Listing photos",
        required=False,
        help_text=f"Flyers and property sites: up to {MAX_PHOTOS} JPEG, PNG, WebP or GIF images.",
    )

    class Meta:
        model = Media
        fields = [
            "kind",
            "title",
            "headline",
            "body",
            "address",
            "price",
            "bedrooms",
            "bathrooms",
            "square_feet",
            "is_published",
        ]
        labels = {
            "address": "Property address",
            "price": "Price ($)",
            "is_published": "Published (the public page and its form are online)",
        }
        help_texts = {"title": "Also makes the page's address, which stays when you rename it."}
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, connection: Connection, creator: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = {m.pk: m for m in (connection.lender, connection.partner)}
        self.fields["owner"].choices = [(m.pk, m.display_name) for m in self.partners.values()]
        if self.instance.pk:
            self.fields["owner"].initial = self.instance.owner_id
            self.fields["kind"].disabled = True
            self.fields["photos"].help_text += " New photos replace the current ones."
        else:
            self.fields["owner"].initial = (
                creator.pk if creator.pk in self.partners else connection.lender_id
            )
        self.fields[
            "photos"
        ].help_text += f" Each up to {images.human_size(settings.MAX_UPLOAD_IMAGE_BYTES)}."
        self.processed_photos: list[images.ProcessedImage] = []

    def clean_owner(self) -> Member:
        owner = self.partners.get(self.cleaned_data["owner"])
        if owner is None:
            raise ValidationError("Choose one of the two partners.")
        return owner

    def clean_photos(self):
        uploads = self.cleaned_data["photos"]
        if len(uploads) > MAX_PHOTOS:
            raise ValidationError(f"Up to {MAX_PHOTOS} photos.")
        # A bad file fails the whole form: nothing is saved until every photo passed.
        self.processed_photos = [
            images.process_image_upload(upload, spec=LISTING_PHOTO, name=f"listing-{n}")
            for n, upload in enumerate(uploads, start=1)
        ]
        return uploads

    def photos_change(self) -> list[images.ProcessedImage] | None:
        """The new photos; None (on edit, nothing uploaded) keeps the current ones."""
        if self.instance.pk and not self.processed_photos:
            return None
        return self.processed_photos
