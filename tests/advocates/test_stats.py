"""The experiment's comparison of two Poisson rates and the satisfaction model's least squares,
checked against numbers computed independently here."""

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from advocates.stats import NotEnoughVariation, compare_rates, fit_satisfaction


def test_compare_rates_matches_a_hand_checked_wald_interval_and_the_e_test():
    # Group A: 6 referrals from 12 contacts; group B: 15 from 12.
    result = compare_rates(6, 12, 15, 12)
    rate_a, rate_b = 0.5, 1.25
    se = math.sqrt(6 / 144 + 15 / 144)  # sqrt(21)/12 = 0.381881...
    assert result.difference == pytest.approx(0.75)
    assert result.low == pytest.approx(rate_b - rate_a - 1.959963984540054 * se)
    assert result.low == pytest.approx(0.001526, abs=1e-6)
    assert result.high == pytest.approx(1.498474, abs=1e-6)
    expected_p = scipy_stats.poisson_means_test(15, 12, 6, 12).pvalue
    assert result.p_value == pytest.approx(expected_p)
    assert 0.03 < result.p_value < 0.06


def test_equal_rates_give_a_zero_difference_and_a_large_p_value():
    result = compare_rates(5, 10, 5, 10)
    assert result.difference == 0
    assert result.low == pytest.approx(-result.high)
    assert result.p_value > 0.9


def test_no_referrals_at_all_is_no_evidence_not_an_error():
    assert compare_rates(0, 4, 0, 4) == (0.0, 0.0, 0.0, 1.0)


@pytest.mark.parametrize("args", [(1, 0, 1, 3), (-1, 3, 1, 3), (1.5, 3, 1, 3)])
def test_compare_rates_refuses_impossible_counts(args):
    with pytest.raises(ValueError):
        compare_rates(*args)


def synthetic(n=40, noise=0.0, seed=7):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 11, size=(n, 3)).astype(float)
    s = 0.2 * x[:, 0] + 0.5 * x[:, 1] + 0.3 * x[:, 2] + rng.normal(0, noise, n)
    return np.column_stack([x, s]).tolist()


def test_exact_synthetic_data_recovers_the_coefficients_with_r2_of_one():
    fit = fit_satisfaction(synthetic())
    assert (fit.alpha, fit.beta, fit.gamma) == pytest.approx((0.2, 0.5, 0.3))
    assert fit.r2 == pytest.approx(1.0)
    assert fit.n == 40
    assert fit.most_important == "service quality"


def test_noisy_synthetic_data_comes_close():
    fit = fit_satisfaction(synthetic(n=200, noise=0.3))
    assert fit.alpha == pytest.approx(0.2, abs=0.05)
    assert fit.beta == pytest.approx(0.5, abs=0.05)
    assert fit.gamma == pytest.approx(0.3, abs=0.05)
    assert 0.8 < fit.r2 < 1


def test_r2_is_one_minus_sse_over_sst_about_the_mean():
    rows = [(1, 2, 3, 4), (2, 1, 3, 3), (3, 3, 1, 5), (5, 4, 2, 6), (2, 5, 5, 7)]
    fit = fit_satisfaction(rows)
    x = np.array([r[:3] for r in rows], float)
    y = np.array([r[3] for r in rows], float)
    coef = np.linalg.solve(x.T @ x, x.T @ y)  # the normal equations, independently
    sse = ((y - x @ coef) ** 2).sum()
    sst = ((y - y.mean()) ** 2).sum()
    assert (fit.alpha, fit.beta, fit.gamma) == pytest.approx(tuple(coef))
    assert fit.r2 == pytest.approx(1 - sse / sst)


@pytest.mark.parametrize(
    "rows",
    [
        [(5, 5, 5, 5)] * 12,  # every answer identical
        [(c, c, 3, c) for c in range(1, 11)],  # C and Q always equal: rank-deficient
        [(1, 2, 3, 7), (3, 1, 2, 7), (2, 3, 1, 7), (4, 4, 5, 7)],  # S never varies
        [(1, 2, 3, 4)],  # fewer rows than factors
        [],
    ],
)
def test_degenerate_answers_are_named_not_fitted(rows):
    with pytest.raises(NotEnoughVariation):
        fit_satisfaction(rows)
