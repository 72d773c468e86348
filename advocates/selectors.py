"""Reads of a member's inner circle. Every contact is reached through its owner: another
member's contact, like another partnership's, is the same 404 as a missing one."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from advocates.models import CircleSettings, Contact
from members.models import Member


def contacts_of(member: Member) -> QuerySet[Contact]:
    """The member's own inner circle (leadership's too: their own circle, nobody else's)."""
    return Contact.objects.for_partnership(member.partnership_id).filter(owner=member)


def contact_for(member: Member, pk, *, for_update: bool = False) -> Contact:
    """One contact of the member's circle, or 404."""
    rows = contacts_of(member)
    if for_update:
        rows = rows.select_for_update()
    try:
        return rows.get(pk=pk)
    except (Contact.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such contact.") from exc


def circle_settings(member: Member) -> CircleSettings:
    """The member's settings as stored, or the defaults (unsaved) when they never changed any."""
    found = CircleSettings.objects.for_partnership(member.partnership_id).filter(member=member)
    return found.first() or CircleSettings(partnership_id=member.partnership_id, member=member)
