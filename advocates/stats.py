"""The statistics behind the reward experiment and the satisfaction model: pure functions of
numbers (no Django, no database), so each is checked against a hand-computed example.

- `compare_counts`: two groups' referrals per contact, B minus A, from each contact's own count,
  with a permutation test over re-randomisations of the split and the 95% interval that inverts
  the same test (so "the interval excludes 0" and "p < 0.05" always agree).
- `fit_satisfaction`: the seed's S = aC + bQ + gV (no intercept, as the seed writes it) by least
  squares (`numpy.linalg.lstsq`), with R-squared = 1 - SSE/SST, SST taken about the mean of S,
  each weight's standard error and 95% interval, and a most important factor only when it is
  clearly ahead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

# NumPy and SciPy are imported where they are used, not with this module: this module is
# imported when the app starts (its pages are registered then), and SciPy alone would add about
# a second to the start of every web, worker and beat process.

CONFIDENCE = 0.95

FACTORS = ("communication frequency", "service quality", "perceived value")
SYMBOLS = (
    "\N{GREEK SMALL LETTER ALPHA}",
    "\N{GREEK SMALL LETTER BETA}",
    "\N{GREEK SMALL LETTER GAMMA}",
)


class RateComparison(NamedTuple):
    difference: float  # B's referrals per contact minus A's
    low: float  # -inf when no difference is ruled out below (too few contacts)
    high: float  # +inf likewise above
    p_value: float

    @property
    def has_low(self) -> bool:
        return math.isfinite(self.low)

    @property
    def has_high(self) -> bool:
        return math.isfinite(self.high)


# Re-randomisations drawn for the permutation test: the p-value's own sampling error is then
# about 0.005 near 0.05, and one experiment's page costs a few milliseconds.
REDRAWS = 2000
# Count data tie a lot: two statistics this close are the same number.
_TIE = 1e-9


def _whole_counts(counts: Sequence[int], name: str):
    import numpy as np

    values = np.asarray(list(counts), dtype=float)
    if values.ndim != 1 or not np.all(np.isfinite(values)):
        raise ValueError(f"{name} must be a list of referral counts.")
    if np.any(values < 0) or np.any(values != np.round(values)):
        raise ValueError(f"{name}'s counts must be whole numbers, 0 or more.")
    if values.size == 0:
        raise ValueError("Each group needs at least one contact.")
    return values


def redraws(n_a: int, n_b: int, *, seed: int, rounds: int = REDRAWS):
    """`rounds` re-randomisations of the experiment's split, seeded by its stored seed: each row
    marks which of the n_a + n_b contacts (A's first) land in group B, always n_b of them."""
    import numpy as np

    rng = np.random.default_rng(seed % 2**64)
    labels = np.zeros((rounds, n_a + n_b), dtype=np.int8)
    labels[:, n_a:] = 1
    return rng.permuted(labels, axis=1)


# Redraws are turned into differences a block at a time: a partnership-wide experiment of 10,000
# contacts would otherwise hold several 2,000 x 10,000 matrices of floats (160 MB each).
_BLOCK_CELLS = 1_000_000


def _redrawn_differences(counts, n_a: int, n_b: int, in_b):
    """B's mean minus A's under each redraw, for each row of `counts` (rows x rounds), from the
    sum of the counts a redraw puts in B (whole numbers, so exact), a block of redraws at a
    time."""
    import numpy as np

    totals = counts.sum(axis=1)[:, None]
    out = np.empty((counts.shape[0], in_b.shape[0]))
    step = max(1, _BLOCK_CELLS // max(1, in_b.shape[1] + counts.shape[0]))
    for start in range(0, in_b.shape[0], step):
        in_b_sums = counts @ in_b[start : start + step].T.astype(float)
        out[:, start : start + step] = in_b_sums / n_b - (totals - in_b_sums) / n_a
    return out


def permutation_p_values(counts, n_a: int, in_b) -> list[float]:
    """Two-sided permutation p-values, one per row of `counts` (each row the per-contact
    referral counts of one experiment, group A's n_a contacts first), over the re-randomisations
    `in_b` (from `redraws`): the share of splits whose difference of means is at least as far
    from 0 as the one observed, counting the observed split itself, (1 + k) / (1 + rounds).

    Vectorised over rows so a simulation of thousands of experiments runs in a second."""
    import numpy as np

    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    n_b = counts.shape[1] - n_a
    observed = counts[:, n_a:].mean(axis=1) - counts[:, :n_a].mean(axis=1)
    drawn = _redrawn_differences(counts, n_a, n_b, in_b)  # rows x rounds
    extreme = np.abs(drawn) >= np.abs(observed)[:, None] - _TIE
    return ((1 + extreme.sum(axis=1)) / (1 + in_b.shape[0])).tolist()


def compare_counts(
    counts_a: Sequence[int], counts_b: Sequence[int], *, seed: int, rounds: int = REDRAWS
) -> RateComparison:
    """B's referrals per contact minus A's, from each contact's own count, with a permutation
    test over `rounds` re-randomisations of the split (seeded by `seed`, so a page shows the
    same numbers on every visit) and the 95% interval found by inverting that same test.

    Why not the E-test for two Poisson rates: it assumes every contact refers at the same rate,
    and real circles have a few heavy referrers and many silent ones. Simulated with equal rates
    and such contacts (20 per group, gamma-distributed rates, mean 0.5, shape 0.3; 2,000 runs),
    the E-test called a difference at the 5% level 20.4% of the time, this test 3.3%; over
    three other such settings the E-test 21.9-25.8%, this test 2.9-4.6%
    (tests/advocates/test_stats.py runs the simulation). A re-randomisation
    test needs no model of the counts: the split was random, so under "the reward makes no
    difference" every re-randomisation was as likely as the one made.

    Interval: every shift d such that "B's rate is A's + d" (B's counts lowered by d) is not
    rejected by the same test at the 5% level, so the interval excludes 0 exactly when
    p < 0.05. With very few contacts no shift can be rejected on one side: that bound is
    infinite.

    Long because this docstring carries the method's justification and its evidence; the code
    is one permutation test and its inversion."""
    import numpy as np

    a = _whole_counts(counts_a, "Group A")
    b = _whole_counts(counts_b, "Group B")
    n_a, n_b = a.size, b.size
    in_b = redraws(n_a, n_b, seed=seed, rounds=rounds)
    data = np.concatenate([a, b])
    difference = float(b.mean() - a.mean())
    if data.min() == data.max():  # every contact sent the same (no referrals at all, say)
        return RateComparison(difference, difference, difference, 1.0)
    # Under a shift d, a re-randomised statistic is its value at d = 0 less d times `slope`
    # (the share of B's contacts it keeps in B minus the share it moves to A), and the observed
    # statistic is `difference - d`: p(d) is then cheap for any d.
    base = _redrawn_differences(data[None, :], n_a, n_b, in_b)[0]
    kept = in_b[:, n_a:].sum(axis=1)
    slope = kept / n_b - (n_b - kept) / n_a

    def p_at(shift: float) -> float:
        extreme = np.abs(base - shift * slope) >= abs(difference - shift) - _TIE
        return float((1 + extreme.sum()) / (1 + rounds))

    alpha = 1 - CONFIDENCE
    p_value = p_at(0.0)
    span = float(data.max() - data.min()) + 1.0

    def bound(direction: int) -> float:
        # From the estimate (p = 1 there) outwards to where the test rejects; on the side where
        # 0 lies, the search is split at 0 so that the interval holds 0 exactly when p >= 0.05.
        inside = difference
        toward_zero = direction * (0.0 - difference) > 0
        if toward_zero and p_value < alpha:
            outside = 0.0
        else:
            if toward_zero:
                inside = 0.0
            outside, step = inside + direction * span, span
            for _ in range(20):
                if p_at(outside) < alpha:
                    break
                step *= 2
                inside, outside = outside, outside + direction * step
            else:
                return direction * math.inf
        for _ in range(50):
            middle = (inside + outside) / 2
            if p_at(middle) < alpha:
                outside = middle
            else:
                inside = middle
        return inside

    return RateComparison(difference, bound(-1), bound(+1), p_value)


class NotEnoughVariation(ValueError):
    """The answers do not vary enough to weigh the three factors apart."""


class Weight(NamedTuple):
    factor: str
    symbol: str
    value: float
    se: float | None  # None with exactly three answers: nothing is left to measure the noise
    low: float | None  # the 95% interval, value +- t * se
    high: float | None


class Fit(NamedTuple):
    alpha: float  # communication frequency C
    beta: float  # service quality Q
    gamma: float  # perceived value V
    r2: float
    n: int
    most_important: str  # "" when no factor is clearly ahead of the other two
    weights: tuple[Weight, ...] = ()
    leader: str = ""  # the largest weight, clearly ahead or not
    runner_up: str = ""  # the factor it is not clearly ahead of, when it is not


def fit_satisfaction(rows: Iterable[Sequence[float]]) -> Fit:
    """Least squares for S = alpha*C + beta*Q + gamma*V over rows (C, Q, V, S), no intercept.

    R-squared is 1 - SSE/SST with SST about the mean of S (so a model no better than the mean
    scores 0, and a worse one below 0). Each weight comes with its standard error,
    sqrt(s^2 * (X'X)^-1), s^2 = SSE / (n - 3), and its 95% interval with Student's t on n - 3
    degrees of freedom. A factor is named the most important only when its lead over each of
    the other two is clearly above 0: the 95% interval of the difference of the two weights
    (its variance var1 + var2 - 2 cov12) excludes 0. Otherwise `most_important` is "" and
    `runner_up` names the factor it cannot be told apart from.

    Raises ValueError for a row that is not four numbers, NotEnoughVariation when the factors
    are not linearly independent in the data (fewer than three rows, all answers identical, one
    factor a multiple of another) or when S never varies (R-squared undefined).

    Long because the fit, the standard errors, the intervals and the ranking of the factors are
    one derivation over the same matrices; split, every step would pass them all along."""
    import numpy as np

    rows = [tuple(row) for row in rows]
    if not rows:
        raise NotEnoughVariation("No answers yet.")
    if any(len(row) != 4 for row in rows):
        raise ValueError("Each row is (C, Q, V, S).")
    try:
        data = np.asarray(rows, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("Each row is (C, Q, V, S), four numbers.") from exc
    if not np.all(np.isfinite(data)):
        raise ValueError("Each row is (C, Q, V, S), four numbers.")
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
    order = [int(i) for i in np.argsort(-coefficients, kind="stable")]
    top = order[0]
    symbols = SYMBOLS
    degrees = n - 3
    if degrees == 0:
        # Three answers and three weights: the fit is exact whatever the noise, so the noise
        # cannot be measured and no weight can be said to lead.
        weights = tuple(
            Weight(FACTORS[i], symbols[i], float(coefficients[i]), None, None, None)
            for i in range(3)
        )
        most, runner_up = "", FACTORS[order[1]]
    else:
        from scipy.stats import t as student

        quantile = float(student.ppf(1 - (1 - CONFIDENCE) / 2, degrees))
        covariance = (sse / degrees) * np.linalg.inv(x.T @ x)
        errors = np.sqrt(np.maximum(np.diag(covariance), 0))
        weights = tuple(
            Weight(
                FACTORS[i],
                symbols[i],
                float(coefficients[i]),
                float(errors[i]),
                float(coefficients[i] - quantile * errors[i]),
                float(coefficients[i] + quantile * errors[i]),
            )
            for i in range(3)
        )
        runner_up = ""
        for other in order[1:]:
            lead = coefficients[top] - coefficients[other]
            spread = covariance[top, top] + covariance[other, other] - 2 * covariance[top, other]
            if lead - quantile * math.sqrt(max(float(spread), 0.0)) <= 0:
                runner_up = FACTORS[other]
                break
        most = "" if runner_up else FACTORS[top]
    alpha, beta, gamma = (float(c) for c in coefficients)
    return Fit(
        alpha,
        beta,
        gamma,
        1 - sse / sst,
        n,
        most,
        weights,
        FACTORS[top],
        runner_up,
    )
