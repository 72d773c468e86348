"""The soak's own arithmetic (`bench/soak.py`, run by `make soak`, not by `make test`): the
open-loop schedule, the percentiles and the memory bound that decide whether a run passes."""

from collections import Counter

import pytest

from bench.soak import MIX
from bench.soak_figures import by_minute, failures, growth, percentile, schedule


def test_the_schedule_is_evenly_spaced_and_follows_the_weights():
    plan = schedule(600, 20, MIX)
    assert len(plan) == 12_000
    assert plan[0][0] == 0 and plan[1][0] == pytest.approx(0.05) and plan[-1][0] < 600
    counts = Counter(kind for _, kind in plan)
    total = sum(weight for weight, _ in MIX.values())
    for kind, (weight, _) in MIX.items():
        assert counts[kind] == pytest.approx(12_000 * weight / total, rel=0.15)
    assert plan == schedule(600, 20, MIX)  # the same mix every run


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(100, 0, -1)]
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([float(n) for n in range(1, 11)], 95) == 10  # rank 9.5 rounds up
    assert percentile([7.0], 99) == 7


def test_growth_is_the_last_minutes_median_over_the_firsts():
    samples = [(t, 100.0 + t / 60) for t in range(5, 601, 5)]  # 1 MB a minute
    first, last, grown = growth(samples)
    assert first == pytest.approx(100.5, abs=0.1) and last == pytest.approx(109.5, abs=0.1)
    assert grown == pytest.approx(9.0, abs=0.1)
    assert growth([(5, 100.0), (10, 300.0), (15, 100.0)])[2] == 0  # a spike is not growth
    assert by_minute(samples) == pytest.approx([100 + m + 0.5 for m in range(10)] + [110], abs=0.1)


def test_a_run_fails_on_an_error_on_growth_past_the_bound_or_an_unsent_email():
    steady = {"gunicorn worker 1": (100.0, 110.0, 10.0)}
    assert failures({"home": 0}, steady, unsent=0, bound=30) == []
    assert failures({"home": 1}, steady, unsent=0, bound=30) == ["1 errors on home"]
    leaking = {"gunicorn worker 1": (100.0, 140.5, 40.5)}
    assert failures({}, leaking, unsent=0, bound=30) == [
        "gunicorn worker 1 grew 40.5 MB (bound 30 MB)"
    ]
    assert failures({}, steady, unsent=2, bound=30) == [
        "2 emails queued by the run not sent by its end"
    ]
