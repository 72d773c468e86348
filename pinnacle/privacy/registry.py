"""Where each app says which of its models hold a person's data, how its rows about one address are
found and how they are erased.

An app lists its `Provider`s in `<app>/privacy.py` (`PROVIDERS = [...]`, found like admin.py, in
INSTALLED_APPS order, so an app's providers can use the rows a lower app's found: a lead's
inquiries follow the leads found by address). A model with personal data that no provider covers is
named in an app's `EXCUSED = {"app.Model": "why"}`; `tests/privacy/test_privacy_registry.py`
fails on a model with an email, name or phone field in neither.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import import_module

from django.apps import apps
from django.db import models

from pinnacle.models import Partnership


class Erase(StrEnum):
    """What erasure writes over a field."""

    NAME = "name"  # "Erased"
    EMAIL = "email"  # erased-<model>-<id>@erased.invalid: unique per row, delivers nowhere
    BLANK = "blank"  # "" (a JSON field: {})
    FILE = "file"  # the stored file deleted, the field emptied
    NULL = "null"  # NULL (an IP address)


ERASED_NAME = "Erased"
ERASED_DOMAIN = "erased.invalid"  # RFC 2606: a domain that never resolves


@dataclass
class Search:
    """One request about one address in one partnership, and the rows found so far by model."""

    partnership: Partnership
    email: str
    found: dict[str, list[int]] = field(default_factory=dict)

    def rows(self, model: type[models.Model]) -> models.QuerySet:
        return model._default_manager.filter(partnership=self.partnership)

    def ids(self, label: str) -> list[int]:
        return self.found.get(label, [])


Finder = Callable[[Search, type[models.Model]], models.QuerySet]


@dataclass(frozen=True)
class Provider:
    """A model's rows about a person: `find` returns them (within the search's partnership);
    `fields` are the personal fields and how each is erased; `about` says what the rows are (the
    export's heading); `kept` why the rows stay after erasure (the policy's records need them)."""

    model: type[models.Model]
    find: Finder
    fields: Mapping[str, Erase]
    about: str
    kept: str = "The record of what happened stays, with nothing in it that names the person."
    # Extra work before the fields are overwritten (a suppression keeps the address's hash).
    before_erase: Callable[[models.QuerySet, Search], None] | None = None
    # Fields that look personal but name someone else (the member who sent a message).
    not_the_person: tuple[str, ...] = ()
    # Runs after every other provider: its rows point at any of theirs (an outbox message's
    # subject row).
    late: bool = False

    # Where its rows are kept in `Search.found`: the model's label, unless a model has two
    # providers (a referral names both the advocate who made it and the person referred).
    key: str = ""

    @property
    def label(self) -> str:
        return self.key or self.model._meta.label

    def rows(self, search: Search) -> models.QuerySet:
        return self.find(search, self.model)


# Models of the framework and of the core that hold no one's data as a person asking for it
# (the apps' own are in their privacy.py).
CORE_EXCUSED = {
    "pinnacle.Partnership": "The tenant itself; its reply-from address is the partnership's.",
    "account.EmailAddress": "A member's login address: members' accounts are not requests "
    "from the people the partnership holds data about.",
}

_loaded: tuple[list[Provider], dict[str, str]] | None = None


def _discover() -> tuple[list[Provider], dict[str, str]]:
    providers: list[Provider] = []
    excused: dict[str, str] = dict(CORE_EXCUSED)
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.privacy")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.privacy":
                raise
            continue
        providers.extend(getattr(module, "PROVIDERS", []))
        excused.update(getattr(module, "EXCUSED", {}))
    return sorted(providers, key=lambda provider: provider.late), excused


def providers() -> list[Provider]:
    global _loaded
    if _loaded is None:
        _loaded = _discover()
    return _loaded[0]


def excused() -> dict[str, str]:
    global _loaded
    if _loaded is None:
        _loaded = _discover()
    return _loaded[1]


def by_email(field_name: str = "email") -> Finder:
    """Rows whose `field_name` is the address (lower(email): what the email indexes are on)."""
    return lambda search, model: search.rows(model).filter(**{f"{field_name}__lower": search.email})


def linked(lookup: str, label: str) -> Finder:
    """Rows pointing at rows found before: `linked("lead_id", "leads.Lead")`."""
    return lambda search, model: search.rows(model).filter(**{f"{lookup}__in": search.ids(label)})


def either(*finders: Finder) -> Finder:
    """Rows any of `finders` finds."""

    def find(search: Search, model: type[models.Model]) -> models.QuerySet:
        condition = models.Q(pk__in=[])
        for finder in finders:
            condition |= models.Q(pk__in=finder(search, model).values("pk"))
        return search.rows(model).filter(condition)

    return find
