"""The production settings, plus one trivial view to measure every page against."""

from pinnacle.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
