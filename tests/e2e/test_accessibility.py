"""Every page type of the seeded demo, as the viewer who reaches it, at a desktop's and a phone's
width: axe-core's WCAG 2.1 A/AA rules (no serious or critical violation), no sideways scroll,
every focus stop visible with the site's focus ring of 3:1 (tests/e2e/a11y_checks.py). The page
types come from the URL conf (tests/e2e/page_types.py); docs/accessibility.md says more."""

import time

from tests.e2e.a11y_checks import TIMES, add_axe, check
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.page_types import NOT_WALKED, discover, page_patterns


def test_every_page_type_passes_axe_at_desktop_and_phone_widths(live_demo, site, browser, capsys):
    started = time.monotonic()
    TIMES.update(axe=0.0, focus=0.0)
    pages, cookies = discover()
    walked = {p.name for p in pages}
    assert set(NOT_WALKED) <= page_patterns(), "a stale NOT_WALKED row"
    unreached = page_patterns() - walked - set(NOT_WALKED)
    crawled = time.monotonic()

    problems = []
    by_viewer: dict[str, list] = {}
    for page_type in pages:
        by_viewer.setdefault(page_type.viewer, []).append(page_type)
    for viewer, types in by_viewer.items():
        context = browser.new_context(viewport=DESKTOP)
        add_axe(context)
        page = context.new_page()
        context.add_cookies(
            [{"name": k, "value": v, "url": site} for k, v in cookies[viewer].items()]
        )
        for page_type in types:
            page.set_viewport_size(DESKTOP)
            page.goto(site + page_type.url, wait_until="domcontentloaded")
            where = f"{page_type.name} ({page_type.url}) as {viewer}"
            problems += check(page, f"{where}, desktop")
            page.set_viewport_size(PHONE)
            problems += check(page, f"{where}, phone")
        context.close()
    with capsys.disabled():
        print(
            f"\n{len(pages)} page types scanned at 2 widths; crawl {crawled - started:.0f}s, "
            f"browser {time.monotonic() - crawled:.0f}s (axe {TIMES['axe']:.0f}s, "
            f"focus stops {TIMES['focus']:.0f}s)"
        )
    assert not problems, "\n".join(problems)
    assert not unreached, f"page types the walk never reached: {sorted(unreached)}"
