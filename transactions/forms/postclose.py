"""Forms of the post-close section: the leader's meeting times and letter, leadership's
confirmation of a time, its record of the meeting held (with the evaluation) and of the first
client interaction.

Date-times are typed in the viewer's own zone (validate them under `timezone.override`); the
services decide every rule again under the transaction's lock.
"""

from __future__ import annotations

from django import forms

from members.models import Member
from pinnacle.formats import when
from pinnacle.forms import validate_date_in_range
from transactions.letters import draft_letter_text
from transactions.models import ClientInteraction, HandoffEvaluation, MeetingProposal
from transactions.selectors.postclose import PostCloseSection
from transactions.services.postclose import MAX_MEETING_TIMES, draft_interaction_text
from transactions.services.thank_you import MAILING_ADDRESS_MAX


class LocalDateTimeField(forms.DateTimeField):
    """A date and time picked in the browser (`datetime-local`), read in the current zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def validate(self, value):
        super().validate(value)
        if value is not None:
            # Far dates overflow when converted between zones; no real meeting is there.
            validate_date_in_range(value.date())


class MeetingTimesForm(forms.Form):
    """The leader proposes up to three times for the handoff meeting."""

    time_1 = LocalDateTimeField(label="First choice")
    time_2 = LocalDateTimeField(label="Second choice", required=False)
    time_3 = LocalDateTimeField(label="Third choice", required=False)
    location = forms.CharField(
        label="Where",
        max_length=200,
        required=False,
        help_text="An office address, or how to join a video or phone call.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_meeting_%s")
        super().__init__(*args, **kwargs)

    def times(self) -> list:
        return [
            self.cleaned_data[f"time_{n}"]
            for n in range(1, MAX_MEETING_TIMES + 1)
            if self.cleaned_data.get(f"time_{n}")
        ]


class ConfirmMeetingForm(forms.Form):
    """Leadership picks one of the leader's proposed times."""

    proposal = forms.ChoiceField(label="Proposed times", widget=forms.RadioSelect)

    def __init__(self, *args, proposals: list[MeetingProposal], labels: dict[int, str], **kwargs):
        kwargs.setdefault("auto_id", "id_confirm_%s")
        super().__init__(*args, **kwargs)
        self.proposals = {str(p.pk): p for p in proposals}
        self.fields["proposal"].choices = [(str(p.pk), labels[p.pk]) for p in proposals]
        self.fields["proposal"].error_messages["required"] = "Choose one of the proposed times."
        self.fields["proposal"].error_messages["invalid_choice"] = (
            "Those times were replaced by new ones; choose one of the current times."
        )

    def chosen(self) -> MeetingProposal:
        return self.proposals[self.cleaned_data["proposal"]]


def rating_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=HandoffEvaluation.Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": f"Rate the transaction's {label.lower()} from 1 to 5."},
    )


