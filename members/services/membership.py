"""A membership kept in step: the directory search, the admin access and the audit after a
leadership edit, and each member's own address in the directory (their slug)."""

from __future__ import annotations

from django.utils.text import slugify

from members.models import Member, User
from members.search import refresh_search_document
from pinnacle.models import Partnership
from pinnacle.public_pages import public_pages_changed
from pinnacle.tenancy import record_audit


def member_changed_by_leadership(
    *, member: Member, actor: User | None, changed_fields: list[str], created: bool = False
) -> None:
    """After an admin edit: keep the directory search, the admin access and the audit in step."""
    refresh_search_document([member.pk])
    public_pages_changed(member.partnership)
    sync_staff_flag(member.user)
    record_audit(
        partnership=member.partnership,
        actor=actor,
        action="member.created_in_admin" if created else "member.changed_in_admin",
        target=member,
        summary=f"{member.display_name}: " + (", ".join(changed_fields) or "no changes"),
        data={"fields": changed_fields},
    )


def account_changed(user: User) -> None:
    """A person's account changed (their address, on the public profile of each of their
    memberships): every partnership they belong to shows its public pages afresh."""
    for partnership in Partnership.objects.filter(pk__in=user.memberships.values("partnership")):
        public_pages_changed(partnership)


def sync_staff_flag(user: User) -> None:
    """Leadership anywhere may use the admin (scoped to their partnership); others may not."""
    is_leadership = user.memberships.filter(role=Member.Role.LEADERSHIP, is_active=True).exists()
    should_be_staff = user.is_superuser or is_leadership
    if user.is_staff != should_be_staff:
        user.is_staff = should_be_staff
        user.save(update_fields=["is_staff"])


def unique_member_slug(partnership: Partnership, display_name: str) -> str:
    """The slugified name, or the name with the first free numeric suffix (jane-doe-2)."""
    base = slugify(display_name)[:70].strip("-") or "member"
    taken = set(
        Member.objects.for_partnership(partnership)
        .filter(slug__startswith=base)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug
