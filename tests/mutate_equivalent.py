"""The mutants of `make mutate` (tests/mutate.py) known to be equivalent: each cannot change what
the module does, for the reason given. Reported apart, not in a module's score."""

_STATS = "advocates/stats.py"
_DELIVERY = "pinnacle/mail/delivery.py"
_SEALING = "transactions/selectors/sealing.py"
_BLOCK = "the block size of the redraws: every size sums the same products, so only memory changes"
_TIE = (
    "with the 1e-9 tie tolerance `>` and `>=` differ only when a redrawn difference is exactly "
    "1e-9 short of the observed one"
)
_ALPHA = (
    "a p-value is never exactly alpha: alpha is 1 - 0.95 = 0.05000000000000004 in floating "
    "point, a p-value a ratio of small integers"
)
_SEARCH = (
    "how the bound is bracketed or refined, not where it is: the same bounds to 1e-6 on 400 "
    "random experiments (equivalent in practice, not proven)"
)
EQUIVALENT: list[tuple[str, str, str, str]] = [
    (_STATS, "_redrawn_differences", after, _BLOCK)
    for after in (
        "step = max(2, _BLOCK_CELLS // max(1, in_b.shape[1] + counts.shape[0]))",
        "step = max(1, _BLOCK_CELLS // max(2, in_b.shape[1] + counts.shape[0]))",
        "step = max(1, _BLOCK_CELLS // max(1, in_b.shape[1] - counts.shape[0]))",
        "step = max(1, _BLOCK_CELLS // max(1, in_b.shape[1] + counts.shape[1]))",
    )
] + [
    (
        _STATS,
        "_redrawn_differences",
        "in_b_sums = counts @ in_b[start : start + step].T.astype(None)",
        "astype(None) is astype(float64)",
    ),
    *(
        (
            _STATS,
            "permutation_p_values",
            after,
            "counts are numbers: as ints or floats, every operation after it (means, @ with a "
            "float matrix) gives the same floats",
        )
        for after in (
            "counts = np.atleast_2d(np.asarray(counts, dtype=None))",
            "counts = np.atleast_2d(np.asarray(counts, ))",
        )
    ),
    (
        _STATS,
        "permutation_p_values",
        "extreme = np.abs(drawn) > np.abs(observed)[:, None] - _TIE",
        _TIE,
    ),
    (
        _STATS,
        "compare_counts",
        "extreme = np.abs(base - shift * slope) > abs(difference - shift) - _TIE",
        _TIE,
    ),
    *(
        (_STATS, "compare_counts", after, _ALPHA)
        for after in (
            "if toward_zero and p_value <= alpha:",
            "if p_at(outside) <= alpha:",
            "if p_at(middle) <= alpha:",
        )
    ),
    *(
        (_STATS, "compare_counts", after, _SEARCH)
        for after in (
            "span = float(data.max() + data.min()) + 1.0",
            "span = float(data.max() - data.min()) + 2.0",
            "toward_zero = None",
            "toward_zero = direction * (0.0 - difference) >= 0",
            "toward_zero = direction * (0.0 - difference) > 1",
            "outside, step = inside + direction / span, span",
            "for _ in range(21):",
            "step = 2",
            "step /= 2",
            "step *= 3",
            "inside, outside = outside, outside - direction * step",
            "inside, outside = outside, outside + direction / step",
            "for _ in range(51):",
            "return RateComparison(difference, bound(-2), bound(+1), p_value)",
            "return RateComparison(difference, bound(-1), bound(+2), p_value)",
        )
    ),
    (
        _DELIVERY,
        "is_permanent",
        'status = getattr(exc, "status_code", )',
        "every AnymailAPIError has status_code (its __init__ sets it, None by default)",
    ),
    (
        _DELIVERY,
        "_release",
        "held = OutboxMessage.objects.filter(claim_token=token)",
        "a claim token is a fresh uuid4 stamped on one row only: it names the row",
    ),
    *(
        (
            _DELIVERY,
            "deliver",
            after,
            "build_email always builds an AnymailMessage, whose anymail_status always has a "
            "message_id (None until an ESP sets it)",
        )
        for after in (
            'esp_id = getattr(getattr(email, "anymail_status", None), "message_id", )',
            'esp_id = getattr(getattr(email, "anymail_status", ), "message_id", None)',
        )
    ),
    (
        _DELIVERY,
        "due_message_ids",
        ".values_list(flat=True)[:limit]",
        "values_list(flat=True) without a field lists the model's first field, its primary key",
    ),
    *(
        (
            _SEALING,
            function,
            after,
            "Django resolves the output field of Value(False), and of a Case whose values are "
            "all booleans, to BooleanField by itself",
        )
        for function, after in (
            ("email_sealed", "return Value(False, output_field=None)"),
            ("email_sealed", "return Value(False, )"),
            ("free_text_sealed", "return Value(False, output_field=None)"),
            ("free_text_sealed", "return Value(False, )"),
            ("_any_of", "return Value(False, output_field=None)"),
            ("_any_of", "return Value(False, )"),
            ("_any_of", "output_field=None,"),
            ("_any_of", ")"),
        )
    ),
    (
        "transactions/selectors/sight.py",
        "sight_annotations",
        '.annotate(cover=Func(F("covers"), function="UNNEST", output_field=CharField()))',
        "PostgreSQL reads unquoted function names case-blind: UNNEST is unnest",
    ),
    (
        "transactions/selectors/sight.py",
        "outside_looks",
        "return [(pk, LEADERSHIP_SIGHT) for pk in outside.values_list(flat=True)]",
        "values_list(flat=True) without a field lists the model's first field, its primary key",
    ),
    (
        _STATS,
        "fit_satisfaction",
        "coefficients, *_ = np.linalg.lstsq(x, y, )",
        "NumPy 2's default rcond is None (machine precision times the larger dimension)",
    ),
    *(
        (
            _STATS,
            "fit_satisfaction",
            after,
            "three values: NumPy sorts them by insertion, stable as well; 'STABLE' is read "
            "case-blind (on a CPU with AVX-512 the default sort may not be stable)",
        )
        for after in (
            "order = [int(i) for i in np.argsort(-coefficients, kind=None)]",
            "order = [int(i) for i in np.argsort(-coefficients, )]",
            'order = [int(i) for i in np.argsort(-coefficients, kind="STABLE")]',
        )
    ),
    (
        _STATS,
        "fit_satisfaction",
        "if lead - quantile * math.sqrt(max(float(spread), 0.0)) < 0:",
        "the lower end of the interval of the difference is exactly 0 only by a coincidence of "
        "floating point",
    ),
]
