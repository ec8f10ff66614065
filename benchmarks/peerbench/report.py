"""The comparison's one table: per request type the median over the rounds of each side's
req/s, p99 and CPU per request (the server's workers and PostgreSQL), and the
statements each request made PostgreSQL run."""

from __future__ import annotations

import statistics

from apibench.load import LoadResult
from bench_common import text_table

from peerbench.requests import REQUEST_TYPES

HEADER = [
    "request",
    "Quad req/s",
    "peer req/s",
    "Quad/peer",
    "p99 ms Quad / peer",
    "statements Quad / peer",
    "CPU us/req Quad / peer",
    "errors Quad / peer",
]


def median(results: list[LoadResult], figure: str) -> float | None:
    if not results:
        return None
    if figure == "cpu":
        return statistics.median(r.cpu_us("server") + r.cpu_us("postgres") for r in results)
    return statistics.median(getattr(r, figure) for r in results)


def _pair(quad: float | None, peer: float | None, fmt: str, missing: str) -> str:
    def one(v: float | None) -> str:
        return missing if v is None else format(v, fmt)

    return f"{one(quad)} / {one(peer)}"


def rows(
    results: dict[str, dict[str, list[LoadResult]]],
    statements: dict[str, dict[str, float]],
) -> list[list[str]]:
    """`results[key]["quad" | "peer"]`: the rounds' measurements; `statements[key][side]`:
    statements per request. A request the peer does not have shows "n/a" on its side."""
    out = []
    for t in REQUEST_TYPES:
        if t.key not in results:
            continue
        quad, peer = results[t.key].get("quad", []), results[t.key].get("peer", [])
        missing = "n/a" if t.peer is None else "-"
        q_rps, p_rps = median(quad, "rps"), median(peer, "rps")
        ratio = f"{q_rps / p_rps:.2f}" if q_rps and p_rps else missing
        counts = statements.get(t.key, {})
        errors = _pair(
            median(quad, "errors") if quad else None,
            median(peer, "errors") if peer else None,
            ",.0f",
            missing,
        )
        out.append(
            [
                t.title,
                format(q_rps, ",.0f") if q_rps is not None else "-",
                format(p_rps, ",.0f") if p_rps is not None else missing,
                ratio,
                _pair(median(quad, "p99_ms"), median(peer, "p99_ms"), ".1f", missing),
                _pair(counts.get("quad"), counts.get("peer"), ".1f", missing),
                _pair(median(quad, "cpu"), median(peer, "cpu"), ",.0f", missing),
                errors,
            ]
        )
    return out


def table(
    results: dict[str, dict[str, list[LoadResult]]], statements: dict[str, dict[str, float]]
) -> str:
    return text_table(rows(results, statements), HEADER)
