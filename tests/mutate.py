"""Mutation testing of the core rules (`make mutate`, README: Reliability): every small change
mutmut's operators make to one module (a `<` for a `<=`, a string for another, an argument
dropped ...) must make at least one of the tests that run that line fail.

    python -m tests.mutate [MODULE ...]     # all of MODULES when none is named

Not mutmut's own runner: it runs the suite twice in one process and keeps its mutants behind
trampolines, and under pytest-django + PostgreSQL its clean run failed tests that pass. Here
one pytest process per module runs the module's tests once (the baseline, under coverage with
one context per test), then forks once per mutant: the child swaps the one mutated function's
code object in place (`func.__code__`, so every module that imported the function sees it),
runs only the tests that ran the mutated lines, stops at the first failure and exits. Forks
run one at a time: the tests share one test database.

Outcomes: killed (a test failed), timeout (the tests ran 3x their baseline time: counted as
killed), survived, uncovered (no selected test runs the line: a survivor, not run).
The score is (killed + timeout) / all mutants. Known equivalent mutants, each with the reason
it cannot change behaviour, are listed in EQUIVALENT and reported apart (not in the score's
denominator). Results go to bench/results/mutation.md (and mutation.json, by module).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

# Each module under test and the tests that exercise it (the baseline runs all of them; each
# mutant only those that ran one of its lines). Browser journeys are left out (`not e2e`).
CONFIDENTIALITY_TESTS = [
    "tests/transactions/test_transaction_confidentiality_access.py",
    "tests/transactions/test_transaction_confidentiality_covers.py",
    "tests/transactions/test_transaction_confidentiality_logging.py",
    "tests/transactions/test_transaction_visibility.py",
    "tests/transactions/test_disclosures.py",
    "tests/leads/test_timeline_confidentiality.py",
    "tests/outreach/test_timeline_confidentiality.py",
]
MODULES: dict[str, list[str]] = {
    "advocates/stats.py": ["tests/advocates/test_stats.py"],
    "pinnacle/mail/delivery.py": [
        "tests/pinnacle/test_mail_pipeline_queueing.py",
        "tests/pinnacle/test_mail_pipeline_retries.py",
        "tests/pinnacle/test_mail_pipeline_opt_outs.py",
        "tests/pinnacle/test_tracking_webhooks.py",
    ],
    "outreach/selectors/policy.py": ["tests/outreach"],
    "outreach/services/attempts.py": ["tests/outreach"],
    "transactions/selectors/sight.py": CONFIDENTIALITY_TESTS,
    "transactions/selectors/sealing.py": CONFIDENTIALITY_TESTS,
    "policy/services/revisions.py": ["tests/policy"],
    "leads/services/intake.py": [
        "tests/leads/test_intake.py",
        "tests/leads/test_inquiry_sweep.py",
        "tests/leads/test_opt_out.py",
        "tests/leads/test_member_emails.py",
        "tests/leads/test_prospect_access.py",
    ],
}

# Mutants shown equivalent: (module, function, the mutated source line as printed, why). A
# listed mutant still runs; it is reported as equivalent only if it survives.
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


# --- mutants ------------------------------------------------------------------------------


def mutants(path: Path) -> list[dict]:
    """Every mutant mutmut's operators make of the module, within functions (as mutmut: module
    and class bodies are left alone), each with the function's qualified name, the lines the
    mutated node spans, whether it sits in the function's parameters, and the mutated source."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider
    from mutmut.mutation.file_mutation import create_mutations, deep_replace

    code = path.read_text()
    module, mutations, _, _ = create_mutations(str(path), code)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    qualnames: dict[int, str] = {}
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            qualnames[id(statement)] = statement.name.value
        elif isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            for method in statement.body.body:
                if isinstance(method, cst.FunctionDef):
                    qualnames[id(method)] = f"{statement.name.value}.{method.name.value}"
    found = []
    for mutation in mutations:
        function = mutation.contained_by_top_level_function
        if function is None or id(function) not in qualnames:
            continue
        span = positions[mutation.original_node]
        body_start = positions[function.body].start.line
        mutated = deep_replace(module, mutation.original_node, mutation.mutated_node)
        source = mutated.code  # type: ignore[union-attr]
        # Shown: the first line the mutant changes (a call over several lines changes a later
        # one), or the node's first line when it removes lines.
        old_lines, new_lines = code.splitlines(), source.splitlines()
        shown = next(
            (
                n
                for n in range(span.start.line - 1, min(len(old_lines), len(new_lines)))
                if old_lines[n] != new_lines[n]
            ),
            span.start.line - 1,
        )
        before = old_lines[shown].strip()
        after = new_lines[shown].strip() if shown < len(new_lines) else ""
        found.append(
            {
                "function": qualnames[id(function)],
                "lines": list(range(span.start.line, span.end.line + 1)),
                "function_lines": list(
                    range(positions[function].start.line, positions[function].end.line + 1)
                ),
                "in_parameters": span.start.line < body_start,
                "line": shown + 1,
                "before": before,
                "after": after,
                "source": source,
            }
        )
    for number, mutant in enumerate(found, 1):
        mutant["id"] = number
    return found


