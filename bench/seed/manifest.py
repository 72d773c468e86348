"""The manifest: what the seed made and where the benchmark finds it (hosts, logins, and the
concrete URL of every page it measures, as the bench agent and the bench leader see them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from advocates.models import Contact
from bench.seed.people import BENCH_AGENT_EMAIL, BENCH_LEADER_EMAIL, BENCH_PASSWORD
from bench.seed.sql import scalar
from bench.seed.words import SURNAMES
from leads.models import Lead
from members.models import Member
from pinnacle.mail.models import OutboxMessage
from pinnacle.models import Partnership
from transactions.models import Transaction

BIG_TABLES = [
    "members_member",
    "leads_lead",
    "leads_submission",
    "leads_inquiry",
    "outreach_attempt",
    "comarketing_connection",
    "leads_transaction",
    "leads_teammember",
    "leads_postclosestep",
    "advocates_contact",
    "advocates_touch",
    "advocates_interaction",
    "mail_outboxmessage",
]


def write_manifest(*, scale: float, counts: dict[str, int], path: Path) -> dict:
    partnerships = list(Partnership.objects.filter(slug__startswith="bench-").order_by("slug"))
    first = partnerships[0]
    agent = Member.objects.for_partnership(first).get(user__email=BENCH_AGENT_EMAIL)
    manifest = {
        "scale": scale,
        "written_at": timezone.now().isoformat(),
        "counts_per_partnership": counts,
        "rows": {p.slug: _rows(p) for p in partnerships},
        "database_bytes": scalar("SELECT pg_database_size(current_database())"),
        "password": BENCH_PASSWORD,
        "partnerships": [{"slug": p.slug, "name": p.name, "host": p.host} for p in partnerships],
        "logins": {
            "agent": {"email": BENCH_AGENT_EMAIL, "host": first.host},
            "leader": {"email": BENCH_LEADER_EMAIL, "host": first.host},
        },
        "pages": {
            "anonymous": {
                "directory": reverse("directory"),
                "profile": agent.get_absolute_url(),
                "join": reverse("join"),
            },
            "agent": _agent_pages(first, agent),
            "leader": {
                "compliance": reverse("response_compliance"),
                "post_close_board": reverse("post_close_board"),
            },
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _rows(partnership: Partnership) -> dict[str, int]:
    return {
        table: scalar(
            f"SELECT count(*) FROM {table} WHERE partnership_id = %(p)s", {"p": partnership.pk}
        )
        for table in BIG_TABLES
    }


def _agent_pages(partnership: Partnership, agent: Member) -> dict[str, str]:
    surname = _surname(partnership)
    return {
        "directory": reverse("directory"),
        "profile": agent.get_absolute_url(),
        "join": reverse("join"),
        "leads": reverse("lead_list"),
        "leads_search_name": f"{reverse('lead_list')}?q={surname}",
        "leads_search_phone": f"{reverse('lead_list')}?q={_phone_digits(partnership, agent)}",
        "leads_sort_name": f"{reverse('lead_list')}?sort=name",
        "lead": reverse("lead_detail", args=[_busiest_lead(partnership, agent)]),
        "dashboard": reverse("dashboard"),
        "outreach": reverse("my_outreach"),
        "comarketing": reverse("comarketing"),
        "transactions": reverse("transaction_list"),
        "transaction": reverse("transaction_detail", args=[_team_transaction(partnership, agent)]),
        "advocates": reverse("advocates"),
        "contact": reverse("advocates_contact", args=[_busiest_contact(partnership, agent)]),
        "policy": reverse("policy"),
    }


def _surname(partnership: Partnership) -> str:
    """The surname whose share of the partnership's leads is closest to 1 %."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT split_part(name, ' ', 2), count(*)::float / sum(count(*)) OVER () "
            f"FROM {Lead._meta.db_table} WHERE partnership_id = %s GROUP BY 1",
            [partnership.pk],
        )
        shares = {name: share for name, share in cursor.fetchall() if name in SURNAMES}
    return min(sorted(shares), key=lambda name: abs(shares[name] - 0.01))


def _phone_digits(partnership: Partnership, agent: Member) -> str:
    """Seven digits of one of the agent's leads' phone numbers, typed without punctuation."""
    phone = (
        Lead.objects.for_partnership(partnership)
        .filter(referring_member=agent)
        .exclude(phone="")
        .order_by("pk")
        .values_list("phone", flat=True)
        .first()
    )
    return re.sub(r"\D", "", phone or "5550100")[-7:]


def _busiest_lead(partnership: Partnership, agent: Member) -> int:
    """The agent's lead with the longest timeline (its emails and attempts)."""
    mine = Lead.objects.for_partnership(partnership).filter(referring_member=agent)
    emails = (
        OutboxMessage.objects.for_partnership(partnership)
        .filter(object_id__in=mine.values("pk"), content_type__model="lead")
        .values("object_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "object_id")
        .first()
    )
    return emails["object_id"] if emails else mine.order_by("pk").values_list("pk", flat=True)[0]


def _team_transaction(partnership: Partnership, agent: Member) -> int:
    """A closed transaction the agent sits on, with the most on its timeline."""
    found = (
        Transaction.objects.for_partnership(partnership)
        .filter(team__member=agent)
        .annotate(events_count=Count("events"), is_closed=Count("pk", filter=Q(stage="closed")))
        .order_by("-is_closed", "-events_count", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    assert found is not None, "the bench agent sits on a team"
    return found


def _busiest_contact(partnership: Partnership, agent: Member) -> int:
    return (
        Contact.objects.for_partnership(partnership)
        .filter(owner=agent)
        .annotate(touches_count=Count("touches"))
        .order_by("-touches_count", "pk")
        .values_list("pk", flat=True)[0]
    )
