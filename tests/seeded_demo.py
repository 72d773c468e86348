"""The demo seeded once per test run, then copied into each test that asks for it.

Seeding the whole demo takes seconds (members with drawn images, leads, transactions, plans);
the tests that read it share one seeding. It runs inside a transaction that is rolled back, so
nothing of it is left for the tests that expect an empty database; what it wrote is kept as
PostgreSQL COPY text per table and its media files in a directory. A test gets it back inside
its own transaction (rolled back after it, as any test's rows are). Foreign keys are deferred
(Django creates them DEFERRABLE INITIALLY DEFERRED), so tables load in any order.
"""

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

# Rows point at content types by id, and a transactional test (a browser journey) flushes the
# database and makes them anew with other ids: the snapshot brings back its own, and the
# permissions that point at them.
ALWAYS_RESTORED = ("django_content_type", "auth_permission")


@dataclass(frozen=True)
class DemoSnapshot:
    output: str  # what `seed_demo` printed on its first run
    tables: dict[str, tuple[str, bytes]]  # table -> (quoted column list, COPY text of its rows)
    media: Path
    private_media: Path  # the transaction documents, served only to their committee

    def restore(self, *, media_root: Path, private_media_root: Path) -> str:
        """Puts the seeded rows in the database, the drawn files in `media_root` and the
        private documents in `private_media_root`; returns what the first `seed_demo` printed."""
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for table, (columns, rows) in self.tables.items():
                # Rows a migration put there (and the demo changed) are replaced, not doubled.
                raw.execute(f'DELETE FROM "{table}"')
                with raw.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                    copy.write(rows)
        ContentType.objects.clear_cache()
        shutil.copytree(self.media, media_root, dirs_exist_ok=True)
        shutil.copytree(self.private_media, private_media_root, dirs_exist_ok=True)
        return self.output


def _tables() -> dict[str, str]:
    """Every table of the schema with its writable (not generated) columns, quoted."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attgenerated = ''
            GROUP BY c.relname
            """
        )
        return dict(cursor.fetchall())


def _rows(table: str, columns: str) -> bytes:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{table}" ({columns}) TO STDOUT') as copy,
    ):
        return b"".join(bytes(block) for block in copy)


def seed_snapshot(*, media: Path, private_media: Path) -> DemoSnapshot:
    """Seeds the demo in a transaction it rolls back and returns what the seeding wrote: the
    tables it changed (in full) and its files (under `media` and `private_media`)."""
    tables = _tables()
    with transaction.atomic():
        before = {table: _rows(table, columns) for table, columns in tables.items()}
        out = io.StringIO()
        # The suite's fast password hasher, as the tests that seed by themselves use.
        with override_settings(
            MEDIA_ROOT=media,
            PRIVATE_MEDIA_ROOT=private_media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            call_command("seed_demo", stdout=out)
        changed = {}
        for table, columns in tables.items():
            rows = _rows(table, columns)
            if rows != before[table] or table in ALWAYS_RESTORED:
                changed[table] = (columns, rows)
        transaction.set_rollback(True)
    return DemoSnapshot(
        output=out.getvalue(), tables=changed, media=media, private_media=private_media
    )
