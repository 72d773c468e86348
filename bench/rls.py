"""What the database wall costs: pages of a small seeded partnership, timed as the app role
(row-level security on) and as the owner (off), in one process, alternating; and the search
queries' plans under each role. Writes bench/results/rls.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pinnacle_rls \\
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python bench/rls.py

DATABASE_URL names the owner (a role that may create roles); the demo is seeded there (with
LEADS_PER_PARTNERSHIP more leads) and the app role `pinnacle_app` made, as `make run` does
(pinnacle/devservices.py). Not the full benchmark (bench/run.py): no server, no concurrency; the
Django test client through every middleware, so the wall's own queries (setting and resetting the
partnership) are in the figure.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUNDS = int(os.environ.get("RLS_ROUNDS", "30"))
LEADS_PER_PARTNERSHIP = 3000
RESULT = ROOT / "bench" / "results" / "rls.md"
AGENT = "agent@pinnacle.localhost"
LEADER = "leader@pinnacle.localhost"


def environment() -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "pinnacle.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + "x" * 50,
            "ALLOWED_HOSTS": ".localhost,localhost,127.0.0.1,testserver",
            "BASE_DOMAIN": "localhost",
            "SITE_SCHEME": "http",
            "SECURE_SSL_REDIRECT": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "STATIC_MANIFEST": "false",  # no collectstatic: the pages, not the files
        }
    )
    os.environ.pop("DATABASE_OWNER_URL", None)
    from pinnacle.devservices import database_roles

    database_roles()  # migrate and seed as the owner; DATABASE_URL becomes the app role's


def grow_leads() -> None:
    """LEADS_PER_PARTNERSHIP leads in each partnership (once), as tests/leads/factories.py grows
    them, so the lists and searches have rows to choose from."""
    from django.db import connections

    from leads.models import Lead

    table = Lead._meta.db_table
    with connections["owner"].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE email LIKE 'grown%%'")
        if cursor.fetchone()[0]:
            return
        cursor.execute("SELECT id FROM pinnacle_partnership")
        for (partnership,) in cursor.fetchall():
            cursor.execute(
                f"""
                INSERT INTO {table} (partnership_id, name, email, phone, need, timeframe,
                    channel, utm, created_at, last_submitted_at)
                SELECT %s, (ARRAY['Alex', 'Sam', 'Jordan', 'Casey'])[1 + n %% 4] || ' '
                    || (ARRAY['Smith', 'Jones', 'Brown', 'Garcia', 'Lee'])[1 + n %% 5] || ' ' || n,
                    'grown' || n || '.' || %s || '@example.com', '(' || (200 + n %% 800)
                    || ') 555-' || n, 'buy', '3m', 'website', '{{}}',
                    now() - n * interval '1 minute', now() - n * interval '1 minute'
                FROM generate_series(1, %s) AS n
                """,
                [partnership, partnership, LEADS_PER_PARTNERSHIP],
            )
        cursor.execute(f"ANALYZE {table}")


PAGES = {
    "agent": [
        "/directory/",
        "/directory/?q=an",
        "/dashboard/",
        "/leads/",
        "/leads/?q=Smith",
        "/leads/?q=555",
        "/outreach/",
        "/transactions/",
        "/advocates/",
        "/policy/",
    ],
    "leader": ["/leads/", "/admin/leads/lead/", "/admin/leads/lead/?q=Garcia"],
}


def clients():
    from django.conf import settings
    from django.test import Client

    from members.models import User
    from pinnacle.models import Partnership

    host = Partnership.objects.get(slug=settings.DEFAULT_PARTNERSHIP).host
    made = {}
    for who, email in (("agent", AGENT), ("leader", LEADER)):
        client = Client(HTTP_HOST=host)
        client.force_login(User.objects.get(email=email), "members.auth.PartnershipMemberBackend")
        made[who] = client
    return made


class Owner:
    """The owner's connection where the code looks for `default`: no wall, no setting."""

    def __enter__(self):
        from django.db import connections

        self.app = connections["default"]
        connections["default"] = connections["owner"]

    def __exit__(self, *exc):
        from django.db import connections

        connections["default"] = self.app


class App:
    def __enter__(self):
        pass

    def __exit__(self, *exc):
        pass


