"""Migration operations more than one app needs.

pg_trgm (trigram indexes for substring searches) ships with PostgreSQL's contrib, which every
packaged server has, but the embedded server `make run` and `make test` start on a machine without
PostgreSQL (the pgserver wheel) does not. There the extension and its indexes are left out: the
searches give the same answers, read through the table instead of an index.
"""

import logging

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

log = logging.getLogger(__name__)


def _answers(schema_editor, sql: str) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone() is not None


def trigrams_installed(schema_editor) -> bool:
    return _answers(schema_editor, "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")


class KeepTrigramExtension(TrigramExtension):
    """pg_trgm, created when missing and never dropped going back: the leads' and the members'
    trigram indexes both need it, and undoing one app's index must not pull it from under the
    other's. Skipped where the server has no pg_trgm to install."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        available = "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"
        if _answers(schema_editor, available):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            log.warning("This PostgreSQL has no pg_trgm: searches will not use trigram indexes")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


class AddTrigramIndex(migrations.AddIndex):
    """A trigram index, where pg_trgm is installed (see the module's docstring)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if trigrams_installed(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if trigrams_installed(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
