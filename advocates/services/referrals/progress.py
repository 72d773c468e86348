"""Keeping the referrer informed (seed 5.5: "Keep the referrer informed of the progress of the
transaction"): the prompt, the progress note's preview, sending it, or dismissing the prompt.
"""

from __future__ import annotations

from django.db import transaction

from advocates.models import Referral, ReferralEvent, ReferralStage
from advocates.services import AdvocatesRefused
from advocates.services.emails import email_contact
from members.models import Member
from pinnacle.mail.services import preview_email

from .stages import FINAL_STAGES, _locked, _user

# What the referrer reads about the referred person, in plain words: never a transaction detail.
PROGRESS_WORDS: dict[str, str] = {
    ReferralStage.RECEIVED: "I have your referral and will be in touch with {person} shortly.",
    ReferralStage.CONTACTED: "I have been in touch with {person}.",
    ReferralStage.UNDER_CONTRACT: "{person} is now under contract.",
    ReferralStage.CLOSED: "{person}'s transaction has closed.",
    ReferralStage.LOST: "{person} has decided not to go ahead for now.",
}


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
