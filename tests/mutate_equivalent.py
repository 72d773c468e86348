"""The mutants of `make mutate` (tests/mutate.py) known to be equivalent: each cannot change what
the module does, for the reason given. Reported apart, not in a module's score."""

_STATS = "advocates/stats.py"
_DELIVERY = "pinnacle/mail/delivery.py"
_SEALING = "transactions/selectors/sealing.py"
_SIGHT = "transactions/selectors/sight.py"
_INTAKE = "leads/services/intake.py"
_NOSEC = "  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction"
_HOLDS = "the message of an assert that always holds (see its comment) is never shown"
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
        _SIGHT,
        "sight_annotations",
        '.annotate(cover=Func(F("covers"), function="UNNEST", output_field=CharField()))',
        "PostgreSQL reads unquoted function names case-blind: UNNEST is unnest",
    ),
    *(
        (
            _SIGHT,
            "sight_annotations",
            after,
            "the same SQL but for a cast: without it Django types the unnested covers as the "
            "covers' array, so `granted` reads as an array of arrays and `granted__contains` "
            "casts to varchar(N)[][], which PostgreSQL takes as varchar(N)[] (it ignores declared "
            "dimensions); nothing converts the values read (CharField has no from_db_value)",
        )
        for after in (
            '.annotate(cover=Func(F("covers"), function="unnest", output_field=None))',
            '.annotate(cover=Func(F("covers"), function="unnest", ))',
        )
    ),
    (
        _SIGHT,
        "Sight.event_summary",
        'actor = event.actor.display_name if event.actor_id or event.actor else ""',
        "with no actor_id Django reads event.actor as None without a query, so `or` is as "
        "false as `and`; with one, event.actor is the member (or raises) under both",
    ),
    *(
        (
            _SIGHT,
            "lead_transactions_seen",
            after,
            "the memo key's first part only names the question: no other remember() call in "
            "the code uses either string, so the key still names this question alone",
        )
        for after in (
            'return remember(("XXtransactions.lead_transactions_seenXX", lead.pk, viewer.pk), '
            "read)",
            'return remember(("TRANSACTIONS.LEAD_TRANSACTIONS_SEEN", lead.pk, viewer.pk), read)',
        )
    ),
    (
        _SIGHT,
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
    (
        _INTAKE,
        "referrer_choices",
        '.only("slug", "display_name", "company__name", "partnership_id")',
        "only() always reads the primary key, named or not",
    ),
    *(
        (_INTAKE, "_submitted_lead", after, _HOLDS)
        for after in (
            'assert theirs is not None, "XXthe unique index refused ours: theirs existsXX"  # '
            "nosec B101: type narrowing for mypy, not a guard: the invariant holds by construction",
            'assert theirs is not None, "THE UNIQUE INDEX REFUSED OURS: THEIRS EXISTS"  # nosec '
            "B101: type narrowing for mypy, not a guard: the invariant holds by construction",
            'assert referrer is not None, "XXan advocate referral names its referrer (checked '
            'above)XX"  # nosec B101: type narrowing for mypy, not a guard: the invariant holds '
            "by construction",
            'assert referrer is not None, "AN ADVOCATE REFERRAL NAMES ITS REFERRER (CHECKED '
            'ABOVE)"  # nosec B101: type narrowing for mypy, not a guard: the invariant holds by '
            "construction",
        )
    ),
    *(
        (
            _INTAKE,
            function,
            "lead.save(update_fields=None)",
            "the lead was read whole under its row lock in this transaction and has no auto_now "
            "field (its generated column is never written): saving every field writes back what "
            "was read, plus the fields named",
        )
        for function in ("_adopt_referrer", "_update_lead")
    ),
    (
        _INTAKE,
        "send_intake_emails",
        '"first_submission": None if (named_you) and False else first_submission(lead),',
        "the notice's templates read first_submission only where named_you is false (the "
        "mutant reads it for nothing, one query more)",
    ),
    (
        "outreach/selectors/policy.py",
        "PairState.decide",
        "None,",
        "a refusal's `allowed` as None: every reader (make_attempt, the outreach panel, the "
        "compose, recommend and lead-actions templates) reads it as a truth value, and None is "
        "as false as False",
    ),
    (
        "outreach/services/attempts.py",
        "_lock_pair",
        "member=member, lead=lead",
        "the pair is made only here, with the lead's partnership, after checking the member is "
        "of it: member and lead name the one row with or without the partnership",
    ),
    *(
        ("policy/services/revisions.py", "_not_voting", after + _NOSEC, _HOLDS)
        for after in (
            'assert revision.voting_opens_at is not None, "XXa vote opens with its windowXX"',
            'assert revision.voting_opens_at is not None, "A VOTE OPENS WITH ITS WINDOW"',
        )
    ),
    (
        "policy/services/revisions.py",
        "passes",
        "return yes >= 0 and 2 * yes > yes + no",
        "2 * yes > yes + no is yes > no, and no is a count (at least 0): yes > 0 follows",
    ),
    (
        "policy/services/revisions.py",
        "_close",
        "update_fields=None",
        "the revision was read whole under its row lock (close_voting, close_due_votes) and "
        "has no auto_now field: saving every field writes back what was read, plus the "
        "fields named",
    ),
    (
        "policy/services/revisions.py",
        "_close",
        'version = ""',
        "a rejected revision's version is read only as a truth value (`if version` in the "
        "audit, `{% if version %}` in the result emails): an empty string is as false as None",
    ),
    *(
        (
            "policy/services/revisions.py",
            "_close",
            after,
            "the result emails' idempotency keys need only differ from the vote's ('vote'): "
            "this part in their place does, and still names one email per member and revision",
        )
        for after in ("key=None,", 'key="XXresultXX",', 'key="RESULT",')
    ),
    (
        "policy/services/revisions.py",
        "_adopt",
        "partnership.save(update_fields=None)",
        "the partnership was read whole under its row lock (_close) and has no auto_now "
        "field: saving every field writes back what was read, plus the numbers changed",
    ),
    (
        "policy/services/revisions.py",
        "close_due_votes",
        ".select_related(None)",
        "the sweep reads only each revision's partnership_id, and _close replaces its "
        "partnership with the one it locks before reading any of it",
    ),
    (
        "policy/services/revisions.py",
        "_adopt",
        "number=(latest or 1) + 1,",
        "a revision is drafted from the current version (ensure_policy makes version 1 first) "
        "and opened only while that is still current: at adoption latest is at least 1",
    ),
]
