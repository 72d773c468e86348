"""What the accessibility walk checks on a page, at the width it is shown (docs/accessibility.md).

- axe-core (axe-playwright-python bundles axe.min.js: nothing is fetched at run time) with the
  WCAG 2.1 A and AA rules: no serious or critical violation;
- the page does not scroll sideways (a wide table scrolls inside its own box);
- every focus stop is visible when focused (no hidden link in the tab order) and shows the
  site's focus ring: an outline at least 2px wide, of 3:1 contrast against what is behind it.
"""

from __future__ import annotations

import time

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
SERIOUS = {"serious", "critical"}


def add_axe(context) -> None:
    """axe-core in every page `context` opens (sent to the browser once, not once a page)."""
    context.add_init_script(script=AXE.axe_script)


def axe_violations(page) -> list[str]:
    """Each serious or critical violation: rule, impact, the elements (CSS targets); the page's
    context has axe (add_axe)."""
    results = page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in SERIOUS
    ]


def sideways_scroll(page) -> str | None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    viewport = page.viewport_size["width"]
    return f"the page is {width}px wide in a {viewport}px screen" if width > viewport else None


# Focuses every element in the tab order (as Tab would, with focus-visible) and reports those
# that are invisible when focused, or whose focus ring is missing, thin, or under 3:1.
FOCUS_STOPS = """
() => {
  const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const rgb = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const contrast = (x, y) => {
    const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p);
    return (a + 0.05) / (b + 0.05);
  };
  const behind = (el) => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const color = rgb(getComputedStyle(node).backgroundColor);
      if (color && color.a > 0) return color;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/) : [];
    const tag = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
    const name = [tag, ...classes.filter(Boolean)];
    return `${name.join('.')} "${text.slice(0, 30)}"`;
  };
  const problems = [];
  const width = document.documentElement.clientWidth;
  for (const el of document.querySelectorAll(FOCUSABLE)) {
    if (el.tabIndex < 0 || el.disabled || el.closest('[inert]')) continue;
    if (el.type === 'hidden') continue;
    if (!el.checkVisibility({ visibilityProperty: true })) continue;  // not in the tab order
    if (el.tagName === 'SUMMARY' && el.parentElement.tagName !== 'DETAILS') continue;
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    el.focus({ focusVisible: true });  // scrolls it into view, as Tab does (in its scroll box too)
    if (document.activeElement !== el) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || box.right <= 0 || box.left >= width) {
      problems.push(`invisible focus stop: ${describe(el)}`);
      continue;
    }
    const style = getComputedStyle(el);
    const ring = parseFloat(style.outlineWidth) || 0;
    const color = rgb(style.outlineColor);
    if (style.outlineStyle === 'none' || ring < 2 || !color) {
      problems.push(`no focus ring (${style.outlineStyle} ${style.outlineWidth}): ${describe(el)}`);
      continue;
    }
    const ratio = contrast(color, behind(el));
    if (ratio < 3) problems.push(`focus ring ${ratio.toFixed(2)}:1: ${describe(el)}`);
  }
  if (document.activeElement) document.activeElement.blur();
  return problems;
}
"""


def focus_problems(page) -> list[str]:
    return page.evaluate(FOCUS_STOPS)


NEXT_FRAME = "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
TIMES = {"axe": 0.0, "focus": 0.0}


def check(page, where: str) -> list[str]:
    """Every problem on `page` at its current width, each prefixed with `where`."""
    page.evaluate(NEXT_FRAME)  # the page's resize observers have run
    started = time.monotonic()
    problems = axe_violations(page)
    axed = time.monotonic()
    problems += focus_problems(page)
    TIMES["axe"] += axed - started
    TIMES["focus"] += time.monotonic() - axed
    if sideways := sideways_scroll(page):
        problems.append(sideways)
    return [f"{where}: {problem}" for problem in problems]
