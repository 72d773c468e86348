"""The experiment's comparison of referrals per contact and the satisfaction model's least
squares, checked against numbers computed independently here and by simulation."""

import math

import numpy as np
import pytest

from advocates.stats import (
    NotEnoughVariation,
    compare_counts,
    fit_satisfaction,
    permutation_p_values,
    redraws,
)

# --- The reward experiment's comparison ----------------------------------------------------------


def overdispersed_circles(runs, per_group, *, mean, shape, seed, b_times=1.0):
    """Per-contact referral counts of `runs` experiments in which both rewards work equally
    (unless `b_times` multiplies group B's rates): each contact's own rate is drawn from a gamma
    distribution (a few heavy referrers, many silent ones), and their count from a Poisson with
    that rate."""
    rng = np.random.default_rng(seed)
    rates = rng.gamma(shape, mean / shape, size=(runs, 2 * per_group))
    rates[:, per_group:] *= b_times
    return rng.poisson(rates)


def poisson_rate_test_p_values(counts, per_group):
    """What the old page did, in its exact form: the groups' totals compared as two Poisson
    rates (given the total, B's share is binomial with p = 1/2 for equal groups), which assumes
    every contact refers at the same rate."""
    from scipy.stats import binom

    k_a, k_b = counts[:, :per_group].sum(axis=1), counts[:, per_group:].sum(axis=1)
    total = k_a + k_b
    tails = np.minimum(binom.cdf(k_b, total, 0.5), binom.sf(k_b - 1, total, 0.5))
    return np.minimum(1.0, 2 * tails)


@pytest.mark.slow
@pytest.mark.parametrize(
    "per_group, mean, shape",
    [(20, 0.5, 0.3), (20, 1.0, 0.5), (40, 0.5, 0.3), (15, 0.8, 0.4)],
)
def test_equal_rewards_with_heavy_and_silent_referrers_are_rarely_called_different(
    per_group, mean, shape
):
    # The E-test for two Poisson rates called a difference in 20-26% of these runs at the 5%
    # level (it assumes every contact refers at the same rate); the permutation test 3-5%.
    counts = overdispersed_circles(2000, per_group, mean=mean, shape=shape, seed=18)
    p_values = np.array(
        permutation_p_values(counts, per_group, redraws(per_group, per_group, seed=5))
    )
    assert (p_values < 0.05).mean() <= 0.06
    # The runs are the kind that fooled the old page: a test of the two groups' Poisson rates
    # calls a difference in 16-21% of them.
    assert (poisson_rate_test_p_values(counts, per_group) < 0.05).mean() > 0.12
    # And the test still sees a real difference: B's contacts sending three times as much are
    # called different in 22-56% of such small experiments (a test that never says "different"
    # would hold its level too).
    tripled = overdispersed_circles(2000, per_group, mean=mean, shape=shape, seed=19, b_times=3)
    tripled_p = np.array(
        permutation_p_values(tripled, per_group, redraws(per_group, per_group, seed=5))
    )
    assert (tripled_p < 0.05).mean() > 0.2


def test_the_page_s_p_value_is_the_simulated_permutation_test():
    # The simulation above runs `permutation_p_values`; the page runs `compare_counts`: with the
    # same seed both give the same p-value, for groups of any sizes.
    rng = np.random.default_rng(8)
    for _ in range(40):
        n_a, n_b = (int(n) for n in rng.integers(1, 30, size=2))
        a, b = rng.poisson(1.0, n_a).tolist(), rng.poisson(1.5, n_b).tolist()
        seed = int(rng.integers(1 << 62))
        expected = permutation_p_values([a + b], n_a, redraws(n_a, n_b, seed=seed))[0]
        assert compare_counts(a, b, seed=seed).p_value == pytest.approx(expected, abs=1e-12)


def test_the_interval_leaves_out_zero_exactly_when_p_is_below_five_percent():
    rng = np.random.default_rng(3)
    verdicts = set()
    for _ in range(60):
        n_a, n_b = rng.integers(3, 25, size=2)
        a = rng.poisson(rng.gamma(0.5, 1.0, n_a))
        b = rng.poisson(rng.gamma(0.5, 1.0 + rng.uniform(0, 3), n_b))
        result = compare_counts(a.tolist(), b.tolist(), seed=int(rng.integers(1 << 62)))
        excludes_zero = not result.low <= 0 <= result.high
        assert excludes_zero == (result.p_value < 0.05), result
        assert result.low <= result.difference <= result.high
        verdicts.add(excludes_zero)
    assert verdicts == {True, False}  # both kinds of experiment were checked


