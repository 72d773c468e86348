"""Recording a referral both ways: one received from a contact joins the partnership's intake
as a lead (the advocate referral entry point: no email to the lead), one sent to a contact is
kept for reciprocity, and a received referral's email added later makes the person a lead then.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from advocates.models import Contact, Direction, Referral, ReferralQuality, ReferralStage
from advocates.services import AdvocatesRefused
from advocates.services.score import refresh_score
from leads.models import FormKind, Lead, Need, Timeframe
from leads.services import LeadRefused
from leads.services.intake import submit_lead
from members.models import Member
from pinnacle.once import just_made
from pinnacle.text import bounded_text

from .stages import (
    OPEN_STAGES,
    _catch_up_with_transaction,
    _clean_value,
    _event,
    _locked,
    _user,
)

MIN_PHONE_DIGITS = 7  # as the lead forms ask


def _clean_text(value: str, limit: int, what: str) -> str:
    return bounded_text(
        value,
        max_length=limit,
        too_long=lambda _: AdvocatesRefused(f"Keep the {what} under {limit:,} characters."),
    )


def _clean_received_on(received_on: dt.date | None, today: dt.date) -> dt.date:
    """The day the referral came (today by default): a referral told by phone last week is
    counted in last week, where the reward experiment looks for it; never in the future."""
    if received_on is None:
        return today
    if not isinstance(received_on, dt.date) or isinstance(received_on, dt.datetime):
        raise AdvocatesRefused("Give the day the referral came as a date.")
    if received_on > today:
        raise AdvocatesRefused("A referral cannot be recorded as received in the future.")
    return received_on


def _locked_contact(contact: Contact) -> Contact:
    return Contact.objects.select_for_update().get(pk=contact.pk)


def _clean_person(name: str, email: str, phone: str) -> tuple[str, str, str]:
    """The referred person's name, email and phone, cleaned; a name and a way to reach them."""
    name = _clean_text(name, 120, "name")
    if not name:
        raise AdvocatesRefused("Give the referred person's name.")
    email = _clean_email(email)
    phone = _clean_phone(phone)
    if not email and not phone:
        # A referral is someone to reach: a spoken one often comes with a name and a phone only.
        raise AdvocatesRefused("A referral you received needs the person's email or phone.")
    return name, email, phone


