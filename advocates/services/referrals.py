"""Referrals both ways between a member and a contact, their stages, and the progress notes that
keep the referrer informed (seed 5.5: "Keep the referrer informed of the progress of the
transaction").

A referral received from a contact joins the partnership's intake as a lead (the advocate
referral entry point: no email to the lead). Its stage moves by hand or follows the lead's
transaction, but only when the referral's owner may see that transaction. Nothing here goes to
the audit log: it would name a member's contacts to leadership.
"""

from __future__ import annotations

import datetime as dt
import decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from advocates.models import (
    Contact,
    Direction,
    Referral,
    ReferralEvent,
    ReferralQuality,
    ReferralStage,
)
from advocates.services import AdvocatesRefused
from advocates.services.contacts import email_contact
from advocates.services.once import just_made
from advocates.services.score import refresh_score
from leads.models import FormKind, Lead, Need, Timeframe, Transaction, TransactionStage
from leads.selectors.transactions import visible_transactions
from leads.services import LeadRefused
from leads.services.intake import submit_lead
from members.models import Member
from pinnacle.mail.services import preview_email

OPEN_STAGES = (ReferralStage.RECEIVED, ReferralStage.CONTACTED, ReferralStage.UNDER_CONTRACT)
FINAL_STAGES = (ReferralStage.CLOSED, ReferralStage.LOST)
MAX_VALUE = decimal.Decimal("9999999999.99")
MIN_PHONE_DIGITS = 7  # as the lead forms ask

