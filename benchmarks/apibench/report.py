"""The figures of a run, printed, and the verdicts against the targets (targets.py)."""

from __future__ import annotations

import math
from typing import Any

from bench_common import HEADER, say, text_table

from apibench.load import LoadResult
from apibench.scenarios import EXPECTED_STATUSES, SQL_KEYS, TITLES
from apibench.sql import SqlCount
from apibench.targets import SOURCES, TARGETS, Target

BUSY = 0.15  # cores used by other processes above which a figure is marked "machine busy"


def results(load: dict[str, LoadResult], sql: dict[str, SqlCount]) -> None:
    """One row per request type: throughput, latency, CPU per request, SQL per request."""
    rows = []
    for key in SQL_KEYS:
        r, c = load.get(key), sql.get(key)
        if r is None and c is None:
            continue
        rows.append(
            [
                TITLES[key],
                f"{r.rps:,.0f}" if r else "",
                f"{r.p50_ms:.1f}" if r else "",
                f"{r.p99_ms:.1f}" if r else "",
                str(r.errors) if r else "",
                f"{r.cpu.get('busy', 0):.2f} / {r.cpu.get('others', 0):.2f}" if r else "",
                (
                    f"{r.cpu_us('server'):,.0f} / {r.cpu_us('postgres'):,.0f} / "
                    f"{r.cpu_us('loadgen'):,.0f}"
                )
                if r
                else "",
                f"{r.reference_loop_ms:.0f}" if r else "",
                f"{c.app} / {c.wire} / {c.round_trips}" if c else "",
            ]
        )
    header = ["request", "req/s", "p50 ms", "p99 ms", "errors", "cores: busy / others"]
    header += ["CPU us/req: server / PG / wrk", "ref. loop ms", "SQL: app / wire / round trips"]
    say(text_table(rows, header))
    say(
        "  cores: CPU cores busy on the whole machine while measuring, and how much of that was\n"
        "  NOT this benchmark (keep 'others' near 0). CPU us/req: CPU time one request cost in\n"
        "  the API server (all workers), PostgreSQL and wrk. ref. loop: a fixed Python loop\n"
        "  timed just before (lower is faster); req/s of two runs compare when it does.\n"
        "  SQL app: statements the code sends; wire: + BEGIN/COMMIT and the pool's pre-ping;\n"
        "  round trips: pg8000 protocol exchanges (1 per prepared statement, 3 per unprepared\n"
        "  statement with parameters)."
    )
    say("  The statements of each request (verb and tables):")
    for key, c in sql.items():
        say(f"    {TITLES[key]:<18} {'; '.join(c.statements)}")
    busy_elsewhere = [TITLES[k] for k, r in load.items() if r.cpu.get("others", 0) > BUSY]
    if busy_elsewhere:
        say(
            "  WARNING: other processes used CPU during: "
            + ", ".join(busy_elsewhere)
            + ". Those figures are low by about that share; rerun on a quiet machine."
        )


def plans(explained: dict[str, Any]) -> None:
    """Each read's own statement under EXPLAIN ANALYZE, and its generic plan."""
    for key, ex in explained.items():
        summary = f"{ex['execution_ms']} ms; indexes: {', '.join(ex['indexes']) or 'none'}"
        say(HEADER.format(f"EXPLAIN ANALYZE, {TITLES[key]}") + f"  ({summary})")
        for line in ex["plan"]:
            say("    " + line)
        if ex.get("generic_plan"):
            say("  generic plan (what runs once PostgreSQL keeps one; not run here):")
            for line in ex["generic_plan"]:
                say("    " + line)


# --- targets -------------------------------------------------------------------------------


def _limits(t: Target) -> str:
    parts = []
    if t.min_rps is not None:
        parts.append(f"≥ {t.min_rps:,.0f} req/s")
    if t.max_p99_ms is not None:
        parts.append(f"p99 ≤ {t.max_p99_ms:g} ms")
    if t.within is not None:
        parts.append(f"req/s and p50 within {t.within[1]:g}x of {TITLES[t.within[0]]}")
    if t.max_seconds is not None:
        parts.append(f"≤ {t.max_seconds:g} s")
    return ", ".join(parts) or "(no target)"