def _patch(module_name: str, mutant: dict) -> None:
    """Put the mutant's code (and defaults) into the live function object."""
    import importlib

    import libcst as cst

    live = importlib.import_module(module_name)
    path = live.__file__
    owner, _, name = mutant["function"].rpartition(".")
    target = getattr(getattr(live, owner), name) if owner else getattr(live, name)
    target = getattr(target, "__func__", target)  # staticmethod / classmethod
    compiled = compile(mutant["source"], path, "exec", dont_inherit=True)

    def find(code):
        for constant in code.co_consts:
            if hasattr(constant, "co_qualname"):
                if constant.co_qualname == mutant["function"]:
                    return constant
                inner = find(constant)
                if inner is not None:
                    return inner
        return None

    new_code = find(compiled)
    if new_code is None:
        raise RuntimeError(f"{mutant['function']} not found in the mutant")
    target.__code__ = new_code
    if mutant["in_parameters"]:
        # Defaults are evaluated when the def runs: evaluate the mutant's in the module.
        tree = cst.parse_module(mutant["source"])
        for node in tree.body:
            candidates = [node]
            if isinstance(node, cst.ClassDef) and node.name.value == owner:
                candidates = list(node.body.body)
            for candidate in candidates:
                if isinstance(candidate, cst.FunctionDef) and candidate.name.value == name:
                    params = candidate.params
                    positional = [p for p in (*params.posonly_params, *params.params) if p.default]
                    target.__defaults__ = (
                        tuple(eval(tree.code_for_node(p.default), vars(live)) for p in positional)
                        or None
                    )
                    target.__kwdefaults__ = {
                        p.name.value: eval(tree.code_for_node(p.default), vars(live))
                        for p in params.kwonly_params
                        if p.default
                    } or None


# --- the pytest plugin (loaded with -p tests.mutate in the module's own pytest process) ----


def _run_items(items, chain_end) -> str | None:
    """Run the items in order; the node id of the first that fails, else None."""
    from _pytest.runner import runtestprotocol

    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else chain_end
        reports = runtestprotocol(item, log=False, nextitem=following)
        if any(report.failed for report in reports):
            return item.nodeid
    return None


