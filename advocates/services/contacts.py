"""The inner circle itself: adding, editing and deleting contacts, moving them between segments
(with history), the communication log and transaction history (emailing a contact: `emails`).

Nothing here goes to the audit log: it would name a member's contacts to leadership, who see
the circle only in aggregate. The segment history is the contact's own trail."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from advocates.models import (
    Assignment,
    Contact,
    Direction,
    ExperimentFeedback,
    Interaction,
    InteractionKind,
    Referral,
    Segment,
    SegmentChange,
    ServiceRecord,
)
from advocates.services import AdvocatesRefused
from advocates.services.overview import circles_changed
from advocates.services.score import refresh_score
from members.models import Member
from pinnacle.forms import EARLIEST_DATE, EMAIL_MAX_LENGTH
from pinnacle.once import just_made
from pinnacle.text import bounded_text

# What a contact's own fields may hold; the forms use the same bounds.
CONTACT_FIELDS = (
    "name",
    "email",
    "phone",
    "company",
    "service",
    "mailing_address",
    "family",
    "hobbies",
    "interests",
    "birthday",
    "home_anniversary",
    "notes",
    "service_rating",
)
MAX_LENGTHS = {"name": 120, "phone": 32, "company": 120, "service": 120}
MAX_TEXT = 4000  # the free-text fields (address, family, hobbies, interests, notes)
TEXT_FIELDS = ("mailing_address", "family", "hobbies", "interests", "notes")
EARLIEST_MOMENT = dt.datetime.combine(EARLIEST_DATE, dt.time(), tzinfo=dt.UTC)


def _check_linked_member(owner: Member, linked: Member | None) -> None:
    if linked is None:
        return
    if linked.partnership_id != owner.partnership_id:
        raise AdvocatesRefused("A linked member must belong to this partnership.")
    if linked.pk == owner.pk:
        raise AdvocatesRefused("You cannot add yourself to your own inner circle.")
    if not linked.is_active:
        raise AdvocatesRefused(f"{linked.display_name} is no longer an active partner member.")


def clean_contact_fields(fields: dict) -> dict:
    """The bounds every contact's own fields keep, for every caller (forms, import, demo)."""
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    cleaned = dict(fields)
    for name, value in fields.items():
        if name in MAX_LENGTHS or name in TEXT_FIELDS or name == "email":
            cleaned[name] = (value or "").strip()
    if "name" in cleaned and not cleaned["name"]:
        raise AdvocatesRefused("A contact needs a name.")
    for name, limit in MAX_LENGTHS.items():
        if len(cleaned.get(name, "")) > limit:
            raise AdvocatesRefused(f"Keep the {name} under {limit} characters.")
    for name in TEXT_FIELDS:
        if len(cleaned.get(name, "")) > MAX_TEXT:
            label = name.replace("_", " ")
            raise AdvocatesRefused(f"Keep the {label} under {MAX_TEXT:,} characters.")
    if cleaned.get("email"):
        cleaned["email"] = cleaned["email"].lower()
        if len(cleaned["email"]) > EMAIL_MAX_LENGTH:
            raise AdvocatesRefused(
                f"That email address is too long: at most {EMAIL_MAX_LENGTH} characters."
            )
        try:
            validate_email(cleaned["email"])
        except ValidationError as exc:
            raise AdvocatesRefused(f"{cleaned['email']} is not a valid email address.") from exc
    for name in ("birthday", "home_anniversary"):
        value = cleaned.get(name)
        if value is not None and not isinstance(value, dt.date):
            raise AdvocatesRefused(f"The {name.replace('_', ' ')} must be a date.")
    rating = cleaned.get("service_rating")
    if rating is not None and (
        isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 10
    ):
        raise AdvocatesRefused("A service rating is a whole number from 1 to 10.")
    return cleaned


def _save_once_per_owner(contact: Contact, **save_kwargs) -> None:
    """Save, turning the one-per-owner unique constraints into a sentence."""
    try:
        with transaction.atomic():
            contact.save(**save_kwargs)
    except IntegrityError as exc:
        linked = contact.linked_member
        if linked is not None and _has_linked(contact.owner, linked, exclude=contact.pk):
            raise AdvocatesRefused(
                f"{linked.display_name} is already in your inner circle."
            ) from exc
        raise AdvocatesRefused(f"{contact.email} is already in your inner circle.") from exc


