from django import forms

from leads.models import Need, Timeframe
from leads.services.intake import referrer_choices
from pinnacle.forms import BoundedEmailField

NO_REFERRER = "none"


class LeadForm(forms.Form):
    """/join/ and /contact/: who the prospect is, what they need, and who referred them."""

    name = forms.CharField(label="Your name", max_length=120)
    email = BoundedEmailField(label="Email")
    phone = forms.CharField(label="Phone", max_length=32, required=False)
    need = forms.ChoiceField(label="What do you need?", choices=[("", "Choose one"), *Need.choices])
    timeframe = forms.ChoiceField(label="When?", choices=[("", "Choose one"), *Timeframe.choices])
    referrer = forms.ChoiceField(
        label="Which partner member referred you?",
        help_text="The member who sent you here becomes your main contact.",
    )
    message = forms.CharField(
        label="Message", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    consent = forms.BooleanField(
        label="I agree to be contacted by partner members about my request.",
        error_messages={"required": "Please agree to be contacted so members can help you."},
    )
    # Honeypot: hidden from people with CSS; bots fill every field.
    website = forms.CharField(required=False, label="Leave this field empty")

    def __init__(self, *args, partnership, message_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {m.slug: m for m in referrer_choices(partnership)}
        self.fields["referrer"].choices = [
            ("", "Choose the member who referred you"),
            (NO_REFERRER, "No one referred me"),
            *(
                (slug, f"{m.display_name} \u2014 {m.company.name}" if m.company else m.display_name)
                for slug, m in self.members.items()
            ),
        ]
        self.fields["referrer"].error_messages["required"] = (
            "Choose the member who referred you, or \u201cNo one referred me\u201d."
        )
        if message_required:
            self.fields["message"].required = True
            self.fields["message"].label = "How can we help?"
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Please tell us your name.")
        return name

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and sum(ch.isdigit() for ch in phone) < 7:
            raise forms.ValidationError(
                "Enter a phone number with at least 7 digits, or leave it empty."
            )
        return phone

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def referring_member(self):
        slug = self.cleaned_data["referrer"]
        return None if slug == NO_REFERRER else self.members.get(slug)


class InterestForm(forms.Form):
    message = forms.CharField(
        label="Your message",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Say what you need and when.",
    )

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 5:
            raise forms.ValidationError("Please write a few words about what you need.")
        return message
