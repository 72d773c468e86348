"""The code keeps the shape a newcomer can read (DESIGN.md "Layout"): no module over 400 lines and
no function or method over 60 lines unless it says why.

Every Python module of every project app (a top-level package with an `apps.py`, so a new app is
walked from its first commit) is parsed with `ast`; migrations and tests are left out. A function
(or method) longer than 60 lines, counted from its `def` to its last line, passes only when its
docstring states the reason in a sentence starting "Long because", e.g.:

    def fit_satisfaction(rows):
        '''Least squares for ...

        Long because the fit, its checks and the weights it reports read as one derivation.'''

A module past 400 lines is split into a package (STYLE.md "Small modules"); there is no reason
that keeps one whole.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
REASON = "Long because"

# Apps being reshaped by other work right now (issue 19, wave 1: transactions out of leads,
# policy out of members); their modules are checked again once that lands and this is emptied.
RESHAPING_NOW: set[str] = set()


def project_apps() -> list[Path]:
    return sorted(
        path.parent for path in ROOT.glob("*/apps.py") if (path.parent / "__init__.py").exists()
    )


def modules_of(app: Path) -> list[Path]:
    return sorted(
        path
        for path in app.rglob("*.py")
        if not {"migrations", "tests"} & set(path.relative_to(app).parts)
    )


def shape_offences(name: str, source: str) -> list[str]:
    """What is too long in the module `name` whose text is `source`, one line per offence."""
    offences = []
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        offences.append(f"{name}: {lines} lines (at most {MAX_MODULE_LINES}; split it)")
    for node in ast.walk(ast.parse(source, filename=name)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        length = node.end_lineno - node.lineno + 1
        if length > MAX_FUNCTION_LINES and REASON not in (ast.get_docstring(node) or ""):
            offences.append(
                f"{name}:{node.lineno} {node.name}() is {length} lines (at most "
                f"{MAX_FUNCTION_LINES}, or a docstring saying \u201c{REASON} \u2026\u201d)"
            )
    return offences


def test_no_module_or_function_is_too_long():
    offences = []
    for app in project_apps():
        if app.name in RESHAPING_NOW:
            continue
        for path in modules_of(app):
            name = str(path.relative_to(ROOT))
            offences += shape_offences(name, path.read_text(encoding="utf-8"))
    assert not offences, "Too long:\n" + "\n".join(offences)


def test_the_walk_covers_every_app_and_skips_migrations():
    apps = {app.name for app in project_apps()}
    assert {"pinnacle", "outreach", "comarketing", "advocates"} <= apps
    walked = {str(path.relative_to(ROOT)) for path in modules_of(ROOT / "outreach")}
    assert "outreach/models.py" in walked
    assert not any("/migrations/" in name for name in walked)


def _function(lines: int, docstring: str = "Does one thing.") -> str:
    body = "".join(f"    x{n} = {n}\n" for n in range(lines - 3))
    return f'def grown():\n    """{docstring}"""\n{body}    return None\n'


def test_a_function_of_61_lines_without_a_reason_is_reported():
    source = _function(61)
    assert len(source.splitlines()) == 61
    assert shape_offences("app/grown.py", source) == [
        "app/grown.py:1 grown() is 61 lines (at most 60, or a docstring saying "
        "\u201cLong because \u2026\u201d)"
    ]


def test_a_function_of_60_lines_or_one_that_says_why_passes():
    assert shape_offences("app/grown.py", _function(60)) == []
    assert shape_offences("app/grown.py", _function(90, "Long because it is one table.")) == []


def test_a_method_is_held_to_the_same_length():
    method = "\n".join("    " + line for line in _function(61).splitlines())
    assert len(shape_offences("app/grown.py", f"class Grown:\n{method}\n")) == 1


def test_a_module_over_400_lines_is_reported():
    offences = shape_offences("app/big.py", "x = 1\n" * 401)
    assert offences == ["app/big.py: 401 lines (at most 400; split it)"]
