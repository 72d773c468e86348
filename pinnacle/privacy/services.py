"""Export and erase everything a partnership holds about one email address (docs/privacy.md).

Both are the same for every caller (leadership's admin pages, `manage.py personal_data`): scoped
to one partnership (another partnership's rows about the same address are never read or
changed), and audited with who, when and the address's keyed hash, never the address.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from pinnacle.models import Partnership
from pinnacle.privacy.hashing import address_hash, normalise
from pinnacle.privacy.registry import (
    ERASED_DOMAIN,
    ERASED_NAME,
    Erase,
    Provider,
    Search,
    providers,
)
from pinnacle.privacy.scrub import scrub_address, scrub_names
from pinnacle.refusals import Refused
from pinnacle.tenancy import record_audit


class PrivacyRefused(Refused):
    """A request about a person's data that cannot be done as asked."""


def checked_address(email: str) -> str:
    address = normalise(email or "")
    try:
        validate_email(address)
    except ValidationError as invalid:
        raise PrivacyRefused(f"{email!r} is not an email address.") from invalid
    return address


def find_everything(*, partnership: Partnership, email: str) -> tuple[Search, list[Provider]]:
    """Every provider's rows about the address, in order (a later provider follows the rows an
    earlier one found): the ids by model label in `search.found`."""
    search = Search(partnership=partnership, email=checked_address(email))
    ordered = providers()
    for provider in ordered:
        search.found[provider.label] = list(
            provider.rows(search).order_by("pk").values_list("pk", flat=True)
        )
    return search, ordered


def _value(row: models.Model, field: models.Field):
    if isinstance(field, models.FileField):
        return getattr(row, field.attname).name or ""
    return getattr(row, field.attname)


def _rows(provider: Provider, search: Search) -> list[dict]:
    concrete = [f for f in provider.model._meta.concrete_fields if f.name != "partnership"]
    rows = search.rows(provider.model).filter(pk__in=search.ids(provider.label))
    return [{f.attname: _value(row, f) for f in concrete} for row in rows.order_by("pk")]


def _audit(*, partnership: Partnership, actor, search: Search, verb: str):
    hashed = address_hash(search.email)
    counts = {label: len(ids) for label, ids in search.found.items() if ids}
    record_audit(
        partnership=partnership,
        actor=actor,
        action=f"privacy.{verb}",
        summary=f"Personal data {verb} for address hash {hashed[:16]}",
        data={"address_hash": hashed, "rows": counts},
    )


def export_personal_data(*, partnership: Partnership, email: str, actor=None) -> dict:
    """Everything the partnership holds about the address, by model, as a JSON-ready dict
    (DjangoJSONEncoder for dates and decimals: `export_json`)."""
    search, ordered = find_everything(partnership=partnership, email=email)
    records = []
    for provider in ordered:
        if search.ids(provider.label):
            records.append(
                {
                    "model": provider.label,
                    "about": provider.about,
                    "personal_fields": sorted(provider.fields),
                    "rows": _rows(provider, search),
                }
            )
    _audit(
        partnership=partnership,
        actor=actor,
        search=search,
        verb="exported",
    )
    return {
        "partnership": partnership.slug,
        "email": search.email,
        "exported_at": timezone.now().isoformat(),
        "records": records,
    }


def export_json(data: dict) -> str:
    return DjangoJSONEncoder(indent=2, sort_keys=True, ensure_ascii=False).encode(data)


@dataclass(frozen=True)
class Erased:
    rows: int  # rows whose personal fields were overwritten
    files: int  # stored files deleted
    scrubbed: int  # other rows the address was cut out of


def _names(ordered: list[Provider], search: Search) -> list[str]:
    """The names the person goes by in the rows found (a lead's, a contact's ...)."""
    names: list[str] = []
    for provider in ordered:
        fields = [name for name, how in provider.fields.items() if how is Erase.NAME]
        if fields and (ids := search.ids(provider.label)):
            rows = search.rows(provider.model).filter(pk__in=ids)
            for values in rows.values_list(*fields):
                names.extend(value for value in values if value and value != ERASED_NAME)
    return names


def _overwrite(provider: Provider, search: Search) -> tuple[int, list]:
    ids = search.ids(provider.label)
    rows = search.rows(provider.model).filter(pk__in=ids)
    if not provider.fields:
        return 0, []
    if provider.before_erase is not None:
        provider.before_erase(rows, search)
    files: list[tuple] = []
    changes: dict[str, object] = {}
    tag = provider.model._meta.model_name
    for name, how in provider.fields.items():
        field = provider.model._meta.get_field(name)
        if how is Erase.NAME:
            changes[name] = models.Value(ERASED_NAME)
        elif how is Erase.EMAIL:
            changes[name] = Concat(
                models.Value(f"erased-{tag}-"),
                Cast("pk", models.CharField()),
                models.Value(f"@{ERASED_DOMAIN}"),
                output_field=models.CharField(),
            )
        elif how is Erase.FILE:
            for row in rows.exclude(**{name: ""}):
                stored = getattr(row, name)
                files.append((stored.storage, stored.name))
            changes[name] = models.Value("")
        elif how is Erase.NULL:
            changes[name] = None
        elif isinstance(field, models.JSONField):
            changes[name] = models.Value({}, output_field=models.JSONField())
        else:
            changes[name] = models.Value("")
    return rows.update(**changes), files


def erase_personal_data(*, partnership: Partnership, email: str, actor=None) -> Erased:
    """Erases the person: every provider's personal fields overwritten (rows kept where the
    partnership's records need them: attempts, opt-outs, transactions), their files deleted, the
    address cut out of every other text the partnership stores (outbox bodies, audit summaries),
    while their opt-outs and suppressions keep the address's keyed hash, so sending to it is still
    refused. One transaction: erased completely or not at all (files deleted at its end)."""
    with transaction.atomic():
        search, ordered = find_everything(partnership=partnership, email=email)
        # Cut the address out of free text first, while the rows still name it.
        scrubbed = scrub_address(partnership=partnership, email=search.email, search=search)
        names = _names(ordered, search)
        scrubbed += scrub_names(names=names, search=search, providers=ordered)
        rows, files = 0, list[tuple]()  # (storage, name) of each file to delete
        for provider in ordered:
            if search.ids(provider.label):
                changed, stored = _overwrite(provider, search)
                rows, files = rows + changed, files + stored
        _audit(
            partnership=partnership,
            actor=actor,
            search=search,
            verb="erased",
        )
        # A file is deleted only once the erasure is committed (a rollback keeps it).
        transaction.on_commit(lambda: _delete_files(files))
    return Erased(rows=rows, files=len(files), scrubbed=scrubbed)


def _delete_files(files: list) -> None:
    for storage, name in files:
        if storage.exists(name):
            storage.delete(name)
