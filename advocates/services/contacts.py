"""The inner circle itself: adding contacts, moving them between segments (with history).

Nothing here goes to the audit log: it would name a member's contacts to leadership, who see
the circle only in aggregate. The segment history is the contact's own trail."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from advocates.models import Contact, Interaction, InteractionKind, Segment, SegmentChange
from advocates.services import AdvocatesRefused
from advocates.services.score import refresh_score
from members.models import Member

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


def _check_linked_member(owner: Member, linked: Member | None) -> None:
    if linked is None:
        return
    if linked.partnership_id != owner.partnership_id:
        raise AdvocatesRefused("A linked member must belong to this partnership.")
    if linked.pk == owner.pk:
        raise AdvocatesRefused("You cannot add yourself to your own inner circle.")


@transaction.atomic
def create_contact(
    *,
    owner: Member,
    name: str,
    segment: str = Segment.ADVOCATES,
    linked_member: Member | None = None,
    actor=None,
    **fields,
) -> Contact:
    """Add a contact to the member's inner circle; the first segment starts its history.

    A contact belongs to one member; the same email (or the same partner member) is one contact
    per member, so a second add is refused with the reason."""
    name = (name or "").strip()
    if not name:
        raise AdvocatesRefused("A contact needs a name.")
    if segment not in Segment.values:
        raise AdvocatesRefused("Choose one of the three segments.")
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    _check_linked_member(owner, linked_member)
    email = (fields.pop("email", "") or "").strip().lower()
    contact = Contact(
        partnership_id=owner.partnership_id,
        owner=owner,
        name=name,
        email=email,
        segment=segment,
        linked_member=linked_member,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as exc:
        if linked_member is not None and _has_linked(owner, linked_member):
            raise AdvocatesRefused(
                f"{linked_member.display_name} is already in your inner circle."
            ) from exc
        raise AdvocatesRefused(f"{email} is already in your inner circle.") from exc
    SegmentChange.objects.create(
        partnership_id=owner.partnership_id,
        contact=contact,
        to_segment=segment,
        reason="Added to the inner circle",
        changed_by=contact.created_by,
    )
    return contact


def _has_linked(owner: Member, linked: Member) -> bool:
    return (
        Contact.objects.for_partnership(owner.partnership_id)
        .filter(owner=owner, linked_member=linked)
        .exists()
    )


@transaction.atomic
def move_to_segment(*, contact: Contact, segment: str, reason: str = "", actor=None) -> Contact:
    """Move a contact to another segment; the history keeps every move."""
    if segment not in Segment.values:
        raise AdvocatesRefused("Choose one of the three segments.")
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise AdvocatesRefused("Keep the reason under 300 characters.")
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
    summary = (summary or "").strip()
    if len(summary) > 2000:
        raise AdvocatesRefused("Keep the summary under 2,000 characters.")
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now + dt.timedelta(minutes=5):
        raise AdvocatesRefused("An interaction cannot be logged in the future.")
    if message is not None:
        logged = Interaction.objects.filter(
            partnership_id=contact.partnership_id, message=message
        ).first()
        if logged is not None:
            return logged
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