@pytest.mark.parametrize(
    "a, b, seed",
    [
        # Counts of 0 and 1 only (the smallest spread there is), a clear difference.
        ([0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0], [1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1], 3),
        # No clear difference: 0 lies inside, the upper bound just above it.
        ([1, 2, 0, 3, 2, 6, 0], [1, 0, 0, 1], 59),
    ],
)
def test_the_interval_s_bounds_are_where_the_same_test_starts_rejecting_the_shift(a, b, seed):
    # Recomputed independently: B's counts lowered by d, the permutation test run again over
    # the same redraws. Inside the bounds p >= 0.05, just outside p < 0.05.
    result = compare_counts(a, b, seed=seed)
    in_b = redraws(len(a), len(b), seed=seed)

    def p(shift):
        return permutation_p_values([a + [x - shift for x in b]], len(a), in_b)[0]

    assert result.p_value == p(0.0)
    assert -math.inf < result.low < result.difference < result.high < math.inf
    assert p(result.low + 1e-6) >= 0.05 > p(result.low - 1e-6)
    assert p(result.high - 1e-6) >= 0.05 > p(result.high + 1e-6)


def test_fewer_redraws_when_asked():
    a, b = [0, 1, 0, 2, 0], [1, 0, 2, 0, 1]
    result = compare_counts(a, b, seed=8, rounds=99)
    assert result.p_value == permutation_p_values(a + b, 5, redraws(5, 5, seed=8, rounds=99))[0]
    assert 0.5 < result.p_value <= 1


def test_the_same_seed_gives_the_same_numbers_on_every_visit():
    a, b = [0, 1, 0, 2, 0, 0, 5, 0, 1, 0], [3, 0, 2, 4, 1, 0, 6, 2, 0, 1]
    assert compare_counts(a, b, seed=99) == compare_counts(a, b, seed=99)


@pytest.mark.slow
def test_a_partnership_wide_experiment_of_10000_contacts_is_compared_in_little_memory():
    # The page computes this on every visit: 2,000 redraws of 10,000 contacts once held several
    # 160 MB matrices of floats at a time (344 MB at the peak), enough to kill a web worker;
    # a block at a time it needs about 40.
    import tracemalloc

    rng = np.random.default_rng(12)
    a, b = rng.poisson(0.3, 5000).tolist(), rng.poisson(0.4, 5000).tolist()
    tracemalloc.start()
    try:
        result = compare_counts(a, b, seed=7)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 80 * 2**20, f"{peak / 2**20:.0f} MB"
    assert result.p_value < 0.05 and 0 < result.low < result.difference < result.high


def test_a_clear_difference_is_significant_with_an_interval_above_zero():
    result = compare_counts([0] * 10, [4, 3, 5, 4, 4, 6, 3, 4, 5, 2], seed=1)
    assert result.difference == pytest.approx(4.0)
    assert result.p_value < 0.01
    assert 0 < result.low < 4 < result.high


def test_equal_groups_give_a_zero_difference_and_a_large_p_value():
    result = compare_counts([0, 1, 2, 0, 1], [1, 0, 0, 2, 1], seed=4)
    assert result.difference == 0
    assert result.p_value > 0.9
    assert result.low < 0 < result.high


def test_no_referrals_at_all_is_no_evidence_not_an_error():
    assert compare_counts([0] * 4, [0] * 4, seed=1) == (0.0, 0.0, 0.0, 1.0)


def test_a_group_of_one_is_compared_without_a_bound_it_cannot_have():
    # One contact in A: only five distinct splits, none rare enough to reject anything.
    result = compare_counts([1], [3, 4, 5, 6], seed=2)
    assert result.difference == pytest.approx(3.5)
    assert result.p_value >= 0.05
    assert not result.has_low and not result.has_high
    assert math.isinf(result.low) and math.isinf(result.high)


NOT_COUNTS = "Group A must be a list of referral counts."
NOT_WHOLE = "Group A's counts must be whole numbers, 0 or more."


@pytest.mark.parametrize(
    "a, b, message",
    [
        ([], [1, 2], "Each group needs at least one contact."),  # an empty group
        ([1, 2], [], "Each group needs at least one contact."),
        ([1, -1], [1, 2], NOT_WHOLE),  # a negative count
        ([1.5, 1], [1, 2], NOT_WHOLE),  # half a referral
        ([1, 2], [1, -1], "Group B's counts must be whole numbers, 0 or more."),
        ([1, float("nan")], [1, 2], NOT_COUNTS),
        ([1, None], [1, 2], NOT_COUNTS),  # a count missing
        ([[1, 2]], [1, 2], NOT_COUNTS),  # not a list of counts
        ([1, 2], [[1, 2]], "Group B must be a list of referral counts."),
    ],
)
def test_compare_counts_refuses_impossible_counts_and_says_why(a, b, message):
    with pytest.raises(ValueError) as refused:
        compare_counts(a, b, seed=1)
    assert str(refused.value) == message