def measure() -> list[tuple[str, str, float, float]]:
    made = clients()
    rows = []
    for who, pages in PAGES.items():
        client = made[who]
        for page in pages:
            times: dict[str, list[float]] = {"on": [], "off": []}
            for round_ in range(ROUNDS + 3):
                for mode, scope in (("on", App), ("off", Owner)):
                    with scope():
                        started = time.perf_counter()
                        response = client.get(page)
                        elapsed = time.perf_counter() - started
                    assert response.status_code == 200, (page, mode, response.status_code)
                    if round_ >= 3:  # warm-up rounds left out
                        times[mode].append(elapsed)
            on, off = statistics.median(times["on"]), statistics.median(times["off"])
            rows.append((who, page, on * 1000, off * 1000))
            print(
                f"{who:7} {page:32} on {on * 1000:7.2f} ms  off {off * 1000:7.2f} ms  "
                f"x{on / off:.3f}",
                flush=True,
            )
    return rows


def search_plans() -> list[str]:
    """The lead and directory searches' queries, EXPLAINed as the app role within the
    partnership's scope and as the owner: do the plans keep their indexes?"""
    from django.conf import settings
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from pinnacle.models import Partnership
    from pinnacle.tenancy import tenant_scope

    made = clients()
    partnership = Partnership.objects.get(slug=settings.DEFAULT_PARTNERSHIP)
    lines = []
    for who, page in (
        ("agent", "/leads/?q=Smith"),
        ("agent", "/leads/?q=555"),
        ("agent", "/directory/?q=an"),
        ("leader", "/admin/leads/lead/?q=Garcia"),
    ):
        with CaptureQueriesContext(connections["default"]) as captured:
            made[who].get(page)
        searches = [
            q["sql"]
            for q in captured.captured_queries
            if re.search(r"LIKE|%%|similarity|word_similarity|<%", q["sql"])
            and 'pinnacle_partnership" WHERE' not in q["sql"]
        ]
        for sql in searches:
            lines.append(f"### {page} ({who})\n")
            lines.append("```sql\n" + sql[:600] + ("…" if len(sql) > 600 else "") + "\n```\n")
            # As planned at this size, then with sequential scans off: could the search's own
            # condition be an index condition at all (a size where the index pays)?
            for label, setting in (("as planned", "on"), ("enable_seqscan off", "off")):
                plans = {}
                for role, alias in (("app (wall on)", "default"), ("owner (wall off)", "owner")):
                    with connections[alias].cursor() as cursor:
                        cursor.execute(f"SET enable_seqscan = {setting}")
                        if alias == "default":
                            with tenant_scope(partnership):
                                cursor.execute("EXPLAIN " + sql)
                                plans[role] = [r[0] for r in cursor.fetchall()]
                        else:
                            cursor.execute("EXPLAIN " + sql)
                            plans[role] = [r[0] for r in cursor.fetchall()]
                        cursor.execute("RESET enable_seqscan")
                app_reads = _reads(plans["app (wall on)"])
                owner_reads = _reads(plans["owner (wall off)"])
                same = "the same" if app_reads == owner_reads else "DIFFERENT"
                lines.append(f"{label}: tables read through {same} indexes/scans")
                lines.append(f"- app: {', '.join(app_reads)}")
                lines.append(f"- owner: {', '.join(owner_reads)}\n")
                if app_reads != owner_reads:
                    for role, plan in plans.items():
                        lines.append(f"{role}:\n```\n" + "\n".join(plan) + "\n```\n")
    return lines


BIG = 200_000
SEARCH = "SELECT count(*) FROM leads_lead WHERE partnership_id = %s AND upper(name::text) LIKE %s"


