"""The second tenant wall: PostgreSQL row-level security on every tenant table.

Two roles (docs/architecture.md, Tenancy):
- the owner (`DATABASE_OWNER_URL`, the `owner` alias) owns the tables: migrations, the demo seed
  and superusers' cross-tenant admin run as it. Owners and superusers are not held by the policies.
- the app role (`DATABASE_URL`, the `default` alias) that web, worker and beat use: it owns
  nothing, so every tenant table's policy holds it. A policy shows only the rows whose
  `partnership_id` is the session's `pinnacle.partnership` setting (`pinnacle.tenancy.tenant_scope`
  sets it); no setting, no rows, and a row of another partnership cannot be written.

The policies follow the models: after every `migrate` (post_migrate) each table of a model with a
`partnership` foreign key to Partnership gets row-level security and the policy if it lacks them,
so a new tenant model is walled without anyone remembering; so does a table of tenant data with no
`partnership_id` (a many-to-many table), through its parents' rows (`child_tables`).
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections, models
from psycopg import sql

POLICY = "pinnacle_partnership"
SETTING = "pinnacle.partnership"
# The session's partnership as a bigint; NULL (no rows) when unset or reset to ''.
CURRENT = f"NULLIF(current_setting('{SETTING}', true), '')::bigint"
APP_ROLE = "pinnacle_app"

log = logging.getLogger(__name__)


def tenant_models() -> list[type[models.Model]]:
    """Every concrete model whose `partnership` field is a foreign key to Partnership."""
    from pinnacle.models import Partnership

    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        field = next((f for f in meta.concrete_fields if f.name == "partnership"), None)
        if field is not None and field.related_model is Partnership:
            found.append(model)
    return found


def child_tables() -> dict[str, list[tuple[str, str, str]]]:
    """Tables of tenant data without a `partnership_id` (today one: a many-to-many table between
    two tenant models), as their foreign keys to tenant tables: (column, parent table, parent's
    key). Their rows are walled through their parents: each parent must be in the partnership."""
    tenant = set(tenant_models())
    found = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if model in tenant or meta.proxy or not meta.managed:
            continue
        parents = [
            (str(f.column), f.related_model._meta.db_table, str(f.related_model._meta.pk.column))
            for f in meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model in tenant
        ]
        if parents:
            found[meta.db_table] = parents
    return found


def policies() -> dict[str, sql.Composable]:
    """Every walled table and its policy's condition."""
    current = sql.SQL(CURRENT)
    found: dict[str, sql.Composable] = {
        model._meta.db_table: sql.SQL("partnership_id = {}").format(current)
        for model in tenant_models()
    }
    for table, parents in child_tables().items():
        found[table] = sql.SQL(" AND ").join(
            sql.SQL(
                "EXISTS (SELECT 1 FROM {parent} p WHERE p.{key} = {table}.{column} "
                "AND p.partnership_id = {current})"
            ).format(
                parent=sql.Identifier(parent),
                key=sql.Identifier(key),
                table=sql.Identifier(table),
                column=sql.Identifier(column),
                current=current,
            )
            for column, parent, key in parents
        )
    return found


