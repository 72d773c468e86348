"""`make soak`'s arithmetic, without I/O (tests/test_soak.py): the open-loop schedule,
percentiles, memory growth per process and the verdict (bench/soak.py runs and reports)."""

from __future__ import annotations

import random
import statistics
from collections import defaultdict

SAMPLE_EVERY = 5.0  # seconds between two samples of each process's memory


def schedule(seconds: float, rate: float, mix: dict[str, tuple[int, str]], seed: int = 21):
    """(due second, kind) for every request of the run: evenly spaced, kinds drawn by weight."""
    kinds = list(mix)
    weights = [mix[kind][0] for kind in kinds]
    draw = random.Random(seed)
    count = int(seconds * rate)
    return [(i / rate, draw.choices(kinds, weights)[0]) for i in range(count)]


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (p in 0..100) of `values`."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


def growth(samples: list[tuple[float, float]], window: float = 60.0) -> tuple[float, float, float]:
    """From (seconds since start, RSS in MB) samples: the first `window`'s median, the last
    `window`'s median, and the growth between them (the windows shrink to a fifth of the run
    each when it is short)."""
    if not samples:
        return (0.0, 0.0, 0.0)
    end = samples[-1][0]
    window = min(window, max(end / 5, SAMPLE_EVERY))
    first = [mb for t, mb in samples if t <= samples[0][0] + window]
    last = [mb for t, mb in samples if t >= end - window]
    start_mb, end_mb = statistics.median(first), statistics.median(last)
    return (start_mb, end_mb, end_mb - start_mb)


def by_minute(samples: list[tuple[float, float]]) -> list[float]:
    """The median RSS of each minute of the run (a shorter run: of each sixth of it)."""
    if not samples:
        return []
    step = 60.0 if samples[-1][0] >= 120 else max(samples[-1][0] / 6, SAMPLE_EVERY)
    buckets: dict[int, list[float]] = defaultdict(list)
    for t, mb in samples:
        buckets[int(t // step)].append(mb)
    return [statistics.median(buckets[i]) for i in sorted(buckets)]


def failures(errors: dict[str, int], memory: dict[str, tuple], unsent: int, bound: float):
    """Why the run fails, one line per reason; empty when it passed."""
    why = [f"{count} errors on {kind}" for kind, count in sorted(errors.items()) if count]
    why += [
        f"{name} grew {grown:.1f} MB (bound {bound:.0f} MB)"
        for name, (_, _, grown) in sorted(memory.items())
        if grown > bound
    ]
    if unsent:
        why.append(f"{unsent} emails queued by the run not sent by its end")
    return why
