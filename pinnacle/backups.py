"""Backups of a whole installation and their restore (`make backup`, `make restore`;
docs/operations-backup.md).

A backup is one directory, `BACKUP_DIR/pinnacle-<UTC timestamp>/`:
- `database.dump`: `pg_dump --format=custom` of the database, taken as the owner role
  (`DATABASE_OWNER_URL`, else `DATABASE_URL`): every table, its rows, the row-level security
  policies; roles are the cluster's, not the database's, so they are not in it;
- `media/` and `private/`: copies of MEDIA_ROOT (uploaded images) and PRIVATE_MEDIA_ROOT
  (transaction documents, signed authorizations);
- `manifest.json`: when, which database and server version, the app role's name, and each
  file's size and SHA-256, which `restore` checks before it writes anything.

`restore` loads the dump into a database the operator names (created when missing, refused when
it holds tables unless forced), then makes again what a dump cannot carry: the app role and its
grants (`pinnacle.rls.ensure_app_role`, its password left as it is) and the search functions'
LEAKPROOF mark (set per database in pg_catalog, which no dump contains).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess  # nosec B404: pg_dump and pg_restore, fixed argv, no shell
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from psycopg import sql

from pinnacle.refusals import Refused
from pinnacle.rls import (
    ensure_app_role,
    mark_search_functions_leakproof,
    owner_alias,
)

DUMP = "database.dump"
MANIFEST = "manifest.json"
FILE_TREES = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}
RESTORE_ALIAS = "restore_target"


class BackupRefused(Refused):
    """A backup or restore that cannot be done, said so the operator knows what to change."""


def postgres_bin(server_version: int) -> Path | None:
    """The directory of pg_dump/pg_restore for a server of `server_version` (e.g. 150020):
    `PG_BIN_DIR` when set, else Debian's binaries of the same major version or the nearest newer
    one (an older pg_dump refuses a newer server), else the pgserver wheel's, else None (PATH)."""
    if configured := os.environ.get("PG_BIN_DIR"):
        return Path(configured)
    major = server_version // 10000
    found = []
    for candidate in Path("/usr/lib/postgresql").glob("*/bin"):
        if candidate.parent.name.isdigit() and (candidate / "pg_dump").exists():
            found.append((int(candidate.parent.name), candidate))
    usable = sorted((version, path) for version, path in found if version >= major)
    if usable:
        return usable[0][1]
    try:
        import pgserver
    except ImportError:
        return None
    return Path(pgserver.__file__).parent / "pginstall" / "bin"


def _tool(bin_dir: Path | None, name: str) -> str:
    if bin_dir is not None and (bin_dir / name).exists():
        return str(bin_dir / name)
    if found := shutil.which(name):
        return found
    raise BackupRefused(f"{name} not found: install PostgreSQL's client tools or set PG_BIN_DIR.")


