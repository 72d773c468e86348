"""Mutation testing of the core rules (`make mutate`, docs/reliability.md): every small change
mutmut's operators make to one module (a `<` for a `<=`, a string for another, an argument
dropped ...) must make at least one of the tests that run that line fail.

    python -m tests.mutate [MODULE ...]     # all of MODULES when none is named

Not mutmut's own runner: it runs the suite twice in one process and keeps its mutants behind
trampolines, and under pytest-django + PostgreSQL its clean run failed tests that pass. Here
one pytest process per module runs the module's tests once (the baseline, under coverage with
one context per test), then forks once per mutant (tests/mutate_plugin.py): the child swaps the
one mutated function's code object in place (`func.__code__`, so every module that imported the
function sees it), runs only the tests that ran the mutated lines, stops at the first failure
and exits. Forks run one at a time: the tests share one test database.

Outcomes: killed (a test failed), timeout (the tests ran 3x their baseline time: counted as
killed), survived, uncovered (no selected test runs the line: a survivor, not run).
The score is (killed + timeout) / all mutants. Known equivalent mutants, each with the reason
it cannot change behaviour, are listed in EQUIVALENT (tests/mutate_equivalent.py) and reported
apart (not in the score's denominator). Results go to bench/results/mutation.md (and
mutation.json, by module).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.mutate_equivalent import EQUIVALENT

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
    "tests/transactions/test_sight_selectors.py",
    "tests/leads/test_timeline_confidentiality.py",
    "tests/outreach/test_timeline_confidentiality.py",
]
# The engagement policy's decisions and the attempts that follow them (not the demo's seeding,
# the query plans or the timeline's confidentiality, which run neither's rules).
OUTREACH_TESTS = [
    "tests/outreach/test_policy.py",
    "tests/outreach/test_policy_refusals.py",
    "tests/outreach/test_attempt_records.py",
    "tests/outreach/test_compliance.py",
    "tests/outreach/test_pages.py",
    "tests/outreach/test_stage.py",
]
MODULES: dict[str, list[str]] = {
    "advocates/stats.py": ["tests/advocates/test_stats.py"],
    "pinnacle/mail/delivery.py": [
        "tests/pinnacle/test_mail_pipeline_queueing.py",
        "tests/pinnacle/test_mail_pipeline_retries.py",
        "tests/pinnacle/test_mail_pipeline_records.py",
        "tests/pinnacle/test_mail_pipeline_opt_outs.py",
        "tests/pinnacle/test_tracking_webhooks.py",
    ],
    "outreach/selectors/policy.py": OUTREACH_TESTS,
    "outreach/services/attempts.py": OUTREACH_TESTS,
    "transactions/selectors/sight.py": CONFIDENTIALITY_TESTS,
    "transactions/selectors/sealing.py": CONFIDENTIALITY_TESTS,
    "policy/services/revisions.py": [
        "tests/policy/test_governance_revisions.py",
        "tests/policy/test_revision_checks.py",
        "tests/policy/test_governance_closing.py",
        "tests/policy/test_governance_sweep.py",
        "tests/policy/test_governance_policy_text.py",
        "tests/policy/test_policy_pages.py",
        "tests/policy/test_policy_admin.py",
    ],
    "leads/services/intake.py": [
        "tests/leads/test_intake.py",
        "tests/leads/test_intake_records.py",
        "tests/leads/test_inquiry_sweep.py",
        "tests/leads/test_opt_out.py",
        "tests/leads/test_member_emails.py",
        "tests/leads/test_prospect_access.py",
    ],
}

# Mutants shown equivalent: (module, function, the mutated source line as printed, why). A
# listed mutant still runs; it is reported as equivalent only if it survives.

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
        command = [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "tests.mutate_plugin"]
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
