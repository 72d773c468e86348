"""The anonymous pages (directory, its search and filters, a profile, /join/) at 2,000 members,
as ratios to a trivial view through the same middleware.

    DATABASE_URL=... REDIS_URL=... SECRET_KEY=x .venv/bin/python bench/anon_pages.py

Builds two throwaway partnerships of 2,000 listed members each (200 companies, 40 service areas)
inside a transaction that is rolled back, then times each page with Django's test client: the
median of REPEAT requests, first with the page caches emptied before every request ("cold": the
uncached path), then warm. For each page it prints the ratio of its time to the trivial view's,
the share of the time spent rendering templates, and its query count. The trivial view answers
a fixed text through the full middleware stack (tenancy included).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pinnacle.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template.backends.django import Template  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402

from members.models import Company, Member, User  # noqa: E402
from members.search import refresh_search_document  # noqa: E402
from pinnacle.models import Partnership  # noqa: E402
from pinnacle.services import create_partnership  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "2000"))
FIRST = ["Ann", "Bob", "Carla", "Dev", "Elena", "Farid", "Gina", "Hugo", "Ines", "Jon", "Kira"]
LAST = ["Smith", "Lakeview", "Mendez", "Okafor", "Nguyen", "Brooks", "Travis", "Walsh", "Kim"]
AREAS = [f"Area {n}" for n in range(40)]


def trivial(request):
    return HttpResponse("ok")


TRIVIAL = "/bench/trivial/"
urlpatterns = [path(TRIVIAL.strip("/") + "/", trivial), path("", include("pinnacle.urls"))]


class Rollback(Exception):
    pass


def build(slug: str) -> tuple[Partnership, str]:
    partnership = create_partnership(
        partnership=Partnership(
            name=f"Bench {slug}", slug=slug, website_url="https://bench.example.com"
        )
    )
    companies = Company.objects.bulk_create(
        Company(partnership=partnership, name=f"{slug} Realty {n}") for n in range(200)
    )
    users = User.objects.bulk_create(
        User(email=f"{slug}-{n}@bench.example.com", password="!") for n in range(MEMBERS)
    )
    kinds = Member.Kind.values
    categories = Member.ServiceCategory.values
    members = Member.objects.bulk_create(
        Member(
            partnership=partnership,
            user=user,
            slug=f"m-{n}",
            display_name=f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]} {n}",
            job_title="Broker associate",
            kind=kinds[n % len(kinds)],
            service_category=categories[n % len(categories)],
            company=companies[n % len(companies)],
            specialization="first-time buyers and relocation",
            bio="Twenty years of helping families move. " * 5,
            cell_phone="(512) 555-0147",
            city="Austin",
            state="TX",
            service_areas=[AREAS[n % 40], AREAS[(n * 7) % 40]],
            languages=["English"],
        )
        for n, user in enumerate(users)
    )
    refresh_search_document(m.pk for m in members)
    with connection.cursor() as cursor:  # the planner sees the tenant's real size
        for model in (Company, User, Member):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return partnership, members[MEMBERS // 2].slug


class RenderClock:
    """Time spent in the outermost template render of each request."""

    def __init__(self):
        self.total = 0.0
        self.depth = 0
        self.original = Template.render

    def __enter__(self):
        clock = self

        def render(template, context=None, request=None):
            clock.depth += 1
            start = time.perf_counter()
            try:
                return clock.original(template, context, request)
            finally:
                clock.depth -= 1
                if clock.depth == 0:
                    clock.total += time.perf_counter() - start

        Template.render = render
        return self

    def __exit__(self, *exc):
        Template.render = self.original


def measure(client: Client, url: str) -> tuple[float, float, float, int]:
    """Medians of the page's and the trivial view's seconds (requested in turn, so both see the
    same moment of a noisy machine), of the page's seconds in templates, and its query count."""
    client.get(url)
    client.get(TRIVIAL)
    samples, references, rendering = [], [], []
    queries = 0
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(TRIVIAL)
        references.append(time.perf_counter() - start)
        with RenderClock() as clock, CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        rendering.append(clock.total)
        queries = len(captured)
    return (
        statistics.median(samples),
        statistics.median(references),
        statistics.median(rendering),
        queries,
    )


def visitors(partnership: Partnership) -> dict[str, Client]:
    """A first-time visitor (no session: the cached pages) and one who has a session (a
    remembered referrer, a prospect: the pages rendered for them)."""
    host = f"{partnership.slug}.{settings.BASE_DOMAIN}"
    with_session = Client(HTTP_HOST=host)
    with_session.get("/directory/?utm_source=bench")  # the campaign middleware starts a session
    assert settings.SESSION_COOKIE_NAME in with_session.cookies
    return {"session": with_session, "none": Client(HTTP_HOST=host)}


def main() -> None:
    results = []
    try:
        with transaction.atomic(), override_settings(ROOT_URLCONF=__name__):
            partnership, slug = build("bench-anon")
            build("bench-anon-2")  # a second tenant of the same size
            pages = [
                "/directory/",
                "/directory/?page=50",
                "/directory/?q=smith",
                "/directory/?kind=lender&area=Area+7",
                f"/directory/{slug}/",
                "/join/",
            ]
            for session, client in visitors(partnership).items():
                for url in pages:
                    results.append((session, url, *measure(client, url)))
            raise Rollback
    except Rollback:
        pass
    print(f"{'page':<38}{'session':>8}{'page/trivial':>14}{'ms':>8}{'templates':>11}{'queries':>9}")
    for session, url, seconds, reference, rendering, queries in results:
        print(
            f"{url:<38}{session:>8}{seconds / reference:>13.1f}x"
            f"{seconds * 1000:>8.1f}{rendering / seconds:>10.0%}{queries:>9}"
        )
    trivial = statistics.median(reference for *_, reference, _, _ in results)
    print(f"trivial view: {trivial * 1000:.2f} ms (median of the runs' medians)")


if __name__ == "__main__":
    main()
