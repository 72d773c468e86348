"""The benchmark's results as Markdown: one row per page, ratios first, targets checked."""

from __future__ import annotations

# The targets: anonymous pages at half the reference's throughput or better; a member's
# pages at a quarter or better, with p95 under 100 ms at 16 connections.
ANONYMOUS_RATIO = 0.5
MEMBER_RATIO = 0.25
MEMBER_P95_MS = 100
MET = {True: "yes", False: "**no**", None: "-"}


def target(row: dict) -> tuple[str, bool | None]:
    if row.get("yardstick"):
        return "(yardstick)", None
    if row["as"] == "anonymous":
        return f"≥ {ANONYMOUS_RATIO}x", row["ratio"] >= ANONYMOUS_RATIO
    met = row["ratio"] >= MEMBER_RATIO and row["p95_ms"] < MEMBER_P95_MS
    return f"≥ {MEMBER_RATIO}x, p95 < {MEMBER_P95_MS} ms", met


def pages(result: dict) -> str:
    m = result["machine"]
    lines = [
        "# Pages under load",
        "",
        f"{result['date']}, commit {m['commit']}, {m['cores']} cores ({m['cpu']}), "
        f"Python {m['python']}. Seed scale {result['scale']}; gunicorn "
        f"`{' '.join(result['gunicorn'])}`; wrk, {result['concurrency']} connections, "
        f"{result['seconds_per_page']} s per page after a 2 s warm-up, on loopback.",
        "",
        "Throughput is a ratio of the reference view (a fixed response through the full "
        "middleware) measured on the same server in the same run, anonymous or with the same "
        "session as the page. The last three columns come from one process without load.",
        "",
        "| page | as | x reference | req/s | p50 ms | p95 ms | p99 ms | target | met "
        "| queries | ms alone | templates |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |",
    ]
    for row in result["pages"]:
        wanted, met = target(row)
        share = row["template_ms"] / row["ms"] if row["ms"] else 0
        lines.append(
            f"| {row['name']} | {row['as']} | {row['ratio']:.2f}x | {row['rps']:.0f} "
            f"| {row['p50_ms']:.0f} | {row['p95_ms']:.0f} | {row['p99_ms']:.0f} | {wanted} "
            f"| {MET[met]} | {row['queries']} | {row['ms']:.1f} "
            f"| {share:.0%} |"
        )
    references = sorted({(row["as"], round(row["reference_rps"])) for row in result["pages"]})
    lines += [
        "",
        "Reference: " + ", ".join(f"{rps} req/s as {who}" for who, rps in references) + ".",
        "",
    ]
    return "\n".join(lines)