def _open_referral_from(contact: Contact, *, email: str, phone: str) -> Referral | None:
    """The open referral of the same person (same email; or same phone when there is no email)
    received from `contact`, if any."""
    same_person = {"person_email": email}
    if not email:
        same_person["person_phone"] = phone
    return (
        Referral.objects.filter(
            partnership_id=contact.partnership_id,
            contact=contact,
            direction=Direction.RECEIVED,
            stage__in=OPEN_STAGES,
            **same_person,
        )
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def record_referral_received(
    *,
    contact: Contact,
    person_name: str,
    person_email: str = "",
    person_phone: str = "",
    note: str = "",
    quality: str = ReferralQuality.STANDARD,
    estimated_value=None,
    need: str = Need.OTHER,
    timeframe: str = Timeframe.BROWSING,
    received_on: dt.date | None = None,
    actor=None,
) -> Referral:
    """The contact referred someone to the member, with the person's email, their phone, or
    both: the referral is Received and the contact's score counts it. With an email the person
    joins the partnership's intake as a lead (a new one, or the lead they already are), with
    the member as referrer and no email to them; a spoken referral with only a phone is
    recorded without a lead (a lead is one email address in the partnership).

    The contact's row is locked first, so a double submit records one referral: the second
    finds the first (same contact, same email, or same phone without an email, still open)
    and returns it.

    Long because every field of the referral is checked and stored here, in the order the lock
    needs: every check before it, the double-submit lookup and the rows after it."""
    person_name, person_email, person_phone = _clean_person(person_name, person_email, person_phone)
    note = _clean_text(note, 2000, "note")
    if quality not in ReferralQuality.values:
        raise AdvocatesRefused("Choose the referral's tier: Standard, Qualified or Premium.")
    if need not in Need.values or timeframe not in Timeframe.values:
        raise AdvocatesRefused("Choose what the person needs and when.")
    estimated_value = _clean_value(estimated_value)
    received_on = _clean_received_on(received_on, contact.partnership.today())
    contact = _locked_contact(contact)
    existing = _open_referral_from(contact, email=person_email, phone=person_phone)
    if existing is not None:
        # The same person from the same contact while the first is still open: a double submit.
        return existing
    owner = Member.objects.select_related("partnership").get(pk=contact.owner_id)
    lead = _lead_for_referral(
        owner,
        name=person_name,
        email=person_email,
        phone=person_phone,
        need=need,
        timeframe=timeframe,
    )
    referral = Referral.objects.create(
        partnership_id=contact.partnership_id,
        contact=contact,
        owner_id=contact.owner_id,
        direction=Direction.RECEIVED,
        person_name=person_name,
        person_email=person_email,
        person_phone=person_phone,
        lead=lead,
        stage=ReferralStage.RECEIVED,
        stage_changed_at=timezone.now(),
        quality=quality,
        estimated_value=estimated_value,
        received_on=received_on,
        note=note,
        created_by=_user(actor),
    )
    _event(referral, f"Received from {contact.name}", actor)
    if lead is not None:
        _catch_up_with_transaction(referral, owner)
    refresh_score(contact)
    return referral


@transaction.atomic
def add_referral_email(
    *,
    referral: Referral,
    person_email: str,
    need: str = Need.OTHER,
    timeframe: str = Timeframe.BROWSING,
    actor=None,
) -> Referral:
    """A referral received with a phone only gets the person's email later: the person then
    joins the partnership's intake as a lead (a new one, or the lead they already are), as if the
    email had come with the referral, and the referral follows that lead's transaction.

    The same rules as recording one: a valid address, and one open referral per contact and
    person (the same address on another open referral from this contact is refused, naming it).
    A double submit of the same address returns the referral as the first left it."""
    person_email = _clean_email(person_email)
    if not person_email:
        raise AdvocatesRefused("Give the referred person's email.")
    _locked_contact(referral.contact)
    referral = _locked(referral)
    if referral.direction != Direction.RECEIVED:
        raise AdvocatesRefused("Only a referral you received becomes a lead.")
    if referral.person_email:
        if referral.person_email == person_email:
            return referral  # the same form sent twice
        raise AdvocatesRefused(
            f"This referral already has an email, {referral.person_email}: record the other "
            "address as a new referral."
        )
    twin = (
        Referral.objects.filter(
            partnership_id=referral.partnership_id,
            contact_id=referral.contact_id,
            direction=Direction.RECEIVED,
            person_email=person_email,
            stage__in=OPEN_STAGES,
        )
        .exclude(pk=referral.pk)
        .first()
    )
    if twin is not None:
        raise AdvocatesRefused(
            f"{referral.contact.name} already referred {person_email}: that referral is "
            f"{twin.person_name}'s, still open."
        )
    owner = Member.objects.select_related("partnership").get(pk=referral.owner_id)
    referral.lead = _lead_for_referral(
        owner,
        name=referral.person_name,
        email=person_email,
        phone=referral.person_phone,
        need=need,
        timeframe=timeframe,
    )
    referral.person_email = person_email
    referral.save(update_fields=["person_email", "lead"])
    _event(referral, "Email added: the person is now a lead", actor)
    if referral.stage in OPEN_STAGES:
        _catch_up_with_transaction(referral, owner)
    return referral


def _clean_email(value) -> str:
    email = (value or "").strip().lower()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError as exc:
        raise AdvocatesRefused("Enter a valid email address for the referred person.") from exc
    return email


def _clean_phone(value) -> str:
    phone = _clean_text(value, 32, "phone number")
    if phone and sum(ch.isdigit() for ch in phone) < MIN_PHONE_DIGITS:
        raise AdvocatesRefused(
            f"Enter a phone number with at least {MIN_PHONE_DIGITS} digits for the referred person."
        )
    return phone


def _lead_for_referral(owner: Member, *, name, email, phone, need, timeframe) -> Lead | None:
    """The lead the referred person is in the partnership's intake, or None without an email."""
    if not email:
        return None
    try:
        # The note and the contact's name stay in the member's circle: the lead's timeline is
        # seen by others (leadership, the transaction team), so the submission carries neither.
        submission = submit_lead(
            partnership=owner.partnership,
            form=FormKind.ADVOCATE_REFERRAL,
            name=name,
            email=email,
            phone=phone,
            need=need,
            timeframe=timeframe,
            referrer=owner,
        )
    except LeadRefused as refusal:
        raise AdvocatesRefused(str(refusal)) from refusal
    return submission.lead


@transaction.atomic
def record_referral_sent(
    *,
    contact: Contact,
    person_name: str,
    person_email: str = "",
    person_phone: str = "",
    note: str = "",
    received_on: dt.date | None = None,
    actor=None,
) -> Referral:
    """The member referred someone to the contact (reciprocity): no lead, the stage is kept by
    hand, the contact's score counts it."""
    person_name = _clean_text(person_name, 120, "name")
    if not person_name:
        raise AdvocatesRefused("Give the referred person's name.")
    person_email = (person_email or "").strip().lower()
    if len(person_email) > 254:
        raise AdvocatesRefused("That email address is too long.")
    person_phone = _clean_text(person_phone, 32, "phone number")
    note = _clean_text(note, 2000, "note")
    received_on = _clean_received_on(received_on, contact.partnership.today())
    contact = _locked_contact(contact)
    # Under the contact's lock, a second submit of the same form returns the first's referral.
    twin = just_made(
        Referral.objects.for_partnership(contact.partnership).filter(contact=contact),
        direction=Direction.SENT,
        person_name=person_name,
        person_email=person_email,
        person_phone=person_phone,
        note=note,
    )
    if twin is not None:
        return twin
    referral = Referral.objects.create(
        partnership_id=contact.partnership_id,
        contact=contact,
        owner_id=contact.owner_id,
        direction=Direction.SENT,
        person_name=person_name,
        person_email=person_email,
        person_phone=person_phone,
        stage=ReferralStage.RECEIVED,
        stage_changed_at=timezone.now(),
        received_on=received_on,
        note=note,
        created_by=_user(actor),
    )
    _event(referral, f"Sent to {contact.name}", actor)
    refresh_score(contact)
    return referral