def _fork_run(run, timeout: float) -> tuple[str, float]:
    from django.db import connections

    connections.close_all()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os._exit(run())
        except BaseException:
            os._exit(3)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            outcome = {0: "survived", 1: "killed"}.get(code, "error")
            return outcome, time.monotonic() - started
        if time.monotonic() - started > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout", time.monotonic() - started
        time.sleep(0.05)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    if os.environ.get("MUTATE_TARGET") is None or session.config.option.collectonly:
        return None
    import coverage

    target = Path(os.environ["MUTATE_TARGET"])
    module_name = str(target.with_suffix("")).replace("/", ".")
    report_path = Path(os.environ["MUTATE_REPORT"])
    items = list(session.items)
    terminal = session.config.pluginmanager.get_plugin("terminalreporter")

    def say(text: str) -> None:
        terminal.write_line(text)

    # The baseline: every selected test, with the lines of the module each one runs.
    started = time.monotonic()
    cov = coverage.Coverage(config_file=False, data_file=None, include=[str(ROOT / target)])
    durations: dict[str, float] = {}
    cov.start()
    from _pytest.runner import runtestprotocol

    failed = []
    for index, item in enumerate(items):
        cov.switch_context(item.nodeid)
        begun = time.monotonic()
        # The last test's teardown keeps what the first test needs (the session's test
        # database, the seeded demo), so the forks start from it.
        following = items[index + 1] if index + 1 < len(items) else items[0]
        reports = runtestprotocol(item, log=False, nextitem=following)
        durations[item.nodeid] = time.monotonic() - begun
        if any(report.failed for report in reports):
            failed.append(item.nodeid)
    cov.stop()
    baseline_seconds = time.monotonic() - started
    if failed:
        say(f"The baseline fails ({len(failed)} tests), first: {failed[0]}")
        session.testsfailed = len(failed)
        return True
    data = cov.get_data()
    # A mutant on a statement's continuation line (a string's second half) is selected by the
    # statement's first line, the one coverage records.
    statements = sorted(cov.analysis2(str(ROOT / target))[1])
    tests_by_line: dict[int, set[str]] = {}
    for line, contexts in data.contexts_by_lineno(str(ROOT / target)).items():
        tests_by_line.setdefault(line, set()).update(c for c in contexts if c)
    order = {item.nodeid: index for index, item in enumerate(items)}
    by_id = {item.nodeid: item for item in items}

    def selection(lines) -> list:
        starts = {max((s for s in statements if s <= line), default=line) for line in lines}
        ids = set().union(*(tests_by_line.get(line, set()) for line in set(lines) | starts))
        # Fastest first: a killed mutant then costs its quickest failing test.
        return [by_id[i] for i in sorted(ids, key=lambda i: (durations[i], order[i]))]

    # A fork that changes nothing must pass: the check mutmut's "clean run" makes.
    def clean():
        return 1 if _run_items(items, items[0]) else 0

    outcome, _ = _fork_run(clean, timeout=3 * baseline_seconds + 30)
    if outcome != "survived":
        say(f"An unmutated fork does not pass ({outcome}): mutants cannot be judged.")
        session.testsfailed = 1
        return True

    found = mutants(ROOT / target)
    only = os.environ.get("MUTATE_ONLY")
    if only:  # `--survivors`: only the mutants that survived the last run
        wanted = set(json.loads(only))
        found = [m for m in found if m["id"] in wanted]
    say(f"{target}: {len(found)} mutants, baseline {baseline_seconds:.0f}s over {len(items)} tests")
    results = []
    for mutant in found:
        lines = mutant["function_lines"] if mutant["in_parameters"] else mutant["lines"]
        tests = selection(lines)
        record = {k: mutant[k] for k in ("id", "function", "line", "before", "after")}
        if not tests:
            record.update(outcome="uncovered", seconds=0.0, tests=0)
        else:

            def run(tests=tests, mutant=mutant):
                _patch(module_name, mutant)
                return 1 if _run_items(tests, items[0]) else 0

            limit = 3 * sum(durations[t.nodeid] for t in tests) + 15
            outcome, seconds = _fork_run(run, timeout=limit)
            record.update(outcome=outcome, seconds=round(seconds, 1), tests=len(tests))
        results.append(record)
        say(
            f"  #{record['id']:>3} {record['outcome']:<9} {record['function']}:"
            f"{record['line']}  {record['after'][:70]}"
        )
    report_path.write_text(
        json.dumps(
            {
                "module": str(target),
                "source_sha1": hashlib.sha1((ROOT / target).read_bytes()).hexdigest(),
                "tests": MODULES[str(target)],
                "baseline_tests": len(items),
                "baseline_seconds": round(baseline_seconds, 1),
                "seconds": round(time.monotonic() - started, 1),
                "mutants": results,
            },
            indent=1,
        )
    )
    return True


SURVIVING = ("survived", "uncovered", "error")

# --- the command ----------------------------------------------------------------------------


def _equivalent(module: str, record: dict) -> str | None:
    for path, function, after, reason in EQUIVALENT:
        if path == module and function == record["function"] and after == record["after"]:
            return reason
    return None


def summarise(result: dict) -> dict:
    module = result["module"]
    counts = {"killed": 0, "timeout": 0, "survived": 0, "uncovered": 0, "error": 0}
    equivalent = []
    survivors = []
    for record in result["mutants"]:
        if record["outcome"] in ("survived", "uncovered"):
            reason = _equivalent(module, record)
            if reason:
                equivalent.append((record, reason))
                continue
            survivors.append(record)
        counts[record["outcome"]] += 1
    judged = sum(counts.values())
    score = (counts["killed"] + counts["timeout"]) / judged if judged else 1.0
    return {"counts": counts, "equivalent": equivalent, "survivors": survivors, "score": score}


