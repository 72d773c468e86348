"""`make backup` / `make restore` (pinnacle/backups.py): the demo, backed up and restored into a
new database, comes back with every row of every table and every file byte for byte."""

import contextlib
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from pinnacle.backups import postgres_bin


def _counts(name: str) -> dict[str, int]:
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=name,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
    ) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@contextlib.contextmanager
def _dropped_after(name: str):
    try:
        yield name
    finally:
        connection.close()
        settings = connection.settings_dict
        with psycopg.connect(
            dbname="postgres",
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            autocommit=True,
        ) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
def test_the_demo_restored_from_a_backup_has_every_row_and_every_file(
    transactional_db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _files(settings.PRIVATE_MEDIA_ROOT), "the demo uploads transaction documents"
    call_command("backup", backup_dir=tmp_path / "backups")
    (backup,) = (tmp_path / "backups").iterdir()
    assert {p.name for p in backup.iterdir()} == {
        "database.dump",
        "manifest.json",
        "media",
        "private",
    }

    with _dropped_after(connection.settings_dict["NAME"] + "_restored") as restored:
        call_command(
            "restore",
            str(backup),
            database=restored,
            media_root=tmp_path / "restored-media",
            private_root=tmp_path / "restored-private",
        )
        before = _counts(connection.settings_dict["NAME"])
        assert sum(before.values()) > 1000, "the demo fills the tables"
        assert _counts(restored) == before
        assert _files(tmp_path / "restored-media") == _files(settings.MEDIA_ROOT)
        assert _files(tmp_path / "restored-private") == _files(settings.PRIVATE_MEDIA_ROOT)

        # Restoring again over the tables is refused, saying how to go on.
        with pytest.raises(CommandError, match=r"already holds .* tables.*--force"):
            call_command("restore", str(backup), database=restored)


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path):
    backup = tmp_path / "pinnacle-20260101T000000Z"
    backup.mkdir()
    (backup / "database.dump").write_bytes(b"not a dump")
    (backup / "manifest.json").write_text('{"dump_sha256": "0", "files": {}}')
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(backup), database="never_created")


def test_pg_dump_of_the_servers_major_version_is_preferred():
    found = postgres_bin(150020)
    assert found is None or (found / "pg_dump").exists()
    if Path("/usr/lib/postgresql/15/bin/pg_dump").exists():
        assert found == Path("/usr/lib/postgresql/15/bin")
