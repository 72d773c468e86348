"""Cutting an erased address out of whatever text the partnership stores, wherever it was copied:
a notification's body, an audit summary, a webhook's event, a JSON field.

The providers overwrite the fields they know are personal; this pass catches the address in every
other text and JSON column of every tenant table (pinnacle.rls.tenant_models), one UPDATE per
table that touches only the partnership's rows that contain it, and in the admin's change log
entries about the rows found (a table without a partnership: only the entries of rows found in
this partnership are touched, so another partnership's same address is left as it is).
"""

from __future__ import annotations

import re

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from psycopg import sql

from pinnacle.models import Partnership
from pinnacle.privacy.registry import ERASED_NAME, Search
from pinnacle.rls import tenant_models

REPLACEMENT = "[erased]"


def text_columns(model: type[models.Model]) -> list[tuple[str, bool]]:
    """The model's text and JSON columns as (column, is_json)."""
    return [
        (str(f.column), isinstance(f, models.JSONField))
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def _like(email: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", email) + "%"


def _table_update(model: type[models.Model], columns: list[tuple[str, bool]]) -> sql.Composed:
    sets, tests = [], []
    for column, is_json in columns:
        ident = sql.Identifier(column)
        as_text = sql.SQL("{}::text").format(ident) if is_json else ident
        replaced = sql.SQL("regexp_replace({}, %(pattern)s, %(replacement)s, 'gi')").format(as_text)
        if is_json:
            replaced = sql.SQL("({})::jsonb").format(replaced)
        test = sql.SQL("{} ILIKE %(like)s").format(as_text)
        sets.append(
            sql.SQL("{} = CASE WHEN {} THEN {} ELSE {} END").format(ident, test, replaced, ident)
        )
        tests.append(test)
    return sql.SQL("UPDATE {} SET {} WHERE partnership_id = %(partnership)s AND ({})").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(sets), sql.SQL(" OR ").join(tests)
    )


def scrub_address(*, partnership: Partnership, email: str, search: Search) -> int:
    """Replaces the address with "[erased]" in every text and JSON column of the partnership's
    rows; returns how many rows changed."""
    params: dict[str, int | str] = {
        "partnership": partnership.pk,
        "like": _like(email),
        "pattern": re.escape(email),
        "replacement": REPLACEMENT,
    }
    changed = 0
    with connection.cursor() as cursor:
        for model in tenant_models():
            if columns := text_columns(model):
                cursor.execute(_table_update(model, columns), params)
                changed += cursor.rowcount
    return changed + _scrub_admin_log(search)


def scrub_names(*, names: list[str], search: Search, providers) -> int:
    """Replaces the person's names with "Erased" in the text of the rows found (a transaction's
    timeline says "emailed Grace Liu the link") and of the audit records about them; rows of
    anyone else with the same name (a member) are not touched."""
    names = sorted({n.strip() for n in names if len(n.strip()) >= 3}, key=len, reverse=True)
    if not names:
        return 0
    params = {"pattern": "|".join(re.escape(n) for n in names), "replacement": ERASED_NAME}
    changed = 0
    with connection.cursor() as cursor:
        for provider in providers:
            ids = search.ids(provider.label)
            if ids and (columns := text_columns(provider.model)):
                cursor.execute(_rows_update(provider.model, columns), {**params, "ids": ids})
                changed += cursor.rowcount
    audits = models.Q(pk__in=[])
    for label, ids in search.found.items():
        if ids:
            target = _model(label.split("#")[0])._meta.label_lower
            audits |= models.Q(target_type=target, target_id__in=ids)
    from pinnacle.models import AuditEvent

    for event in AuditEvent.objects.filter(audits, partnership=search.partnership):
        summary = re.sub(params["pattern"], ERASED_NAME, event.summary, flags=re.IGNORECASE)
        if summary != event.summary:
            AuditEvent.objects.filter(pk=event.pk).update(summary=summary)
            changed += 1
    return changed


def _rows_update(model: type[models.Model], columns: list[tuple[str, bool]]) -> sql.Composed:
    sets = []
    for column, is_json in columns:
        ident = sql.Identifier(column)
        as_text = sql.SQL("{}::text").format(ident) if is_json else ident
        replaced = sql.SQL("regexp_replace({}, %(pattern)s, %(replacement)s, 'gi')").format(as_text)
        sets.append(sql.SQL("{} = ({})" + ("::jsonb" if is_json else "")).format(ident, replaced))
    return sql.SQL("UPDATE {} SET {} WHERE id = ANY(%(ids)s)").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(sets)
    )


def _scrub_admin_log(search: Search) -> int:
    """The admin's change log names a row as its `str()` (a lead's is its name and address)."""
    condition = models.Q(pk__in=[])
    for label, ids in search.found.items():
        if ids:
            content_type = ContentType.objects.get_for_model(_model(label.split("#")[0]))
            condition |= models.Q(content_type=content_type, object_id__in=[str(i) for i in ids])
    return LogEntry.objects.filter(condition).update(
        object_repr=ERASED_NAME, change_message=models.Value("[]")
    )


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)
