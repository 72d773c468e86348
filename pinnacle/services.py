"""Creating a partnership, with everything it has from its first moment.

Apps built on `pinnacle` set a new partnership up (the policy's version 1, the appreciation
plans) by registering a set-up from their AppConfig.ready(); `create_partnership` runs each one
in the transaction that creates the row, so a partnership never exists without them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from pinnacle.models import Partnership

PartnershipSetUp = Callable[[Partnership], object]

# By name, in registration order: ready() can run twice (tests, autoreload).
_set_ups: dict[str, PartnershipSetUp] = {}


def register_partnership_set_up(name: str, set_up: PartnershipSetUp) -> None:
    """Adds what every new partnership gets; `set_up(partnership)` runs inside its creation."""
    _set_ups[name] = set_up


@transaction.atomic
def create_partnership(*, partnership: Partnership) -> Partnership:
    """Saves a new partnership (built by its caller: the admin's form, the demo seed, a test
    factory) and runs every registered set-up on it, all or nothing."""
    partnership.save(force_insert=True)
    for set_up in _set_ups.values():
        set_up(partnership)
    return partnership