def write_markdown(results: dict[str, dict]) -> Path:
    lines = [
        "# Mutation testing (`make mutate`)",
        "",
        "mutmut's operators applied one at a time to each module; a mutant is killed when one "
        "of the tests that run its lines fails (tests/mutate.py). Score = (killed + timeout) / "
        "(mutants - equivalent).",
        "",
        "| Module | Mutants | Killed | Timeout | Survived | Uncovered | Equivalent | Score "
        "| Full run (s) | Survivors rerun (s) | Last run (UTC) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    details = []
    for module, result in sorted(results.items()):
        summary = summarise(result)
        c = summary["counts"]
        rerun = result.get("survivors_rerun", {}).get("seconds", "")
        lines.append(
            f"| {module} | {len(result['mutants'])} | {c['killed']} | {c['timeout']} | "
            f"{c['survived']} | {c['uncovered']} | {len(summary['equivalent'])} | "
            f"{summary['score']:.1%} | {result['seconds']:.0f} | {rerun} | "
            f"{result.get('run_at', '')} |"
        )
        if summary["survivors"] or summary["equivalent"]:
            details += ["", f"## {module}", ""]
            for record in summary["survivors"]:
                details.append(
                    f"- {record['outcome']} #{record['id']} `{record['function']}` line "
                    f"{record['line']}: `{record['before']}` -> `{record['after']}`"
                )
            for record, reason in summary["equivalent"]:
                details.append(
                    f"- equivalent #{record['id']} `{record['function']}` line {record['line']}: "
                    f"`{record['after']}`: {reason}"
                )
    lines.append("")
    lines.append(
        "Tests per module: the `MODULES` mapping in tests/mutate.py. A survivors rerun "
        "(`python -m tests.mutate --survivors MODULE`) runs again only the mutants that survived "
        "the module's last run, after tests were added (the module itself unchanged)."
    )
    path = RESULTS / "mutation.md"
    path.write_text("\n".join(lines + details) + "\n")
    return path


def main(argv: list[str]) -> int:
    """`--survivors`: rerun only the mutants that survived the module's last recorded run (the
    module unchanged since), keeping the others' outcomes: after tests are added, a killed
    mutant stays killed."""
    survivors_only = "--survivors" in argv
    argv = [a for a in argv if a != "--survivors"]
    chosen = argv or list(MODULES)
    unknown = [m for m in chosen if m not in MODULES]
    if unknown:
        print(f"Unknown module(s): {', '.join(unknown)}. Known: {', '.join(MODULES)}")
        return 2
    store = RESULTS / "mutation.json"
    results = json.loads(store.read_text()) if store.exists() else {}
    status = 0
    for module in chosen:
        report = RESULTS / f".mutation-{module.replace('/', '.')}.json"
        report.unlink(missing_ok=True)
        env = dict(os.environ, MUTATE_TARGET=module, MUTATE_REPORT=str(report))
        previous = results.get(module)
        if survivors_only and previous:
            if (
                previous.get("source_sha1")
                != hashlib.sha1((ROOT / module).read_bytes()).hexdigest()
            ):
                print(f"{module} changed since its last run: run it whole.")
                return 2
            again = [m["id"] for m in previous["mutants"] if m["outcome"] in SURVIVING]
            env["MUTATE_ONLY"] = json.dumps(again)
        command = [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "tests.mutate"]
        command += ["-q", "-m", "not e2e", *MODULES[module]]
        print(f"== {module}", flush=True)
        subprocess.run(command, cwd=ROOT, env=env, check=False)
        if not report.exists():
            print(f"{module}: no result (the baseline or the clean fork failed)")
            status = 1
            continue
        result = json.loads(report.read_text())
        report.unlink()
        if "MUTATE_ONLY" in env and previous:
            rerun = {m["id"]: m for m in result["mutants"]}
            result["mutants"] = [rerun.get(m["id"], m) for m in previous["mutants"]]
            result["survivors_rerun"] = {"mutants": len(rerun), "seconds": result["seconds"]}
            result["seconds"] = previous["seconds"]
        result["run_at"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
        results[module] = result
        summary = summarise(result)
        print(f"{module}: score {summary['score']:.1%} {summary['counts']}")
        for record in summary["survivors"]:
            print(
                f"  {record['outcome']} #{record['id']} {record['function']}:{record['line']}"
                f"  {record['before']}  ->  {record['after']}"
            )
        # Another module's run may have finished meanwhile: merge into the file as it is now.
        stored = json.loads(store.read_text()) if store.exists() else {}
        results = {**stored, module: result}
        store.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    print(f"Written: {write_markdown(results).relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