@transaction.atomic
def create_contact(
    *,
    owner: Member,
    name: str,
    segment: str = Segment.ADVOCATES,
    linked_member: Member | None = None,
    actor=None,
    once: bool = True,
    **fields,
) -> Contact:
    """Add a contact to the member's inner circle; the first segment starts its history.

    A contact belongs to one member; the same email (or the same partner member) is one contact
    per member, so a second add is refused with the reason. A second submit of the same form
    (`once`) returns the contact the first one added; the import, which adds many at once,
    passes `once=False` and checks its whole batch instead."""
    if segment not in Segment.values:
        raise AdvocatesRefused("Choose one of the three segments.")
    fields = clean_contact_fields({"name": name, **fields})
    _check_linked_member(owner, linked_member)
    if once:
        # The member's row orders two submits of the same form: the second returns the first's.
        Member.objects.select_for_update().filter(pk=owner.pk).first()
        twin = just_made(
            Contact.objects.for_partnership(owner.partnership),
            owner=owner,
            segment=segment,
            linked_member=linked_member,
            **fields,
        )
        if twin is not None:
            return twin
    contact = Contact(
        partnership_id=owner.partnership_id,
        owner=owner,
        segment=segment,
        linked_member=linked_member,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    _save_once_per_owner(contact)
    SegmentChange.objects.create(
        partnership_id=owner.partnership_id,
        contact=contact,
        to_segment=segment,
        reason="Added to the inner circle",
        changed_by=contact.created_by,
    )
    circles_changed(contact.partnership_id)
    return contact


def _has_linked(owner: Member, linked: Member, *, exclude=None) -> bool:
    return (
        Contact.objects.for_partnership(owner.partnership)
        .filter(owner=owner, linked_member=linked)
        .exclude(pk=exclude)
        .exists()
    )


@transaction.atomic
def update_contact(
    *, contact: Contact, linked_member: Member | None = None, actor=None, **fields
) -> Contact:
    """Change a contact's own details under the same rules as adding one (one contact per email
    and per partner member in a circle; a linked member is an active partner member of the
    partnership, not the owner). The segment moves only through `move_to_segment`, for its
    history."""
    fields = clean_contact_fields(fields)
    contact = Contact.objects.select_for_update().select_related("owner").get(pk=contact.pk)
    if linked_member is not None and linked_member.pk != contact.linked_member_id:
        _check_linked_member(contact.owner, linked_member)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.linked_member = linked_member
    _save_once_per_owner(contact, update_fields=[*fields, "linked_member", "updated_at"])
    return contact


@transaction.atomic
def delete_contact(*, contact: Contact) -> None:
    """Remove a contact with their whole trail (log, history, referrals, touches, rewards):
    the circle is the member's own, and so is forgetting someone. Emails already sent stay in
    the outbox, which is the partnership's record of what went out.

    In a reward experiment the contact stays in their group, withdrawn, with only the days of
    the referrals they had sent in its period (no name, no person): deleting someone after the
    split must not change the groups the randomisation made. What they said about their reward
    (the experiment's feedback notes) is their own words, and goes with them."""
    assignments = (
        Assignment.objects.for_partnership(contact.partnership)
        .filter(contact_id=contact.pk)
        .select_related("experiment")
        .select_for_update(of=("self",))
    )
    today = contact.partnership.today()
    for assignment in assignments:
        experiment = assignment.experiment
        assignment.withdrawn_referral_days = list(
            Referral.objects.filter(
                partnership_id=contact.partnership_id,
                contact_id=contact.pk,
                direction=Direction.RECEIVED,
                received_on__gte=experiment.starts_on,
                received_on__lte=experiment.ends_on,
            )
            .order_by("received_on")
            .values_list("received_on", flat=True)
        )
        assignment.withdrawn_on = today
        assignment.save(update_fields=["withdrawn_referral_days", "withdrawn_on"])
        ExperimentFeedback.objects.filter(
            partnership_id=contact.partnership_id, assignment=assignment
        ).delete()
    Contact.objects.filter(pk=contact.pk, owner_id=contact.owner_id).delete()
    circles_changed(contact.partnership_id)


@transaction.atomic
def add_service_record(
    *,
    contact: Contact,
    happened_on: dt.date,
    service: str,
    feedback: str = "",
    client_rating: int | None = None,
    actor=None,
) -> ServiceRecord:
    """One line of the contact's transaction history (seed 5.3: dates, services provided,
    feedback received), with the client's rating of an allied resource when there is one."""
    service = (service or "").strip()
    if not service:
        raise AdvocatesRefused("Say what service was provided.")
    service = bounded_text(
        service,
        max_length=200,
        too_long=lambda _: AdvocatesRefused("Keep the service under 200 characters."),
    )
    feedback = bounded_text(
        feedback,
        max_length=MAX_TEXT,
        too_long=lambda _: AdvocatesRefused(f"Keep the feedback under {MAX_TEXT:,} characters."),
    )
    if not isinstance(happened_on, dt.date):
        raise AdvocatesRefused("Give the date of the service.")
    if happened_on > contact.partnership.today():
        raise AdvocatesRefused("A transaction cannot be recorded in the future.")
    if client_rating is not None and not 1 <= client_rating <= 10:
        raise AdvocatesRefused("A client's rating is a whole number from 1 to 10.")
    # The contact's row orders two submits of the same form: the second returns the first's.
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    twin = just_made(
        ServiceRecord.objects.for_partnership(contact.partnership).filter(contact=contact),
        happened_on=happened_on,
        service=service,
        feedback=feedback,
        client_rating=client_rating,
    )
    if twin is not None:
        return twin
    return ServiceRecord.objects.create(
        partnership_id=contact.partnership_id,
        contact=contact,
        happened_on=happened_on,
        service=service,
        feedback=feedback,
        client_rating=client_rating,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def move_to_segment(*, contact: Contact, segment: str, reason: str = "", actor=None) -> Contact:
    """Move a contact to another segment; the history keeps every move."""
    if segment not in Segment.values:
        raise AdvocatesRefused("Choose one of the three segments.")
    reason = bounded_text(
        reason,
        max_length=300,
        too_long=lambda _: AdvocatesRefused("Keep the reason under 300 characters."),
    )
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.segment == segment:
        raise AdvocatesRefused(f"{contact.name} is already in {contact.get_segment_display()}.")
    previous = contact.segment
    contact.segment = segment
    contact.save(update_fields=["segment", "updated_at"])
    SegmentChange.objects.create(
        partnership_id=contact.partnership_id,
        contact=contact,
        from_segment=previous,
        to_segment=segment,
        reason=reason,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    circles_changed(contact.partnership_id)
    return contact


@transaction.atomic
def record_interaction(
    *,
    contact: Contact,
    kind: str,
    occurred_at=None,
    summary: str = "",
    message=None,
    touch=None,
    actor=None,
) -> Interaction:
    """Log one communication with a contact and recompute their score. An email sent through
    the portal (`message`) is logged once, however many callers log it."""
    if kind not in InteractionKind.values:
        raise AdvocatesRefused("Choose what kind of contact it was.")
    summary = bounded_text(
        summary,
        max_length=2000,
        too_long=lambda _: AdvocatesRefused("Keep the summary under 2,000 characters."),
    )
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now + dt.timedelta(minutes=5):
        raise AdvocatesRefused("An interaction cannot be logged in the future.")
    # Far from year 1, where a zone's offset makes a timestamp PostgreSQL keeps and Python
    # cannot read back (the contact's page would fail for good).
    if occurred_at < EARLIEST_MOMENT:
        raise AdvocatesRefused(f"Log an interaction from {EARLIEST_DATE.year} on.")
    if message is not None:
        logged = Interaction.objects.filter(
            partnership_id=contact.partnership_id, message=message
        ).first()
        if logged is not None:
            return logged
    elif touch is None:
        # Logged by hand: the contact's row orders two submits of the same form, and the second
        # returns the first's entry (the score counts one call, not two).
        Contact.objects.select_for_update().filter(pk=contact.pk).first()
        twin = just_made(
            Interaction.objects.for_partnership(contact.partnership).filter(contact=contact),
            kind=kind,
            occurred_at=occurred_at,
            summary=summary,
            message=None,
            touch=None,
        )
        if twin is not None:
            return twin
    interaction = Interaction.objects.create(
        partnership_id=contact.partnership_id,
        contact=contact,
        owner_id=contact.owner_id,
        kind=kind,
        occurred_at=occurred_at,
        summary=summary,
        message=message,
        touch=touch,
        logged_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    refresh_score(contact, now=now)
    return interaction
