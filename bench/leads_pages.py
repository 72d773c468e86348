"""The leads and outreach pages at a grown partnership: time, queries and template share.

    DATABASE_URL=... SECRET_KEY=x .venv/bin/python bench/leads_pages.py [--repeat 30]

Run after `seed_demo` and `bench/grow_leads.py` in a database of your own. Times each page with
Django's test client (DEBUG off, the whole middleware) as a median of REPEAT requests, each next
to a request of a fixed view served through the same middleware (the reference: the machine's
noise touches both alike), and prints for each page: its median, as a multiple of the
reference's, its query count, and the share of its time spent rendering templates (the
outermost `Template.render` of the request, extension points' own `render_to_string` calls
included).
"""

import argparse
import os
import statistics
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pinnacle.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("ALLOWED_HOSTS", ".localhost,localhost,testserver")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template.backends.django import Template  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

from leads.models import Lead  # noqa: E402
from members.models import Member  # noqa: E402

# The reference: a fixed response through the full middleware, on the same URL conf.
REFERENCE = "/bench-fixed/"
bench_urls = types.ModuleType("bench_urls")
bench_urls.urlpatterns = [  # type: ignore[attr-defined]
    path(REFERENCE.strip("/") + "/", lambda request: HttpResponse("ok")),
    path("", include("pinnacle.urls")),
]
sys.modules["bench_urls"] = bench_urls

_rendering = {"depth": 0, "seconds": 0.0}
_original_render = Template.render


def _timed_render(self, context=None, request=None):
    _rendering["depth"] += 1
    started = time.perf_counter()
    try:
        return _original_render(self, context, request)
    finally:
        _rendering["depth"] -= 1
        if _rendering["depth"] == 0:
            _rendering["seconds"] += time.perf_counter() - started


Template.render = _timed_render  # type: ignore[method-assign]


def client(member: Member) -> Client:
    c = Client(HTTP_HOST=member.partnership.host)
    c.force_login(member.user, backend="members.auth.PartnershipMemberBackend")
    return c


def timed(c: Client, url: str) -> tuple[float, float]:
    """Seconds for one request, and the share of it spent rendering templates."""
    _rendering["seconds"] = 0.0
    started = time.perf_counter()
    c.get(url, secure=True)
    spent = time.perf_counter() - started
    return spent, _rendering["seconds"] / spent


def measure(c: Client, url: str, reference: Client, repeat: int) -> tuple[float, float, int, float]:
    """Median seconds, median ratio to the reference (each request next to a reference request,
    so the machine's noise touches both alike), queries of one request, median template share."""
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    response = c.get(url, secure=True)  # warm: the counted request is a usual one
    assert response.status_code == 200, (url, response.status_code)
    with connection.execute_wrapper(count):
        c.get(url, secure=True)
    samples, references, shares = [], [], []
    for _ in range(repeat):
        references.append(timed(reference, REFERENCE)[0])
        spent, share = timed(c, url)
        samples.append(spent)
        shares.append(share)
    median = statistics.median(samples)
    return median, median / statistics.median(references), len(queries), statistics.median(shares)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--agent", default="agent@pinnacle.localhost")
    parser.add_argument("--leader", default="leader@pinnacle.localhost")
    parser.add_argument("--only", default="", help="only pages whose label contains this")
    args = parser.parse_args()
    agent = Member.objects.select_related("partnership", "user").get(user__email=args.agent)
    leader = Member.objects.select_related("partnership", "user").get(user__email=args.leader)
    partnership = agent.partnership
    total = Lead.objects.for_partnership(partnership).count()
    mine = Lead.objects.for_partnership(partnership).filter(referring_member=agent).count()
    own_lead = (
        Lead.objects.for_partnership(partnership)
        .filter(referring_member=agent, email__startswith="bench")
        .order_by("pk")
        .first()
    )
    phone = Lead.objects.for_partnership(partnership).exclude(phone="").order_by("pk").first().phone
    digits = "".join(ch for ch in phone if ch.isdigit())
    print(f"{partnership.name}: {total} leads, {mine} the agent's; phone search {digits}")
    as_agent, as_leader = client(agent), client(leader)
    pages = [
        ("/leads/ agent", as_agent, "/leads/"),
        ("/leads/ leadership", as_leader, "/leads/"),
        ("/leads/?mine=1 agent", as_agent, "/leads/?mine=1"),
        ("/leads/?q=smith", as_agent, "/leads/?q=smith"),
        ("/leads/?q=<phone digits>", as_agent, f"/leads/?q={digits}"),
        ("/leads/?q=nobody", as_agent, "/leads/?q=nobody"),
        ("/leads/?sort=name", as_agent, "/leads/?sort=name"),
        ("/leads/?sort=name&page=4000", as_agent, "/leads/?sort=name&page=4000"),
        ("/leads/?page=4000", as_agent, "/leads/?page=4000"),
        ("/leads/?mine=1&sort=name&page=60", as_agent, "/leads/?mine=1&sort=name&page=60"),
        ("lead page (agent's lead)", as_agent, f"/leads/{own_lead.pk}/"),
        ("lead page leadership", as_leader, f"/leads/{own_lead.pk}/"),
        ("/outreach/ agent", as_agent, "/outreach/"),
        ("/outreach/?page=40 agent", as_agent, "/outreach/?page=40"),
    ]
    print(f"{'page':<36}{'median':>9}{'x ref':>8}{'queries':>9}{'templates':>11}")
    with override_settings(ROOT_URLCONF="bench_urls"):
        for label, c, url in pages:
            if args.only and args.only not in label:
                continue
            median, ratio, queries, share = measure(c, url, as_agent, args.repeat)
            print(
                f"{label:<36}{median * 1000:>7.1f}ms{ratio:>7.1f}x{queries:>9}{share:>10.0%}",
                flush=True,
            )


if __name__ == "__main__":
    main()