def unwalled_tables(using: str = "default") -> list[str]:
    """Walled tables lacking row-level security or the policy."""
    tables = sorted(policies())
    with connections[using].cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            WHERE c.relname = ANY(%s) AND c.relrowsecurity
              AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s)
            """,
            [tables, POLICY],
        )
        walled = {row[0] for row in cursor.fetchall()}
    return [table for table in tables if table not in walled]


def apply_policies(using: str = "default") -> list[str]:
    """Give every tenant table row-level security and the partnership policy (idempotent: one
    catalog query when nothing is missing). Returns the tables it changed."""
    missing = unwalled_tables(using)
    if not missing:
        return []
    conditions = policies()
    with connections[using].cursor() as cursor:
        for table in missing:
            name = sql.Identifier(table)
            cursor.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(name))
            cursor.execute(
                sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(POLICY), name)
            )
            cursor.execute(
                sql.SQL("CREATE POLICY {} ON {} USING ({}) WITH CHECK ({})").format(
                    sql.Identifier(POLICY), name, conditions[table], conditions[table]
                )
            )
    return missing


# The functions behind the searches' index conditions: upper/lower (icontains, `email__lower`),
# LIKE (trigram indexes), full-text match and array containment (the directory). A policy is a
# security barrier: PostgreSQL uses a query's own condition as an index condition under it only
# when every function in it is LEAKPROOF, else the search reads every row of the partnership
# (bench/results/rls.md: 4 ms → 150 ms at 200,000 leads). None of these can reveal a row's value
# through an error (their errors depend on the pattern or the types, never on the data), so they
# are declared leakproof, which only a superuser may do; elsewhere a warning says the searches
# read without their indexes under the wall.
LEAKPROOF_FUNCTIONS = (
    "upper(text)",
    "lower(text)",
    "textlike(text, text)",
    "ts_match_vq(tsvector, tsquery)",
    "arraycontains(anyarray, anyarray)",
)


def leaky_search_functions(using: str = "default") -> list[str]:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT s.name FROM unnest(%s::text[]) AS s(name) "
            "WHERE NOT (SELECT proleakproof FROM pg_proc WHERE oid = s.name::regprocedure)",
            [list(LEAKPROOF_FUNCTIONS)],
        )
        return [row[0] for row in cursor.fetchall()]


def mark_search_functions_leakproof(using: str = "default") -> list[str]:
    """Declare LEAKPROOF_FUNCTIONS leakproof (idempotent). Returns those still not leakproof."""
    leaky = leaky_search_functions(using)
    if not leaky:
        return []
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            log.warning(
                "Not a superuser: %s stay not leakproof, so under row-level security the "
                "searches read without their indexes (docs/architecture.md, Tenancy)",
                ", ".join(leaky),
            )
            return leaky
        for function in leaky:
            cursor.execute(f"ALTER FUNCTION {function} LEAKPROOF")  # nosec B608: our constants
    return []


def on_post_migrate(sender, using: str = "default", **kwargs) -> None:
    apply_policies(using)
    mark_search_functions_leakproof(using)


def ensure_app_role(role: str = APP_ROLE, password: str | None = None, using: str = "default"):
    """Create the app role if missing (LOGIN; no superuser, no BYPASSRLS, owns nothing) and grant
    it the data, not the schema: SELECT/INSERT/UPDATE/DELETE on every table, the sequences, and
    the same on tables later migrations create (default privileges of the role running this,
    which must be the one that runs migrations). Idempotent; safe to run from several processes."""
    ident = sql.Identifier(role)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT current_user, current_database()")
        owner, database = cursor.fetchone()
        if owner == role:
            raise ValueError(f"{role} is the role running this: it cannot be its own app role")
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            try:
                cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(ident))
            except DatabaseError:  # another process made it first
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
                if cursor.fetchone() is None:
                    raise
        cursor.execute(
            "SELECT rolcanlogin AND NOT rolsuper AND NOT rolbypassrls FROM pg_roles "
            "WHERE rolname = %s",
            [role],
        )
        if not cursor.fetchone()[0]:
            cursor.execute(sql.SQL("ALTER ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS").format(ident))
        if password is not None:
            cursor.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(ident, sql.Literal(password or None))
            )
        statements = [
            "GRANT CONNECT ON DATABASE {db} TO {role}",
            "GRANT USAGE ON SCHEMA public TO {role}",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        ]
        for statement in statements:
            cursor.execute(sql.SQL(statement).format(db=sql.Identifier(database), role=ident))


def _same_role(alias: str, other: str) -> bool:
    mine, theirs = connections[alias].settings_dict, connections[other].settings_dict
    return all(mine.get(key) == theirs.get(key) for key in ("USER", "NAME", "HOST", "PORT"))


def owner_alias() -> str:
    """The alias whose connection is not held by the wall: `owner` when it is a role of its own,
    else `default` (one role for both: the wall is off, and one connection serves)."""
    return "default" if _same_role("default", "owner") else "owner"


def walled(using: str = "default") -> bool:
    """Whether the wall holds this alias's connection: it logs in as another role than the owner.
    With one role (DATABASE_OWNER_URL unset, as in the suite, which runs as a superuser) nothing
    holds it, and setting the partnership would only cost queries."""
    return not _same_role(using, "owner")


@checks.register(checks.Tags.database, deploy=True)
def check_two_roles(app_configs, **kwargs):
    """Production without the wall is allowed (one role, as before `app_role`), but never
    silently: the deployment check warns when the app connects as the tables' owner."""
    app, owner = settings.DATABASES["default"], settings.DATABASES["owner"]
    if (app.get("USER"), app.get("HOST"), app.get("NAME")) != (
        owner.get("USER"),
        owner.get("HOST"),
        owner.get("NAME"),
    ):
        return []
    return [
        checks.Warning(
            "DATABASE_OWNER_URL is not set apart from DATABASE_URL: web, worker and beat "
            "connect as the tables' owner, whom row-level security does not hold.",
            hint="Point DATABASE_OWNER_URL at the owner, run `manage.py app_role`, and set "
            "DATABASE_URL to the app role (docs/operations.md, Two database roles).",
            id="pinnacle.W001",
        )
    ]
