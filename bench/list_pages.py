"""How the list pages scale: median time per request at a small and a large tenant, as ratios.

    DATABASE_URL=... .venv/bin/python bench/list_pages.py

Builds two throwaway partnerships inside a transaction that is rolled back (small: 30 members,
30 leads and 30 contacts in the first member's inner circle; large: 300 members, 5,000 leads and
3,000 contacts), then times each list page with Django's test
client against the same database. Prints each page's time relative to /healthz (the trivial
reference) and the large/small ratio: a page whose work does not grow with rows stays near 1x.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pinnacle.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from advocates.models import Contact, Segment  # noqa: E402
from leads.models import Lead  # noqa: E402
from members.models import Member, User  # noqa: E402
from members.search import refresh_search_document  # noqa: E402
from pinnacle.models import Partnership  # noqa: E402
from pinnacle.services import create_partnership  # noqa: E402

REPEAT = 40
# Members in the large tenant (BENCH_MEMBERS=30 isolates the growth in leads alone).
LARGE_MEMBERS = int(os.environ.get("BENCH_MEMBERS", "300"))
PAGES = [
    "/healthz",
    "/directory/",
    "/directory/?q=austin",
    "/leads/",
    "/leads/?q=lead1",
    "/advocates/",
    "/advocates/?q=contact1",
    "/advocates/allied/",
]


class Rollback(Exception):
    pass


def build(slug: str, size: int, lead_count: int, contacts: int) -> tuple[Partnership, User]:
    partnership = create_partnership(
        partnership=Partnership(
            name=f"Bench {slug}", slug=slug, website_url="https://bench.example.com"
        )
    )
    users = User.objects.bulk_create(
        User(email=f"{slug}-{n}@bench.example.com", password="!") for n in range(size)
    )
    members = Member.objects.bulk_create(
        Member(
            partnership=partnership,
            user=user,
            slug=f"m-{n}",
            display_name=f"Member {n}",
            specialization="first-time buyers",
            service_areas=["Austin" if n % 2 else "Round Rock"],
        )
        for n, user in enumerate(users)
    )
    refresh_search_document(m.pk for m in members)
    now = timezone.now()
    Lead.objects.bulk_create(
        Lead(
            partnership=partnership,
            name=f"Lead {n}",
            email=f"lead{n}@bench.example.com",
            need="buy",
            timeframe="3m",
            referring_member=members[n % len(members)],
            last_submitted_at=now,
        )
        for n in range(lead_count)
    )
    segments = [Segment.ADVOCATES, Segment.CORE_ADVOCATES, Segment.ALLIED_RESOURCES]
    Contact.objects.bulk_create(
        Contact(
            partnership=partnership,
            owner=members[0],
            name=f"Contact {n}",
            email=f"contact{n}@bench.example.com",
            segment=segments[n % 3],
            strength=n % 100,
        )
        for n in range(contacts)
    )
    return partnership, members[0].user


def timings(partnership: Partnership, user: User) -> dict[str, float]:
    client = Client(HTTP_HOST=f"{partnership.slug}.{settings.BASE_DOMAIN}")
    client.force_login(user, backend="members.auth.PartnershipMemberBackend")
    result = {}
    for path in PAGES:
        client.get(path)  # warm caches and connections
        samples = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            response = client.get(path)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
        result[path] = statistics.median(samples)
    return result


def main() -> None:
    try:
        with transaction.atomic():
            small = timings(*build("bench-small", 30, 30, 30))
            large = timings(*build("bench-large", LARGE_MEMBERS, 5000, 3000))
            raise Rollback
    except Rollback:
        pass
    print(f"{'page':<24}{'small/healthz':>15}{'large/healthz':>15}{'large/small':>13}")
    for path in PAGES[1:]:
        print(
            f"{path:<24}{small[path] / small['/healthz']:>14.1f}x"
            f"{large[path] / large['/healthz']:>14.1f}x{large[path] / small[path]:>12.2f}x"
        )


if __name__ == "__main__":
    main()
