"""A member's directory profile: its fields and images, changed by the member or for them."""

from __future__ import annotations

import logging

from django.db import transaction

from members import images
from members.models import Member, User
from members.search import refresh_search_document
from pinnacle.public_pages import public_pages_changed
from pinnacle.tenancy import record_audit

log = logging.getLogger(__name__)

PROFILE_IMAGES = {"photo": "photo_thumbnail", "company_logo": "company_logo_thumbnail"}


def update_profile(
    *,
    member: Member,
    fields: dict,
    image_changes: dict[str, images.ProcessedImage | None],
    actor: User | None,
) -> Member:
    """Store a member's profile, new images with their thumbnails, and the directory's search
    document in one transaction, with an audit record of what changed. Files written for a
    failed save are removed; replaced files are removed once the save has committed."""
    stored_names = [*PROFILE_IMAGES, *PROFILE_IMAGES.values()]
    before = Member.objects.filter(pk=member.pk).values(*fields, *stored_names).get()
    for name, value in fields.items():
        setattr(member, name, value)
    storage = member.photo.storage
    written: list[str] = []
    try:
        with transaction.atomic():
            for field, thumb_field in PROFILE_IMAGES.items():
                if field not in image_changes:
                    setattr(member, field, before[field])
                    setattr(member, thumb_field, before[thumb_field])
                elif (processed := image_changes[field]) is None:
                    setattr(member, field, "")
                    setattr(member, thumb_field, "")
                else:
                    for name, content in (
                        (field, processed.image),
                        (thumb_field, processed.thumbnail),
                    ):
                        getattr(member, name).save(content.name, content, save=False)
                        written.append(getattr(member, name).name)
            member.save(update_fields=[*fields, *stored_names, "updated_at"])
            refresh_search_document([member.pk])
            public_pages_changed(member.partnership)
            changed = [name for name in fields if before[name] != fields[name]]
            record_audit(
                partnership=member.partnership,
                actor=actor,
                action="member.profile_updated",
                target=member,
                summary=f"{member.display_name} updated their profile",
                data={"fields": [*changed, *image_changes]},
            )
            current = {getattr(member, name).name for name in stored_names}
            replaced = [
                before[name]
                for name in stored_names
                if before[name] and before[name] not in current
            ]
            transaction.on_commit(lambda: _delete_files(storage, replaced))
    except Exception:
        _delete_files(storage, written)
        raise
    return member


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            log.warning("Could not delete replaced upload %s", name, exc_info=True)