# What the referrer reads about the referred person, in plain words: never a transaction detail.
PROGRESS_WORDS = {
    ReferralStage.RECEIVED: "I have your referral and will be in touch with {person} shortly.",
    ReferralStage.CONTACTED: "I have been in touch with {person}.",
    ReferralStage.UNDER_CONTRACT: "{person} is now under contract.",
    ReferralStage.CLOSED: "{person}'s transaction has closed.",
    ReferralStage.LOST: "{person} has decided not to go ahead for now.",
}


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _clean_text(value: str, limit: int, what: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise AdvocatesRefused(f"Keep the {what} under {limit:,} characters.")
    return value


def _clean_value(value) -> decimal.Decimal | None:
    if value in (None, ""):
        return None
    try:
        value = decimal.Decimal(str(value))
    except ArithmeticError as exc:
        raise AdvocatesRefused("A value is an amount in dollars.") from exc
    if not value.is_finite() or value < 0 or value > MAX_VALUE:
        raise AdvocatesRefused("A value is an amount from $0 up.")
    return value.quantize(decimal.Decimal("0.01"))


def _event(referral: Referral, summary: str, actor=None, message=None) -> ReferralEvent:
    return ReferralEvent.objects.create(
        partnership_id=referral.partnership_id,
        referral=referral,
        stage=referral.stage,
        summary=summary[:300],
        message=message,
        actor=_user(actor),
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
    and returns it."""
    person_name = _clean_text(person_name, 120, "name")
    if not person_name:
        raise AdvocatesRefused("Give the referred person's name.")
    person_email = _clean_email(person_email)
    person_phone = _clean_phone(person_phone)
    if not person_email and not person_phone:
        # A referral is someone to reach: a spoken one often comes with a name and a phone only.
        raise AdvocatesRefused("A referral you received needs the person's email or phone.")
    note = _clean_text(note, 2000, "note")
    if quality not in ReferralQuality.values:
        raise AdvocatesRefused("Choose the referral's tier: Standard, Qualified or Premium.")
    if need not in Need.values or timeframe not in Timeframe.values:
        raise AdvocatesRefused("Choose what the person needs and when.")
    estimated_value = _clean_value(estimated_value)
    received_on = _clean_received_on(received_on, contact.partnership.today())
    contact = _locked_contact(contact)
    same_person = {"person_email": person_email}
    if not person_email:
        same_person["person_phone"] = person_phone
    existing = (
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


def _catch_up_with_transaction(referral: Referral, owner: Member) -> None:
    """A referral joining a lead whose transaction already moved starts where that transaction
    is (the newest one the owner may see), as it would have followed it from the start."""
    if not owner.is_active:
        return
    latest = (
        visible_transactions(owner)
        .filter(lead_id=referral.lead_id)
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is None:
        return
    from_stages, to_stage = FOLLOW.get(latest.stage, ((), None))
    if referral.stage not in from_stages:
        return
    if to_stage == ReferralStage.CLOSED:
        referral.closed_value = latest.value
    _move(referral, to_stage, _following(to_stage, latest))


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
        Referral.objects.filter(partnership_id=contact.partnership_id, contact=contact),
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


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("contact")
        .get(pk=referral.pk)
    )


def _move(referral: Referral, stage: str, summary: str, actor=None) -> None:
    referral.stage = stage
    referral.stage_changed_at = timezone.now()
    fields = ["stage", "stage_changed_at", "closed_value"]
    if referral.direction == Direction.RECEIVED:
        # The referrer has not been told yet: the pages prompt for a progress note.
        referral.untold_stage = stage
        fields.append("untold_stage")
    referral.save(update_fields=fields)
    _event(referral, summary, actor)


@transaction.atomic
def advance_referral(
    *,
    referral: Referral,
    stage: str,
    actor=None,
    reopen: bool = False,
    closed_value=None,
) -> Referral:
    """The member moves a referral by hand. From an open stage it may go to any other stage
    (Lost from any of them); Closed and Lost are final unless reopened explicitly."""
    if stage not in ReferralStage.values:
        raise AdvocatesRefused("Choose a stage: Received, Contacted, Under contract, Closed, Lost.")
    closed_value = _clean_value(closed_value)
    referral = _locked(referral)
    label = ReferralStage(stage).label
    if stage == referral.stage:
        raise AdvocatesRefused(f"This referral is already {label.lower()}.")
    if referral.stage in FINAL_STAGES:
        if not reopen:
            raise AdvocatesRefused(
                f"This referral is {referral.get_stage_display().lower()}: reopen it to move it."
            )
        if stage in FINAL_STAGES:
            raise AdvocatesRefused("Reopen a referral to one of its open stages.")
    if stage == ReferralStage.CLOSED:
        referral.closed_value = closed_value if closed_value is not None else referral.closed_value
    elif referral.stage == ReferralStage.CLOSED:
        referral.closed_value = None
    verb = "Reopened" if referral.stage in FINAL_STAGES else "Moved"
    _move(referral, stage, f"{verb} to {label} by hand", actor)
    return referral


# How a transaction's stage moves the received referrals for its lead (when the owner may see
# the transaction): from which referral stages, to which.
FOLLOW = {
    TransactionStage.OPENED: ((ReferralStage.RECEIVED,), ReferralStage.CONTACTED),
    TransactionStage.UNDER_CONTRACT: (
        (ReferralStage.RECEIVED, ReferralStage.CONTACTED),
        ReferralStage.UNDER_CONTRACT,
    ),
    TransactionStage.CLOSED: (OPEN_STAGES, ReferralStage.CLOSED),
    TransactionStage.FELL_THROUGH: (
        (ReferralStage.RECEIVED, ReferralStage.UNDER_CONTRACT),
        ReferralStage.CONTACTED,
    ),
}


@transaction.atomic
def follow_transaction(*, transaction_: Transaction) -> list[Referral]:
    """The lead's transaction opened or moved: each member's received referral for that lead
    follows it, if that member may see the transaction (confidentiality: a member off the
    committee, without the customer's written authorization, learns nothing from it)."""
    rule = FOLLOW.get(transaction_.stage)
    if rule is None:
        return []
    from_stages, to_stage = rule
    referrals = list(
        Referral.objects.filter(
            partnership_id=transaction_.partnership_id,
            lead_id=transaction_.lead_id,
            direction=Direction.RECEIVED,
            stage__in=from_stages,
        )
        .select_for_update()
        .order_by("pk")
    )
    moved = []
    owners: dict[int, bool] = {}
    for referral in referrals:
        if referral.owner_id not in owners:
            owner = Member.objects.get(pk=referral.owner_id)
            owners[referral.owner_id] = (
                owner.is_active and visible_transactions(owner).filter(pk=transaction_.pk).exists()
            )
        if not owners[referral.owner_id]:
            continue
        if to_stage == ReferralStage.CLOSED:
            referral.closed_value = transaction_.value
        _move(referral, to_stage, _following(to_stage, transaction_))
        moved.append(referral)
    return moved


def _following(to_stage: str, transaction_: Transaction) -> str:
    return (
        f"{ReferralStage(to_stage).label}: the lead's transaction is "
        f"{transaction_.get_stage_display().lower()}"
    )


# --- Keeping the referrer informed ---------------------------------------------------------


def progress_prompt(referral: Referral) -> str:
    """ "Let Carol know: Dan is now Under contract" while the referrer has not been told."""
    if not referral.untold_stage:
        return ""
    stage = ReferralStage(referral.untold_stage).label
    return f"Let {referral.contact.name} know: {referral.person_name} is now {stage}"


def _note_context(referral: Referral, member: Member) -> dict:
    # Only names and the stage in plain words: no transaction detail (address, price, dates,
    # team) reaches the referrer without the customer's written authorization.
    stage = referral.untold_stage
    return {
        "member": member,
        "contact_name": referral.contact.name,
        "person_name": referral.person_name,
        "stage_label": ReferralStage(stage).label,
        "progress": PROGRESS_WORDS[stage].format(person=referral.person_name),
        "is_final": stage in FINAL_STAGES,
    }


def _note_recipient(referral: Referral) -> str:
    if not referral.untold_stage:
        raise AdvocatesRefused(f"{referral.contact.name} has been told about this stage already.")
    if not referral.contact.email:
        raise AdvocatesRefused(
            f"{referral.contact.name} has no email address: add one to their page, or dismiss "
            "the prompt if you told them another way."
        )
    return referral.contact.email


def preview_progress_note(*, referral: Referral):
    """The exact message "Send progress note" would send, neither saved nor sent."""
    to = _note_recipient(referral)
    member = Member.objects.select_related("company").get(pk=referral.owner_id)
    return preview_email(
        partnership=member.partnership,
        template="advocates/progress_note",
        to=to,
        context=_note_context(referral, member),
        sender_name=member.display_name,
        reply_to=member.email,
    )


@transaction.atomic
def send_progress_note(*, referral: Referral, actor=None) -> Referral:
    """Email the referrer that the referred person reached the untold stage, in the member's
    name; sent once per referral and stage (the outbox key), logged on the contact, the prompt
    cleared."""
    referral = _locked(referral)
    _note_recipient(referral)
    member = Member.objects.select_related("company", "partnership").get(pk=referral.owner_id)
    stage = referral.untold_stage
    label = ReferralStage(stage).label
    message = email_contact(
        member=member,
        contact=referral.contact,
        key=f"progress:{referral.pk}:{stage}",
        template="advocates/progress_note",
        context=_note_context(referral, member),
        summary=f"Progress note: {referral.person_name} is now {label}",
        actor=actor,
    ).message
    referral.untold_stage = ""
    referral.save(update_fields=["untold_stage"])
    ReferralEvent.objects.create(
        partnership_id=referral.partnership_id,
        referral=referral,
        stage=stage,
        summary=f"Progress note sent to {referral.contact.name}: {label}",
        message=message,
        actor=_user(actor),
    )
    return referral


@transaction.atomic
def dismiss_progress_note(*, referral: Referral, actor=None) -> Referral:
    """The member told the referrer another way: the prompt goes, the history says so."""
    referral = _locked(referral)
    if not referral.untold_stage:
        raise AdvocatesRefused(f"{referral.contact.name} has been told about this stage already.")
    stage = referral.untold_stage
    referral.untold_stage = ""
    referral.save(update_fields=["untold_stage"])
    ReferralEvent.objects.create(
        partnership_id=referral.partnership_id,
        referral=referral,
        stage=stage,
        summary=f"Told {referral.contact.name} another way: {ReferralStage(stage).label}",
        actor=_user(actor),
    )
    return referral
