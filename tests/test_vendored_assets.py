"""Third-party static files (static/vendor/) carry their version and licence: each is a row of
static/vendor/README.md (library, version, source, licence, SHA-256 of the published file), its
licence file lies beside it, and no third-party file is served from anywhere else in static/."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
VENDOR = STATIC / "vendor"
COLUMNS = ["File", "Library", "Version", "Source", "Licence", "SHA-256"]


def listed() -> dict[str, dict[str, str]]:
    """The README's table, one row per file, by column name."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in (VENDOR / "README.md").read_text().splitlines()
        if line.startswith("|")
    ]
    assert rows and rows[0] == COLUMNS, rows[:1]
    return {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows[2:]}


def vendored_files() -> list[Path]:
    return sorted(
        path
        for path in VENDOR.rglob("*")
        if path.is_file() and path.name != "README.md" and not path.name.endswith(".LICENSE")
    )


def test_every_vendored_file_is_listed_with_its_version_source_and_licence():
    table = listed()
    files = vendored_files()
    assert files, "static/vendor/ holds no file"
    names = [path.relative_to(VENDOR).as_posix() for path in files]
    assert sorted(table) == names, "static/vendor/README.md lists other files than there are"
    for path in files:
        row = table[path.relative_to(VENDOR).as_posix()]
        assert re.fullmatch(r"\d+(\.\d+)+", row["Version"]), row
        assert row["Source"] and row["Library"], row
        # The version listed is the one inside the file.
        assert row["Version"] in path.read_text(errors="replace"), row
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["SHA-256"], (
            f"{path.name} differs from the published file the README lists"
        )
        licence = re.search(r"`([^`]+\.LICENSE)`", row["Licence"])
        assert licence and (VENDOR / licence[1]).is_file(), row
        # An SPDX identifier first (0BSD, MIT, ...), then the licence file.
        assert re.fullmatch(r"[A-Za-z0-9.+-]+", row["Licence"].split(",")[0]), row


# The portal's own static files; anything else in static/ outside vendor/ is unaccounted for.
OWN = {"css/site.css", "js/site.js", "js/menu.js", "images/default-seal.png"}


def test_no_third_party_file_lies_outside_static_vendor():
    elsewhere = {
        path.relative_to(STATIC).as_posix()
        for path in STATIC.rglob("*")
        if path.is_file() and VENDOR not in path.parents
    }
    assert elsewhere == OWN, (
        "a file in static/ that is neither the portal's own (OWN above) nor in static/vendor/: "
        f"{sorted(elsewhere - OWN)}"
    )