def libpq_env(database: dict, name: str | None = None) -> dict[str, str]:
    """A Django database's settings as libpq's environment (no password on a command line)."""
    env = {**os.environ, "PGDATABASE": name or database["NAME"]}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if database.get(key):
            env[variable] = str(database[key])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> dict[str, dict]:
    if not root.is_dir():
        return {}
    return {
        str(path.relative_to(root)): {"bytes": path.stat().st_size, "sha256": _sha256(path)}
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _app_role() -> str | None:
    """The app role's name when it is a role of its own (DATABASE_OWNER_URL set), else None."""
    return None if owner_alias() == "default" else connections["default"].settings_dict["USER"]


def backup(*, backup_dir: Path, now: datetime | None = None) -> Path:
    """Writes one backup directory under `backup_dir` and returns it."""
    alias = owner_alias()
    database = connections[alias].settings_dict
    connection = connections[alias]
    connection.ensure_connection()
    server_version = connection.pg_version
    bin_dir = postgres_bin(server_version)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = backup_dir / f"pinnacle-{stamp}"
    if target.exists():
        raise BackupRefused(f"{target} exists already.")
    partial = backup_dir / f".partial-{stamp}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    dump = subprocess.run(  # nosec B603: fixed argv of PostgreSQL's own tool, no shell
        [_tool(bin_dir, "pg_dump"), "--format=custom", "--file", str(partial / DUMP)],
        env=libpq_env(database),
        capture_output=True,
        text=True,
    )
    if dump.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupRefused(f"pg_dump failed: {dump.stderr.strip()}")
    files = {}
    for folder, setting in FILE_TREES.items():
        root = Path(getattr(settings, setting))
        if root.is_dir():
            shutil.copytree(root, partial / folder)
        files[folder] = _files(partial / folder)
    manifest = {
        "created_at": stamp,
        "database": database["NAME"],
        "server_version": server_version,
        "app_role": _app_role(),
        "dump_sha256": _sha256(partial / DUMP),
        "files": files,
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    partial.rename(target)
    return target


@dataclass(frozen=True)
class Restored:
    database: str
    tables: int
    files: int
    app_role: str | None


def read_manifest(source: Path) -> dict:
    """The backup's manifest, after checking the dump and every file against it."""
    if not (source / MANIFEST).is_file() or not (source / DUMP).is_file():
        raise BackupRefused(f"{source} is not a backup (no {MANIFEST} and {DUMP} in it).")
    manifest = json.loads((source / MANIFEST).read_text())
    if _sha256(source / DUMP) != manifest["dump_sha256"]:
        raise BackupRefused(f"{source / DUMP} does not match its manifest: the backup is damaged.")
    for folder, expected in manifest["files"].items():
        if _files(source / folder) != expected:
            raise BackupRefused(f"{source / folder} does not match its manifest: damaged backup.")
    return manifest


def _owner_connection(name: str) -> psycopg.Connection:
    database = connections[owner_alias()].settings_dict
    return psycopg.connect(
        dbname=name,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        autocommit=True,
    )


def _prepare_target(name: str, *, force: bool, maintenance: str) -> None:
    with _owner_connection(maintenance) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return
    with _owner_connection(name) as target:
        tables = target.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
        ).fetchone()[0]
    if tables and not force:
        raise BackupRefused(
            f"Database {name} already holds {tables} tables: restore into a new database, or "
            "pass --force to replace what the backup contains (other tables are left)."
        )


def _after_restore(name: str, app_role: str | None) -> None:
    """What a dump cannot carry: the app role and its grants, the leakproof search functions.
    Run on a connection of its own to the restored database (an alias outside the settings).
    The row-level security policies are in the dump; a backup of an older release gets the
    ones its later tables need from `migrate`, run after the restore as after any upgrade."""
    owner = connections[owner_alias()]
    settings_dict = {**owner.settings_dict, "NAME": name, "OPTIONS": {}, "CONN_MAX_AGE": 0}
    connections[RESTORE_ALIAS] = type(owner)(settings_dict, alias=RESTORE_ALIAS)
    try:
        mark_search_functions_leakproof(using=RESTORE_ALIAS)
        if app_role:
            ensure_app_role(app_role, None, using=RESTORE_ALIAS)
    finally:
        connections[RESTORE_ALIAS].close()
        del connections[RESTORE_ALIAS]


def restore(
    *,
    source: Path,
    database: str,
    force: bool = False,
    media_root: Path | None = None,
    private_root: Path | None = None,
) -> Restored:
    """Loads a backup into `database` (on the owner's server) and its files into MEDIA_ROOT and
    PRIVATE_MEDIA_ROOT (or the roots given); files of the same name are replaced."""
    manifest = read_manifest(source)
    owner = connections[owner_alias()].settings_dict
    if database == owner["NAME"] and not force:
        raise BackupRefused(f"{database} is the database this portal runs on: pass --force.")
    _prepare_target(database, force=force, maintenance="postgres")
    bin_dir = postgres_bin(manifest["server_version"])
    command = [_tool(bin_dir, "pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
    if force:
        command += ["--clean", "--if-exists"]
    loaded = subprocess.run(  # nosec B603: fixed argv of PostgreSQL's own tool, no shell
        [*command, "--dbname", database, str(source / DUMP)],
        env=libpq_env(owner, database),
        capture_output=True,
        text=True,
    )
    if loaded.returncode != 0:
        raise BackupRefused(f"pg_restore failed: {loaded.stderr.strip()}")
    _after_restore(database, manifest["app_role"])
    roots = {"media": media_root or settings.MEDIA_ROOT, "private": private_root}
    roots["private"] = roots["private"] or settings.PRIVATE_MEDIA_ROOT
    for folder in FILE_TREES:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, Path(roots[folder]), dirs_exist_ok=True)
    with _owner_connection(database) as target:
        tables = target.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()[0]
    return Restored(
        database=database,
        tables=tables,
        files=sum(len(files) for files in manifest["files"].values()),
        app_role=manifest["app_role"],
    )
