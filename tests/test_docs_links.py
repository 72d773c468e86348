"""The README and docs/ stay true to the repository: every relative link and picture points at a
file that exists (and at a heading that exists, for a `#fragment`), every repository path named
in backticks exists, and the README stays a first screen, not a catalogue.

Links to the web are not fetched (CI has no internet beyond the package registries).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
README_LIMIT = 10_000  # bytes: what it is, the two commands, logins, processes, environment

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
# A path in backticks under one of the repository's top folders, e.g. `tests/test_two_beats.py`.
TOP = "|".join(sorted(p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")))
CODE_PATH = re.compile(rf"`((?:{TOP})/[\w./-]+)`")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(document: Path) -> set[str]:
    text = FENCE.sub("", document.read_text())
    return {_slug(m) for m in re.findall(r"^#{1,6} (.+)$", text, re.M)}


def _links(document: Path) -> list[str]:
    return LINK.findall(FENCE.sub("", document.read_text()))


def _broken_links(document: Path) -> list[str]:
    broken = []
    for target in _links(document):
        if re.match(r"^[a-z]+:", target):  # https:, mailto: ...
            continue
        path, _, fragment = target.partition("#")
        file = (document.parent / path).resolve() if path else document
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif fragment and file.suffix == ".md" and fragment not in _anchors(file):
            broken.append(f"{target}: no heading #{fragment} in {file.name}")
    return broken


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_and_pictures_resolve(document):
    assert _broken_links(document) == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_named_paths_exist(document):
    named = CODE_PATH.findall(document.read_text())
    missing = [
        path
        for path in named
        if "<" not in path and "*" not in path and not (ROOT / path.rstrip("/.")).exists()
    ]
    assert missing == []


def test_every_guide_is_linked_from_the_readme():
    readme = ROOT / "README.md"
    linked = {(readme.parent / target.partition("#")[0]).resolve() for target in _links(readme)}
    guides = set((ROOT / "docs" / "guides").glob("*.md"))
    assert guides and guides <= linked


def test_readme_is_a_first_screen():
    assert len((ROOT / "README.md").read_bytes()) < README_LIMIT


def test_the_checker_finds_a_broken_link(tmp_path):
    document = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("# A heading\n")
    document.write_text(
        "[ok](there.md#a-heading) [gone](missing.md) [bad anchor](there.md#nope)\n"
        "```\n[in code](ignored.md)\n```\n"
    )
    assert _broken_links(document) == [
        "missing.md: no such file",
        "there.md#nope: no heading #nope in there.md",
    ]