def test_a_seed_is_its_64_bits_so_a_negative_stored_seed_draws_like_its_unsigned_twin():
    # Experiment.seed is a signed bigint; NumPy's generator takes 0 <= seed, so the seed is
    # read as its 64 bits: -1 and 2**64 - 1 are the same seed, 1 and 3 are not.
    assert np.array_equal(redraws(4, 4, seed=-1), redraws(4, 4, seed=2**64 - 1))
    assert not np.array_equal(redraws(4, 4, seed=1), redraws(4, 4, seed=3))


def test_the_p_value_counts_each_redraw_at_least_as_far_from_zero_as_the_observed_split():
    # Redraws chosen by hand: the first is the observed split itself (difference 1), the other
    # two put one referrer in each group (difference 0), so p = (1 + 1) / (1 + 3).
    in_b = np.array([[0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 0, 1]], dtype=np.int8)
    assert permutation_p_values([[0, 0, 1, 1]], 2, in_b) == [0.5]


def test_each_row_of_a_simulation_is_its_own_experiment():
    rows = [[0, 0, 0, 1, 2, 4], [1, 0, 2, 0, 0, 1], [5, 0, 1, 0, 0, 0]]
    in_b = redraws(3, 3, seed=5, rounds=50)
    together = permutation_p_values(rows, 3, in_b)
    assert together == [permutation_p_values([row], 3, in_b)[0] for row in rows]
    assert len(set(together)) > 1


# --- The satisfaction model ----------------------------------------------------------------------


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


TOO_ALIKE = (
    "The answers for communication, quality and value do not vary enough to tell their "
    "weights apart."
)


@pytest.mark.parametrize(
    "rows, message",
    [
        ([(5, 5, 5, 5)] * 12, TOO_ALIKE),  # every answer identical
        ([(c, c, 3, c) for c in range(1, 11)], TOO_ALIKE),  # C and Q always equal
        (  # S never varies
            [(1, 2, 3, 7), (3, 1, 2, 7), (2, 3, 1, 7), (4, 4, 5, 7)],
            "Every answer gives the same overall satisfaction.",
        ),
        ([(1, 2, 3, 4)], TOO_ALIKE),  # fewer rows than factors
        ([], "No answers yet."),
    ],
)
def test_degenerate_answers_are_named_not_fitted(rows, message):
    with pytest.raises(NotEnoughVariation) as refused:
        fit_satisfaction(rows)
    assert str(refused.value) == message


def test_each_weight_has_its_standard_error_and_95_percent_interval():
    rows = synthetic(n=30, noise=0.8, seed=11)
    fit = fit_satisfaction(rows)
    x = np.array([r[:3] for r in rows], float)
    y = np.array([r[3] for r in rows], float)
    coef = np.linalg.solve(x.T @ x, x.T @ y)
    s2 = ((y - x @ coef) ** 2).sum() / (30 - 3)
    se = np.sqrt(np.diag(s2 * np.linalg.inv(x.T @ x)))
    t_27 = 2.0518305164802833  # Student's t, 97.5% quantile, 27 degrees of freedom
    for weight, b, e in zip(fit.weights, coef, se, strict=True):
        assert weight.value == pytest.approx(b)
        assert weight.se == pytest.approx(e)
        assert (weight.low, weight.high) == pytest.approx((b - t_27 * e, b + t_27 * e))
    assert [(w.factor, w.symbol) for w in fit.weights] == [
        ("communication frequency", "\N{GREEK SMALL LETTER ALPHA}"),
        ("service quality", "\N{GREEK SMALL LETTER BETA}"),
        ("perceived value", "\N{GREEK SMALL LETTER GAMMA}"),
    ]


def test_a_factor_clearly_ahead_is_named_most_important():
    rng = np.random.default_rng(2)
    x = rng.integers(1, 11, size=(60, 3)).astype(float)
    s = 0.1 * x[:, 0] + 0.8 * x[:, 1] + 0.1 * x[:, 2] + rng.normal(0, 0.5, 60)
    fit = fit_satisfaction(np.column_stack([x, s]).tolist())
    assert fit.most_important == "service quality"
    assert fit.runner_up == ""


