"""Seeding both partnerships step by step, the marker that makes a rerun free, and --fresh."""

from __future__ import annotations

import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from bench.seed.circle import seed_circle
from bench.seed.comarketing import seed_comarketing
from bench.seed.leads import seed_leads
from bench.seed.manifest import write_manifest
from bench.seed.outbox import seed_outbox
from bench.seed.outreach import seed_outreach
from bench.seed.people import BENCH_PASSWORD, seed_people
from bench.seed.postclose import seed_post_close
from bench.seed.sql import Tenant, Timer, counts_at, execute
from bench.seed.transactions import seed_transactions
from leads.models import Lead
from members.models import Member, User
from pinnacle.models import Partnership
from pinnacle.services import create_partnership

PARTNERSHIPS = [("bench-a", "Bench A Partners"), ("bench-b", "Bench B Partners")]
MANIFEST = Path(settings.BASE_DIR) / ".data" / "bench" / "manifest.json"
STEPS = [
    ("members", seed_people),
    ("leads, submissions, inquiries", seed_leads),
    ("outreach", seed_outreach),
    ("co-marketing connections", seed_comarketing),
    ("transactions, teams, timelines", seed_transactions),
    ("post-close", seed_post_close),
    ("inner circles and touch plans", seed_circle),
    ("outbox", seed_outbox),
]


def seed(*, scale: float, fresh: bool = False, manifest: Path = MANIFEST, out=sys.stdout) -> dict:
    """Seed both partnerships at `scale` (unless they are already seeded at it) and write the
    manifest; returns it. `fresh` first removes whatever the two partnerships hold."""
    counts = counts_at(scale)
    if fresh:
        drop_partnerships([slug for slug, _ in PARTNERSHIPS])
    existing = Partnership.objects.filter(slug__in=[slug for slug, _ in PARTNERSHIPS])
    if existing.exists():
        if not _seeded_at(counts):
            raise SystemExit(
                "The bench partnerships exist but were seeded at another scale (or a run was "
                "interrupted): run again with --fresh."
            )
        out.write("Already seeded at this scale; rewriting the manifest only.\n")
    else:
        _seed_all(counts, out)
    return write_manifest(scale=scale, counts=counts, path=manifest)


def _seed_all(counts: dict[str, int], out) -> None:
    now = timezone.now()
    password_hash = make_password(BENCH_PASSWORD)
    for number, (slug, name) in enumerate(PARTNERSHIPS):
        timer = Timer(out)
        out.write(f"Seeding {slug}:\n")
        with transaction.atomic():
            execute("SET LOCAL synchronous_commit = off")
            execute("SET LOCAL work_mem = '64MB'")
            partnership = create_partnership(
                partnership=Partnership(
                    name=name,
                    slug=slug,
                    website_url=f"https://{slug}.example.com",
                    timezone="America/Chicago",
                )
            )
            tenant = Tenant(partnership, number, counts, now, password_hash)
            for what, step in STEPS:
                rows = step(tenant)
                # The planner must know what the step wrote: the next steps join on it.
                execute("ANALYZE")
                timer.step(what, rows)
        out.write(f"  {slug} in {timer.total:.1f} s\n")


def _seeded_at(counts: dict[str, int]) -> bool:
    """The marker: each partnership has exactly the leads and members the scale makes."""
    for slug, _ in PARTNERSHIPS:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            return False
        leads = Lead.objects.for_partnership(partnership).count()
        members = Member.objects.for_partnership(partnership).count()
        if (leads, members) != (counts["leads"], counts["members"]):
            return False
    return True


def drop_partnerships(slugs: list[str]) -> None:
    """Delete the partnerships and every row they own, their members' users included, table by
    table (a cascade through the ORM would take longer than the seed). Foreign keys are not
    checked meanwhile (`session_replication_role`, a superuser's setting): every row that
    could point at a deleted one is itself deleted."""
    ids = list(Partnership.objects.filter(slug__in=slugs).values_list("pk", flat=True))
    if not ids:
        return
    users = list(
        Member.objects.filter(partnership_id__in=ids).values_list("user_id", flat=True).distinct()
    )
    tables = [
        model._meta.db_table
        for model in apps.get_models()
        if any(f.name == "partnership" and f.is_relation for f in model._meta.concrete_fields)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table in tables:
            cursor.execute(f'DELETE FROM "{table}" WHERE partnership_id = ANY(%s)', [ids])
        cursor.execute("DELETE FROM account_emailaddress WHERE user_id = ANY(%s)", [users])
        cursor.execute(f"DELETE FROM {User._meta.db_table} WHERE id = ANY(%s)", [users])
        cursor.execute(f"DELETE FROM {Partnership._meta.db_table} WHERE id = ANY(%s)", [ids])
