"""`make mutate`'s pytest plugin (tests/mutate.py runs `pytest -p tests.mutate_plugin` once per
module): the module's mutants (mutmut's operators), the baseline run under coverage, and one
fork per mutant that swaps the mutated function's code in and runs the tests that ran its lines.
The outcomes go to the file MUTATE_REPORT names."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import time
from pathlib import Path

import pytest

from tests.mutate import MODULES, ROOT

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


# --- the pytest plugin (loaded with -p tests.mutate_plugin in the module's own pytest process) ----


def _run_items(items, chain_end) -> str | None:
    """Run the items in order; the node id of the first that fails, else None."""
    from _pytest.runner import runtestprotocol

    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else chain_end
        reports = runtestprotocol(item, log=False, nextitem=following)
        if any(report.failed for report in reports):
            return item.nodeid
    return None


def _transactional(item) -> bool:
    """Whether pytest-django runs the test in a transaction it flushes (it orders those last)."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


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
        # Fastest first: a killed mutant then costs its quickest failing test. Transactional
        # tests last, as pytest-django orders them: their flush empties every table (content
        # types too), so a test after one can fail whatever the mutant, a false kill.
        return [
            by_id[i]
            for i in sorted(ids, key=lambda i: (_transactional(by_id[i]), durations[i], order[i]))
        ]

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
