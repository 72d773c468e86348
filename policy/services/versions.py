"""The policy's versions: version 1 from the partnership's first moment, the current one."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from pinnacle.models import Partnership
from policy import document
from policy.models import PolicyVersion


def start_partnership_policy(partnership: Partnership) -> None:
    """Version 1 of the engagement policy exists from the partnership's first moment, whoever
    creates it (admin, seed_demo, the shell): `create_partnership` runs this in its
    transaction."""
    ensure_policy(partnership)


def ensure_policy(partnership: Partnership) -> PolicyVersion:
    """Version 1 (the seed's policy with the partnership's numbers) when it has no version yet;
    its current version otherwise. Safe to call twice at once: the unique number decides."""
    existing = PolicyVersion.objects.for_partnership(partnership).order_by("-number").first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return PolicyVersion.objects.create(
                partnership=partnership,
                number=1,
                text=document.seed_policy_text(),
                settings=document.partnership_settings(partnership),
                effective_at=partnership.created_at or timezone.now(),
            )
    except IntegrityError:
        return PolicyVersion.objects.for_partnership(partnership).get(number=1)


def current_policy(partnership: Partnership) -> PolicyVersion:
    """The version members follow now: the highest number."""
    return ensure_policy(partnership)
