"""The statistics behind the reward experiment and the satisfaction model: pure functions of
numbers (no Django, no database), so each is checked against a hand-computed example.

- `compare_rates`: two groups' referrals per contact (counts over exposures), B minus A, with a
  95% Wald interval for the difference of two Poisson rates and the p-value of SciPy's E-test
  (`scipy.stats.poisson_means_test`), the test made for comparing two Poisson counts.
- `fit_satisfaction`: the seed's S = aC + bQ + gV (no intercept, as the seed writes it) by least
  squares (`numpy.linalg.lstsq`), with R-squared = 1 - SSE/SST, SST taken about the mean of S.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from statistics import NormalDist
from typing import NamedTuple

# NumPy and SciPy are imported where they are used, not with this module: this module is
# imported when the app starts (its pages are registered then), and SciPy alone would add about
# a second to the start of every web, worker and beat process.

CONFIDENCE = 0.95
# The two-sided 95% normal quantile, 1.959963984540054.
Z_95 = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / 2)

FACTORS = ("communication frequency", "service quality", "perceived value")


class RateComparison(NamedTuple):
    difference: float  # B's referrals per contact minus A's
    low: float
    high: float
    p_value: float


def compare_rates(k_a: int, n_a: int, k_b: int, n_b: int) -> RateComparison:
    """B's rate minus A's, k referrals over n contacts per group.

    Interval: (k_b/n_b - k_a/n_a) +- z * sqrt(k_a/n_a^2 + k_b/n_b^2), the normal (Wald)
    approximation for the difference of two Poisson rates. p-value: the two-sided E-test of
    Krishnamoorthy and Thomson for equal rates (SciPy's `poisson_means_test`)."""
    for name, value in (("k_a", k_a), ("n_a", n_a), ("k_b", k_b), ("n_b", n_b)):
        if int(value) != value or value < 0:
            raise ValueError(f"{name} must be a whole number, 0 or more.")
    if n_a <= 0 or n_b <= 0:
        raise ValueError("Each group needs at least one contact.")
    rate_a, rate_b = k_a / n_a, k_b / n_b
    difference = rate_b - rate_a
    half_width = Z_95 * math.sqrt(k_a / n_a**2 + k_b / n_b**2)
    from scipy.stats import poisson_means_test

    result = poisson_means_test(int(k_b), int(n_b), int(k_a), int(n_a))
    p_value = float(result.pvalue)
    if math.isnan(p_value):  # no referrals at all: nothing tells the groups apart
        p_value = 1.0
    return RateComparison(difference, difference - half_width, difference + half_width, p_value)


class NotEnoughVariation(ValueError):
    """The answers do not vary enough to weigh the three factors apart."""


class Fit(NamedTuple):
    alpha: float  # communication frequency C
    beta: float  # service quality Q
    gamma: float  # perceived value V
    r2: float
    n: int
    most_important: str


def fit_satisfaction(rows: Iterable[Sequence[float]]) -> Fit:
    """Least squares for S = alpha*C + beta*Q + gamma*V over rows (C, Q, V, S), no intercept.

    R-squared is 1 - SSE/SST with SST about the mean of S (so a model no better than the mean
    scores 0, and a worse one below 0). Raises NotEnoughVariation when the factors are not
    linearly independent in the data (fewer than three rows, all answers identical, one factor
    a multiple of another) or when S never varies (R-squared undefined)."""
    import numpy as np

    data = np.asarray([tuple(row) for row in rows], dtype=float)
    if data.size == 0:
        raise NotEnoughVariation("No answers yet.")
    if data.ndim != 2 or data.shape[1] != 4:
        raise ValueError("Each row is (C, Q, V, S).")
    x, y = data[:, :3], data[:, 3]
    n = len(y)
    if n < 3 or np.linalg.matrix_rank(x) < 3:
        raise NotEnoughVariation(
            "The answers for communication, quality and value do not vary enough to tell "
            "their weights apart."
        )
    sst = float(np.sum((y - y.mean()) ** 2))
    if sst == 0:
        raise NotEnoughVariation("Every answer gives the same overall satisfaction.")
    coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
    sse = float(np.sum((y - x @ coefficients) ** 2))
    alpha, beta, gamma = (float(c) for c in coefficients)
    most = FACTORS[int(np.argmax(coefficients))]
    return Fit(alpha, beta, gamma, 1 - sse / sst, n, most)