class MeetingHeldForm(forms.Form):
    """Leadership records that the handoff meeting was held, with its evaluation."""

    success = rating_field("Success")
    efficiency = rating_field("Efficiency")
    effectiveness = rating_field("Effectiveness")
    notes = forms.CharField(
        label="Evaluation notes",
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What went well, what took longer than it should, and what to do differently.",
        error_messages={"required": "Write the evaluation notes."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_held_%s")
        super().__init__(*args, **kwargs)


def mailing_address_field() -> forms.CharField:
    return forms.CharField(
        label="Mailing address",
        max_length=MAILING_ADDRESS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text="The printed letter's address block, under the customer's name; needed before "
        "you record the printed letter as mailed.",
    )


class LetterForm(forms.Form):
    """The leader's personal part of the letter, and where the printed letter goes."""

    body = forms.CharField(
        label="Your letter",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Your personal part: the greeting, your thanks, your own words. The paragraphs "
        "shown below it, the letterhead with the partnership's seal and website, and your "
        "signature with your contact details are added to the email and the printable letter.",
        error_messages={"required": "Write the letter before saving it."},
    )
    mailing_address = mailing_address_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_letter_%s")
        super().__init__(*args, **kwargs)


class MailingAddressForm(forms.Form):
    """Where the printed letter goes, once the letter itself went out by email."""

    mailing_address = mailing_address_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_letter_address_%s")
        super().__init__(*args, **kwargs)


class InteractionForm(forms.Form):
    """Leadership records its first client interaction, with who took part. Nothing is filled
    in for them but the drafted text of a written one: how, when and who are what happened."""

    mode = forms.ChoiceField(
        label="How",
        choices=ClientInteraction.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the interaction took place."},
    )
    occurred_at = LocalDateTimeField(
        label="When",
        required=False,
        help_text="When it took place, in your time zone. Emailed from here, it is now.",
    )
    participants = forms.MultipleChoiceField(
        label="Who took part", widget=forms.CheckboxSelectMultiple
    )
    body = forms.CharField(
        label="Written text",
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="It must name every member who was on the transaction's team, including "
        "anyone who left it: the draft does.",
    )
    email_customer = forms.BooleanField(
        label="Email this text to the customer now, from you (the leader gets a copy)",
        required=False,
    )

    def __init__(self, *args, choices: list[Member], roles: dict[int, str], **kwargs):
        kwargs.setdefault("auto_id", "id_interaction_%s")
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in choices}
        self.fields["participants"].choices = [
            (str(m.pk), f"{m.display_name} ({roles[m.pk]})" if roles.get(m.pk) else m.display_name)
            for m in choices
        ]
        self.fields["participants"].error_messages["required"] = "Tick everyone who took part."

    def clean(self):
        cleaned = super().clean()
        missing_when = not cleaned.get("email_customer") and not cleaned.get("occurred_at")
        if missing_when and "occurred_at" not in self.errors:
            self.add_error("occurred_at", "Say when the interaction took place.")
        return cleaned

    def chosen_participants(self) -> list[Member]:
        return [self.members[pk] for pk in self.cleaned_data["participants"]]


def meeting_labels(proposals: list[MeetingProposal], partnership) -> dict[int, str]:
    return {
        p.pk: when(p.starts_at, partnership) + (f" \u00b7 {p.location}" if p.location else "")
        for p in proposals
    }


def section_forms(section: PostCloseSection, bound: dict | None = None) -> dict:
    """The forms the viewer may use on a transaction's post-close section: fresh ones, or the
    bound ones a failed POST returned (`bound`, by name)."""
    # A bound form is shown again with its errors, whoever sent it (the refusal says why).
    forms_ = dict(bound or {})
    transaction = section.transaction
    partnership = transaction.partnership
    if section.booked is None and section.is_leader and "meeting" not in forms_:
        forms_["meeting"] = MeetingTimesForm()
    open_proposals = [p for p in section.proposals if p.confirmed_at is None]
    if section.booked is None and section.is_leadership and open_proposals:
        forms_.setdefault(
            "confirm",
            ConfirmMeetingForm(
                proposals=open_proposals, labels=meeting_labels(open_proposals, partnership)
            ),
        )
    if section.meeting_held_to_record:
        forms_.setdefault("held", MeetingHeldForm())
    letter = section.letter
    if section.is_leader and not (letter and letter.is_final) and "letter" not in forms_:
        forms_["letter"] = LetterForm(
            initial={
                "body": (letter.body if letter else "") or draft_letter_text(transaction),
                "mailing_address": section.mailing_address,
            }
        )
    if (
        section.is_leader
        and letter
        and letter.is_final
        and letter.mailed_at is None
        and "address" not in forms_
    ):
        forms_["address"] = MailingAddressForm(initial={"mailing_address": section.mailing_address})
    if section.is_leadership and section.interaction is None and "interaction" not in forms_:
        # Only the drafted text is offered; the rest is what happened, for leadership to say.
        forms_["interaction"] = interaction_form(
            section, initial={"body": draft_interaction_text(transaction, section.involved)}
        )
    return forms_


def interaction_form(section: PostCloseSection, data=None, **kwargs) -> InteractionForm:
    committee = {m.pk for m in section.committee}
    roles = {
        m.pk: (
            "team leader"
            if m.pk == section.transaction.leader_id
            else "committee"
            if m.pk in committee
            else "leadership"
        )
        for m in section.participant_choices
    }
    return InteractionForm(data, choices=section.participant_choices, roles=roles, **kwargs)
