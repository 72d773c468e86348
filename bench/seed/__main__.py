"""`python -m bench.seed [--scale 1.0] [--fresh] [--manifest PATH]`: see bench/seed/__init__.py.

Django is set up before the seed's modules are imported (they import the models).."""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pinnacle.settings")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.seed", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every count")
    parser.add_argument(
        "--fresh", action="store_true", help="first delete the bench partnerships' rows"
    )
    parser.add_argument("--manifest", type=Path, default=None, help="where to write it")
    args = parser.parse_args()
    if args.scale <= 0:
        parser.error("--scale must be positive")

    import django

    django.setup()
    from bench.seed.run import MANIFEST, seed

    started = time.monotonic()
    manifest = seed(scale=args.scale, fresh=args.fresh, manifest=args.manifest or MANIFEST)
    size = manifest["database_bytes"] / 2**20
    print(
        f"Done in {time.monotonic() - started:.1f} s; database {size:,.0f} MiB; "
        f"manifest: {args.manifest or MANIFEST}"
    )


if __name__ == "__main__":
    main()