def _measured(r: LoadResult, key: str) -> str:
    text = f"{r.rps:,.0f} req/s, p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms"
    for status in EXPECTED_STATUSES.get(key, ()):
        text += f" ({r.statuses.get(str(status), 0) / max(r.requests, 1):.0%} answered {status})"
    return text + (f", {r.errors} errors" if r.errors else "")


def _verdict(t: Target, load: dict[str, LoadResult], start_s: list[float]) -> list[str] | None:
    if t.scenario == "start":
        if not start_s:
            return None
        median = sorted(start_s)[len(start_s) // 2]
        measured = f"{median:.2f} s median of {len(start_s)} (max {max(start_s):.2f} s)"
        return [
            "start -> /readyz",
            _limits(t),
            measured,
            "PASS" if median <= t.max_seconds else "MISS",
        ]
    r = load.get(t.scenario)
    if r is None:
        return None
    involved = [r]
    ok = r.errors == 0
    measured = _measured(r, t.scenario)
    if t.min_rps is not None:
        ok = ok and r.rps >= t.min_rps
    if t.max_p99_ms is not None:
        ok = ok and r.p99_ms <= t.max_p99_ms
    if t.within is not None:
        other, factor = t.within
        base = load.get(other)
        if base is None:
            return None
        involved.append(base)
        measured = (
            f"req/s x{base.rps / r.rps:.2f}, p50 x{r.p50_ms / base.p50_ms:.2f} "
            f"({r.rps:,.0f} against {base.rps:,.0f} req/s)"
        )
        ok = ok and r.rps * factor >= base.rps and r.p50_ms <= factor * base.p50_ms
    limited = any(v is not None for v in (t.min_rps, t.max_p99_ms, t.within))
    result = ("PASS" if ok else "MISS") if limited else "—"
    if any(x.cpu.get("others", 0.0) > BUSY for x in involved):
        result += " (machine busy)"
    return [TITLES[t.scenario], _limits(t), measured, result]


def verdicts(load: dict[str, LoadResult], start_s: list[float]) -> list[list[str]]:
    """Every target that this run measured: [what, target, measured, result, source]."""
    rows = []
    for t in TARGETS:
        row = _verdict(t, load, start_s)
        if row is not None:
            rows.append([*row, t.source])
    return rows


def targets(rows: list[list[str]]) -> None:
    say(text_table(rows, ["what", "target", "measured", "result", "from"]))
    for key in dict.fromkeys(row[4] for row in rows):
        say(f"  {key}: {SOURCES[key]}")


# --- the catalog search's SQL --------------------------------------------------------------


def searches(sample: list[dict[str, Any]]) -> None:
    """How long the catalog search's SQL took over the sample of terms, by plan."""
    times = [r["execution_ms"] or 0.0 for r in sample]
    say(
        HEADER.format(f"Catalog search SQL over {len(sample)} of the load's terms")
        + f"  (EXPLAIN ANALYZE: median {percentile(times, 0.5):.2f} ms, "
        f"p90 {percentile(times, 0.9):.2f} ms, max {max(times):.2f} ms)"
    )
    by_shape: dict[str, list[float]] = {}
    for r in sample:
        by_shape.setdefault(", ".join(r["indexes"]) or "no index", []).append(
            r["execution_ms"] or 0.0
        )
    for shape, ms in sorted(by_shape.items(), key=lambda item: -len(item[1])):
        say(
            f"    {len(ms):>3} searches use {shape}: median {percentile(ms, 0.5):.2f} ms, "
            f"max {max(ms):.2f} ms"
        )
    say("    slowest terms (SQL ms, rows the scan of courses returned, results on the page):")
    for r in reversed(sample[-6:]):
        say(
            f"      {r['term']!r:<24} {r['execution_ms']:8.2f} ms {r['courses_rows']:>7,} rows "
            f"{r['results']:>3} results  {', '.join(r['indexes'])}"
        )
    say("    the slowest one's plan:")
    for line in sample[-1]["plan"]:
        say("      " + line)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.floor(q * len(ordered)))] if ordered else 0.0
