"""Time the transactions and advocates pages of a grown partnership (bench/grow_lists.py).

    DATABASE_URL=... SECRET_KEY=x .venv/bin/python bench/measure_lists.py [REPEAT] [PATH-PART...]

Production settings (DEBUG off) through Django's test client, logged in as the member and as
leadership. For each page: the median time of REPEAT requests as a ratio of a fixed view's
(the trivial request through the same middleware, timed in the same run), the share of it spent
rendering templates, and its query count.
"""

import os
import statistics
import sys
import time
import types
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pinnacle.settings")
os.environ.setdefault("ALLOWED_HOSTS", "*")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template.backends.django import Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import path  # noqa: E402

from advocates.models import Contact  # noqa: E402
from members.models import Member  # noqa: E402
from transactions.models import TeamMember  # noqa: E402

REPEAT = int(sys.argv[1]) if len(sys.argv) > 1 else 30
HOST = os.environ.get("BENCH_HOST", "pinnacle.localhost")
MEMBER = os.environ.get("BENCH_MEMBER", "agent@pinnacle.localhost")
LEADER = os.environ.get("BENCH_LEADER", "leader@pinnacle.localhost")

rendering = {"depth": 0, "spent": 0.0}
_render = Template.render


def timed_render(self, context=None, request=None):
    rendering["depth"] += 1
    start = time.perf_counter()
    try:
        return _render(self, context, request)
    finally:
        rendering["depth"] -= 1
        if not rendering["depth"]:
            rendering["spent"] += time.perf_counter() - start


Template.render = timed_render


def fixed(request):
    """The reference: a fixed response through the full middleware."""
    return HttpResponse("ok")


# The project's URLs plus the reference view.
urls = types.ModuleType("bench_lists_urls")
urls.urlpatterns = [path("bench/fixed", fixed), *import_module(settings.ROOT_URLCONF).urlpatterns]
sys.modules[urls.__name__] = urls
settings.ROOT_URLCONF = urls.__name__


def client_for(email: str) -> Client:
    client = Client(HTTP_HOST=HOST, secure=True)
    member = Member.objects.select_related("user").get(user__email=email)
    client.force_login(member.user, backend="members.auth.PartnershipMemberBackend")
    return client


class Spent:
    """Time spent in the database and in template rendering during one request."""

    def __init__(self):
        self.database = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.database += time.perf_counter() - start
            self.queries += 1


def measure(client: Client, path: str) -> dict[str, float]:
    """Medians of REPEAT requests of `path`, each after one of the fixed view (the reference
    of the same moment: the machine is shared and noisy)."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    samples: dict[str, list[float]] = {"fixed": [], "page": [], "render": [], "db": []}
    queries = 0
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get("/bench/fixed")
        samples["fixed"].append(time.perf_counter() - start)
        rendering["spent"] = 0.0
        spent = Spent()
        with connection.execute_wrapper(spent):
            start = time.perf_counter()
            client.get(path)
            samples["page"].append(time.perf_counter() - start)
        samples["render"].append(rendering["spent"])
        samples["db"].append(spent.database)
        queries = spent.queries
    result = {name: statistics.median(values) for name, values in samples.items()}
    return {**result, "queries": queries}


def main() -> None:
    member = Member.objects.get(user__email=MEMBER)
    seat = TeamMember.objects.filter(member=member).order_by("-transaction_id").first()
    contact = Contact.objects.filter(owner=member).order_by("-strength").first()
    pages = [
        (MEMBER, "/healthz"),
        (MEMBER, "/transactions/"),
        (MEMBER, "/transactions/?page=20"),
        (MEMBER, "/transactions/?q=customer+1"),
        (MEMBER, "/transactions/?stage=closed"),
        (MEMBER, f"/transactions/{seat.transaction_id}/"),
        (LEADER, "/transactions/"),
        (LEADER, "/transactions/post-close/"),
        (LEADER, "/transactions/post-close/?open=1"),
        (MEMBER, "/advocates/"),
        (MEMBER, "/advocates/?q=contact+1"),
        (MEMBER, "/advocates/?segment=core_advocates&sort=name"),
        (MEMBER, f"/advocates/{contact.pk}/"),
        (MEMBER, "/advocates/allied/"),
        (MEMBER, "/advocates/plans/"),
        (MEMBER, "/advocates/touches/"),
        (MEMBER, "/advocates/referrals/"),
        (MEMBER, "/advocates/rewards/"),
        (MEMBER, "/advocates/satisfaction/"),
        (MEMBER, "/advocates/experiments/"),
        (LEADER, "/advocates/overview/"),
    ]
    only = sys.argv[2:]
    pages = [
        (who, page)
        for who, page in pages
        if not only or page == "/healthz" or any(part in page for part in only)
    ]
    clients = {email: client_for(email) for email in {MEMBER, LEADER}}
    results = [(who, page, measure(clients[who], page)) for who, page in pages]
    print(f"medians of {REPEAT} requests; x fixed: against a fixed view requested just before each")
    print(f"{'as':<8}{'page':<46}{'ms':>7}{'x fixed':>9}{'render':>8}{'db':>6}{'queries':>9}")
    for who, page, r in results:
        print(
            f"{who.split('@')[0]:<8}{page[:45]:<46}{r['page'] * 1000:>7.1f}"
            f"{r['page'] / r['fixed']:>8.1f}x{100 * r['render'] / r['page']:>7.0f}%"
            f"{100 * r['db'] / r['page']:>5.0f}%{r['queries']:>9}"
        )


if __name__ == "__main__":
    main()