def big_search() -> list[str]:
    """The lead search's trigram condition at the full benchmark's size (BIG more leads, in a
    transaction rolled back): timed as the owner, as the app role with the search functions
    leakproof (pinnacle/rls.py), and as the app role without (what a non-superuser owner gets)."""
    from django.conf import settings
    from django.db import connections

    from pinnacle.models import Partnership
    from pinnacle.rls import APP_ROLE, LEAKPROOF_FUNCTIONS, SETTING

    pk = Partnership.objects.get(slug=settings.DEFAULT_PARTNERSHIP).pk
    args = [pk, "%GARCIA 1234%"]
    lines = []
    owner = connections["owner"]
    with owner.cursor() as cursor:
        cursor.execute("BEGIN")
        try:
            cursor.execute(
                """INSERT INTO leads_lead (partnership_id, name, email, phone, need, timeframe,
                    channel, utm, created_at, last_submitted_at)
                SELECT %s, (ARRAY['Alex', 'Sam', 'Jordan', 'Casey'])[1 + n %% 4] || ' '
                    || (ARRAY['Smith', 'Jones', 'Brown', 'Garcia', 'Lee'])[1 + n %% 5] || ' '
                    || n, 'big' || n || '@example.com', '(' || (200 + n %% 800) || ') 555-' || n,
                    'buy', '3m', 'website', '{}', now(), now()
                FROM generate_series(1, %s) AS n""",
                [pk, BIG],
            )
            cursor.execute("ANALYZE leads_lead")
            for label, as_app, leakproof in (
                ("owner (wall off)", False, True),
                ("app role, search functions leakproof", True, True),
                ("app role, search functions not leakproof", True, False),
            ):
                if not leakproof:
                    for function in LEAKPROOF_FUNCTIONS:
                        cursor.execute(f"ALTER FUNCTION {function} NOT LEAKPROOF")
                if as_app:
                    cursor.execute(f"SET ROLE {APP_ROLE}")
                    cursor.execute("SELECT set_config(%s, %s, false)", [SETTING, str(pk)])
                cursor.execute("EXPLAIN " + SEARCH, args)
                plan = [row[0] for row in cursor.fetchall()]
                times = []
                for _ in range(7):
                    started = time.perf_counter()
                    cursor.execute(SEARCH, args)
                    cursor.fetchone()
                    times.append(time.perf_counter() - started)
                cursor.execute("RESET ROLE")
                cursor.execute("SELECT set_config(%s, '', false)", [SETTING])
                ms = statistics.median(times) * 1000
                lines.append(f"- {label}: {ms:.1f} ms, {', '.join(_reads(plan))}")
        finally:
            cursor.execute("ROLLBACK")
    return lines


def _reads(plan: list[str]) -> list[str]:
    """How the plan reads each table: the scans with their index, in order."""
    found = re.findall(
        r"((?:Bitmap )?(?:Index Only |Index |Seq |Bitmap Heap )Scan[^(]*)", "\n".join(plan)
    )
    return [" ".join(f.split()) for f in found]


def main() -> None:
    environment()
    import django

    django.setup()
    from django.db import connections

    from pinnacle.rls import walled

    assert walled("default"), "the app role's connection must be held by the wall"
    grow_leads()
    rows = measure()
    on = sum(r[2] for r in rows)
    off = sum(r[3] for r in rows)
    plans = search_plans()
    big = big_search()
    print("\n".join(big))
    with connections["owner"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM leads_lead")
        leads = cursor.fetchone()[0]
    out = [
        "# The database wall's cost (bench/rls.py)\n",
        f"Demo seed plus {LEADS_PER_PARTNERSHIP} leads per partnership ({leads} leads in all); "
        f"each page {ROUNDS} times per mode after 3 warm-up rounds, the modes alternating; "
        "median per page. *on*: the app role, row-level security and the partnership setting "
        "(set and reset around the request); *off*: the owner's connection, no setting. "
        "Django's test client in one process (every middleware, no HTTP server).\n",
        "| who | page | on (ms) | off (ms) | on / off |",
        "|---|---|---:|---:|---:|",
        *(f"| {w} | `{p}` | {a:.2f} | {b:.2f} | {a / b:.3f} |" for w, p, a, b in rows),
        f"| | **sum** | **{on:.1f}** | **{off:.1f}** | **{on / off:.3f}** |\n",
        f"## The lead search at {BIG:,} more leads (rolled back)\n",
        f"`{SEARCH}` with `%GARCIA 1234%`, median of 7:\n",
        *big,
        "",
        "## Search plans as the app role and as the owner (at the seed's size)\n",
        *plans,
    ]
    RESULT.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"sum on {on:.1f} ms, off {off:.1f} ms: x{on / off:.3f}; written to {RESULT}")


if __name__ == "__main__":
    main()
