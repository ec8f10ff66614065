"""The load generator: wrk, replaying a file of pre-built requests
(benchmarks/wrk/requests.lua) against the server for a bounded time per scenario.

wrk (C) spends about half the CPU per request the Python client it replaced did, and on
the 2 cores the server, PostgreSQL and the load generator share, what the generator takes
the server does not get. Debian and Ubuntu: `apt-get install -y wrk`; macOS:
`brew install wrk`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bench_common import BENCH_DIR, CpuMeter, reference_loop_ms, say

from apibench.scenarios import CONDITIONAL, EXPECTED_STATUSES, TITLES
from apibench.workload import Request, write_requests

WRK_SCRIPT = BENCH_DIR / "wrk" / "requests.lua"
INSTALL_WRK = "apt-get install -y wrk (Debian, Ubuntu) or brew install wrk (macOS)"


def wrk_version() -> str:
    """wrk's version line; exits with how to install it when it is missing."""
    if shutil.which("wrk") is None:
        raise SystemExit(f"wrk is not installed: {INSTALL_WRK}")
    out = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (out.stdout or out.stderr).splitlines()[0].split(" Copyright")[0].strip()


@dataclass
class LoadResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx responses (but the expected ones), timeouts and socket errors
    tool: str
    cpu: dict[str, float] = field(default_factory=dict)  # cores used, see CpuMeter.stop
    attempts: int = 1  # measurements needed until the workers shared the connections
    statuses: dict[str, int] = field(default_factory=dict)  # when asked for: responses by status
    sent: int = 0  # requests in the measured file (more answered: the file went round)
    reference_loop_ms: float = 0.0  # the machine's speed just before (bench_common)
    bytes: int = 0  # read from the server, headers included

    def expect(self, statuses: Iterable[int]) -> None:
        """These answers are part of the scenario (409 for a clash), not errors."""
        self.errors -= sum(self.statuses.get(str(s), 0) for s in statuses)

    def cpu_us(self, part: str) -> float:
        """CPU microseconds one request cost in `part` (server, postgres, loadgen)."""
        return self.cpu.get(part, 0.0) / self.rps * 1e6 if self.rps else 0.0


def run_wrk(
    url: str, path: Path, duration: float, connections: int, threads: int, statuses: bool = False
) -> LoadResult:
    """`statuses`: count the responses by status too (wrk then hands every response to
    the script, a little more work per request)."""
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{max(connections, threads)}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_SCRIPT),
        url,
        "--",
        str(path),
        str(threads),
        *(["statuses"] if statuses else []),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed:\n{out.stdout}\n{out.stderr}")
    r = json.loads(line.removeprefix("WRK_JSON "))
    seconds = r["duration_us"] / 1e6
    errors = sum(
        r[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return LoadResult(
        r["requests"],
        seconds,
        r["requests"] / seconds,
        r["p50_us"] / 1000,
        r["p99_us"] / 1000,
        errors,
        "wrk",
        statuses=r.get("statuses", {}),
        bytes=r["bytes"],
    )


def measure(
    key: str,
    plan: Callable[[float], list[Request]],
    base: str,
    args: argparse.Namespace,
    meter: CpuMeter,
    tmp: Path,
) -> tuple[LoadResult, int]:
    """One scenario: `args.warmup` seconds of warm-up, then `args.duration` measured, with
    the CPU each part used meanwhile. `plan(seconds)` builds fresh requests for that long,
    enough that writes never repeat within a run (a repeated like is a no-op, cheaper than
    a real one). Returns the result and how many of the planned requests were warm-up."""
    seconds = args.duration + args.warmup
    for attempt in range(1, 4):
        requests = plan(seconds)
        warm, measured = tmp / f"{key}-warm.tsv", tmp / f"{key}.tsv"
        cut = int(len(requests) * args.warmup / seconds)
        write_requests(warm, requests[:cut] or requests[:100])
        write_requests(measured, requests[cut:])
        meter.wait_idle()
        if args.wait_quiet:
            waited = meter.wait_quiet(args.wait_quiet)
            if waited > 5:
                say(f"  {TITLES.get(key, key):<17} waited {waited:.0f} s for a quiet machine")
        speed = reference_loop_ms()
        statuses = key in EXPECTED_STATUSES or key in CONDITIONAL
        if args.warmup > 0:
            run_wrk(base, warm, args.warmup, args.connections, args.threads, statuses)
        meter.start()
        r = run_wrk(base, measured, args.duration, args.connections, args.threads, statuses)
        r.reference_loop_ms = speed
        r.cpu = meter.stop()
        r.attempts = attempt
        r.sent = len(requests) - cut
        r.expect(EXPECTED_STATUSES.get(key, ()))
        # uvicorn's workers share one listening socket and a worker may accept every
        # connection the load generator opens at once, leaving the other idle.
        busiest, idlest = r.cpu.get("worker_max", 0.0), r.cpu.get("worker_min", 0.0)
        if args.workers < 2 or busiest < 0.25 or idlest >= 0.5 * busiest or attempt == 3:
            return r, cut
        say(
            f"  {TITLES.get(key, key):<17} connections landed unevenly on the workers "
            f"({busiest:.2f}/{idlest:.2f} cores, {r.rps:,.0f} req/s): measuring again"
        )
    raise AssertionError("unreachable")