def test_no_factor_is_named_when_the_lead_is_within_the_noise():
    # Quality and value weigh the same; noise puts one of them first, but not clearly.
    rng = np.random.default_rng(5)
    x = rng.integers(1, 11, size=(15, 3)).astype(float)
    s = 0.1 * x[:, 0] + 0.45 * x[:, 1] + 0.45 * x[:, 2] + rng.normal(0, 1.0, 15)
    fit = fit_satisfaction(np.column_stack([x, s]).tolist())
    assert fit.leader in ("service quality", "perceived value")
    assert fit.most_important == ""
    assert fit.runner_up in ("service quality", "perceived value")
    assert fit.runner_up != fit.leader


def test_exactly_three_answers_fit_exactly_and_name_nothing():
    fit = fit_satisfaction([(1, 2, 3, 4), (2, 1, 3, 3), (3, 3, 1, 5)])
    assert fit.n == 3
    assert fit.r2 == pytest.approx(1.0)
    assert all(w.se is None and w.low is None for w in fit.weights)
    assert fit.most_important == ""


FOUR_NUMBERS = "Each row is (C, Q, V, S), four numbers."


@pytest.mark.parametrize(
    "rows, message",
    [
        ([(1, 2, 3, 4), (2, 1, 3, 3), (3, 3, 1, 5), (5, 4, 2, None)], FOUR_NUMBERS),  # missing
        ([(1, 2, 3, 4), (2, 1, 3, 3), (3, 3, 1, 5), (5, 4, 2)], "Each row is (C, Q, V, S)."),
        ([(1, 2, 3, 4), (2, 1, 3, 3), (3, 3, 1, 5), (5, 4, 2, "six")], FOUR_NUMBERS),
        ([(1, 2, 3, 4), (2, 1, 3, 3), (3, 3, 1, 5), (5, 4, 2, float("inf"))], FOUR_NUMBERS),
    ],
)
def test_a_malformed_row_is_refused_not_fitted(rows, message):
    with pytest.raises(ValueError) as refused:
        fit_satisfaction(rows)
    assert not isinstance(refused.value, NotEnoughVariation)
    assert str(refused.value) == message


@pytest.mark.parametrize("seed", [1, 3])  # one where the lead is within the noise, one not
def test_a_factor_leads_when_the_95_percent_interval_of_each_difference_excludes_zero(seed):
    # Independently: the difference of two weights is the contrast v'b, its variance v' C v.
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 11, size=(20, 3)).astype(float)
    y = 0.1 * x[:, 0] + 0.5 * x[:, 1] + 0.4 * x[:, 2] + rng.normal(0, 0.6, 20)
    fit = fit_satisfaction(np.column_stack([x, y]).tolist())
    coef = np.linalg.solve(x.T @ x, x.T @ y)
    covariance = ((y - x @ coef) ** 2).sum() / 17 * np.linalg.inv(x.T @ x)
    t_17 = 2.1098155778331806  # Student's t, 97.5% quantile, 17 degrees of freedom
    top = int(np.argmax(coef))
    tied = []
    for other in sorted(range(3), key=lambda i: -coef[i])[1:]:
        v = np.zeros(3)
        v[top], v[other] = 1, -1
        if v @ coef - t_17 * math.sqrt(v @ covariance @ v) <= 0:
            tied.append(other)
    factors = ["communication frequency", "service quality", "perceived value"]
    assert fit.leader == factors[top]
    assert fit.runner_up == (factors[tied[0]] if tied else "")
    assert fit.most_important == ("" if tied else factors[top])
    assert {1: True, 3: False}[seed] == bool(tied)


def test_exactly_three_answers_still_give_each_weight_and_the_runner_up():
    rows = [(1, 2, 3, 4), (2, 1, 3, 3), (3, 3, 1, 5)]
    fit = fit_satisfaction(rows)
    x, y = np.array([r[:3] for r in rows], float), np.array([r[3] for r in rows], float)
    coef = np.linalg.solve(x, y)
    assert [(w.factor, w.symbol) for w in fit.weights] == [
        ("communication frequency", "\N{GREEK SMALL LETTER ALPHA}"),
        ("service quality", "\N{GREEK SMALL LETTER BETA}"),
        ("perceived value", "\N{GREEK SMALL LETTER GAMMA}"),
    ]
    assert [w.value for w in fit.weights] == pytest.approx(coef.tolist())
    factors = ["communication frequency", "service quality", "perceived value"]
    assert fit.runner_up == factors[int(np.argsort(-coef)[1])]
