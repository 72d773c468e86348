"""`make screenshots`: runs the guided tour (tests/e2e/test_docs_tour.py) in a browser against
the seeded demo and copies its screenshots into docs/images/, where the guides show them.

    python -m tests.e2e.docs_screenshots

Each shot is stored as a 256-colour PNG (a tenth of the size, the same to the eye for a page of
flat colours), so the pictures stay small in the repository. The docs' link check
(tests/test_docs_links.py) fails when a guide shows a picture that is not there.
"""

import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "e2e" / "screenshots"
IMAGES = ROOT / "docs" / "images"


def copy_shots() -> list[Path]:
    IMAGES.mkdir(parents=True, exist_ok=True)
    written = []
    for shot in sorted(SHOTS.glob("tour-*.png")):
        target = IMAGES / shot.name.removeprefix("tour-")
        with Image.open(shot) as image:
            image.convert("RGB").quantize(256).save(target, optimize=True)
        written.append(target)
    return written


def main() -> int:
    tour = ["-m", "pytest", "-p", "no:xdist", "-q", "tests/e2e/test_docs_tour.py"]
    if subprocess.call([sys.executable, *tour], cwd=ROOT) != 0:
        return 1
    for path in copy_shots():
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
