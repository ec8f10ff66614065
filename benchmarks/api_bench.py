"""Quad API benchmark: seed a big campus, serve it as `make run` does, load it with wrk.

    .venv/bin/python benchmarks/api_bench.py                 # the full size
    .venv/bin/python benchmarks/api_bench.py --scale 0.02    # 20k posts: a quick run

In order, each step in its module of benchmarks/apibench/:
1. seed: starts its own embedded PostgreSQL (pgserver) in benchmarks/.data, or uses
   --database-url; applies the migrations; seeds the campus (1M posts, 3M comments, 5M
   likes, 50,000 courses with timetables and friends at full size) or reuses it, removing
   what earlier runs wrote.
2. workload, sql: picks what the load asks for (boards, posts, users with tokens, search
   terms, timetables, courses to add) and sends each request type once in this process
   through FastAPI's TestClient, counting its SQL and EXPLAIN ANALYZEing the reads.
3. serve: starts the API as `make run` does and times process start to /readyz.
4. load: drives it with wrk for a bounded time per request type, measuring the CPU each
   request costs in the server, in PostgreSQL and in wrk.
5. report: prints the figures, then each target (targets.py) with PASS or MISS.

Everything it starts (the API server, PostgreSQL) is stopped on exit, Ctrl-C included.
See benchmarks/README.md for how to read the output and the latest figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import httpx
from apibench import report
from apibench.load import LoadResult, measure, wrk_version
from apibench.scenarios import CONDITIONAL, COURSE_KEYS, SCENARIO_KEYS, TITLES, WRITTEN
from apibench.seed import (
    DEFAULTS,
    Sizes,
    count_since,
    course_sizes_from,
    ensure_seeded,
    migrate,
    sizes_from,
)
from apibench.seed_courses import COURSE_DEFAULTS, SEMESTER
from apibench.serve import Server, process_roots, server_env, time_starts
from apibench.sql import SqlCount, send, sql_figures
from apibench.workload import (
    Request,
    Workload,
    build_requests,
    mint_tokens,
    pick_workload,
    tag_requests,
)
from bench_common import (
    BENCH_DIR,
    HEADER,
    Cleanup,
    CpuMeter,
    connect,
    interrupt,
    lock_data_dir,
    machine,
    normalise_url,
    say,
    start_embedded,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    g = p.add_argument_group("data set")
    g.add_argument("--scale", type=float, default=1.0, help="multiply the default sizes")
    for key, value in DEFAULTS.items():
        g.add_argument(f"--{key}", type=int, default=None, help=f"(default {value:,} x scale)")
    g.add_argument(
        "--courses",
        type=int,
        default=None,
        help=f"course sections in {SEMESTER} (default {COURSE_DEFAULTS['courses']:,} x scale; "
        "0: none, and no course scenarios)",
    )
    g.add_argument(
        "--friends",
        type=int,
        default=COURSE_DEFAULTS["friends"],
        help="friends per user on average",
    )
    g.add_argument("--seed", type=int, default=42, help="random seed of the data set")
    g.add_argument("--reseed", action="store_true", help="seed again even if sizes match")
    g.add_argument(
        "--reseed-courses",
        action="store_true",
        help="seed the course catalog, timetables and friends again (not the posts)",
    )
    g.add_argument("--seed-only", action="store_true", help="seed (or check) and stop")
    g.add_argument(
        "--force",
        action="store_true",
        help="with --database-url: allow emptying a database the benchmark did not seed",
    )
    g = p.add_argument_group("database and server")
    g.add_argument("--data-dir", type=Path, default=BENCH_DIR / ".data")
    g.add_argument("--database-url", help="use this PostgreSQL instead of an embedded one")
    g.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="uvicorn workers")
    g.add_argument("--start-runs", type=int, default=3, help="times to measure start->readyz")
    g.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting (env var) for the API, e.g. DB_POOL_PRE_PING=false; repeatable",
    )
    g.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE for the server if set (every start compiles)",
    )
    g = p.add_argument_group("load")
    g.add_argument("--duration", type=float, default=10.0, help="seconds measured per request")
    g.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per request")
    g.add_argument(
        "--connections",
        type=int,
        help="concurrent connections (default: 2 per worker; more only queue, see README)",
    )
    g.add_argument("--threads", type=int, default=1, help="wrk threads")
    g.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each measurement, wait up to this long for other processes to use "
        "under 0.1 cores (a shared machine)",
    )
    g.add_argument("--deep", type=int, default=10_000, help="posts skipped by the deep page")
    g.add_argument(
        "--scenarios",
        default=",".join(SCENARIO_KEYS),
        help="comma-separated subset of: " + ", ".join(SCENARIO_KEYS),
    )
    g.add_argument("--json", type=Path, help="also write the results here (JSON)")
    args = p.parse_args(argv)
    args.connections = args.connections or 2 * args.workers
    unknown = set(args.scenarios.split(",")) - set(SCENARIO_KEYS)
    if unknown:
        p.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return args


# --- main ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = sizes_from(args)
    # Stop cleanly on Ctrl-C, SIGTERM and a closed terminal (even where a shell started us
    # with SIGINT ignored, as `cmd &` does).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)
    cleanup = Cleanup()
    try:
        return run(args, sizes, cleanup)
    except KeyboardInterrupt:
        say("\ninterrupted: stopping what the benchmark started")
        return 130
    finally:
        cleanup.run()


def run(args: argparse.Namespace, sizes: Sizes, cleanup: Cleanup) -> int:
    rng = random.Random(args.seed + 1)
    data_dir = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    data_lock = lock_data_dir(data_dir)  # noqa: F841 (held until exit)
    say(HEADER.format("Quad API benchmark") + f"  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    say(f"  machine: {machine()}")
    wrk = None if args.seed_only else wrk_version()  # before minutes of seeding

    # 1. database, migrations, data
    say(HEADER.format("Database"))
    if args.database_url:
        url = normalise_url(args.database_url)
        say("  using --database-url")
    else:
        started = time.perf_counter()
        url = start_embedded(data_dir, cleanup)
        say(f"  embedded PostgreSQL in {data_dir / 'pg'} ({time.perf_counter() - started:.1f} s)")
    env = server_env(args, url, data_dir)
    migrate(env)
    meta = ensure_seeded(url, sizes, args, course_sizes_from(args))
    seconds = meta.get("seconds", {})
    if seconds:
        say(f"  seeding this data set took {seconds['total']:.1f} s ({meta['seeded_at']})")
    if args.seed_only:
        return 0

    # 2. what to ask for, tokens, SQL per request, plans
    say(HEADER.format("Preparing requests"))
    workload = pick_workload(url, args.deep, rng)
    mint_tokens(workload)
    say(
        f"  {len(workload.boards)} boards (busiest {workload.boards[0][1]:,} posts), deep page "
        f"after {workload.deep:,} posts on {len(workload.deep_cursors)} boards, "
        f"{len(workload.posts):,} sample posts, {len(workload.tokens):,} users with tokens"
    )
    if workload.courses:
        c = workload.courses
        say(
            f"  {c.stats['courses']:,} courses in {SEMESTER}, {len(c.search_terms)} search terms, "
            f"{len(c.own):,} own timetables, {len(c.friends):,} friends' public timetables, "
            f"{c.stats['timetables']:,} timetables to add courses to"
        )
    figures = sql_figures(workload, rng)
    sql: dict[str, SqlCount] = figures["sql"]

    # 3. start the server as `make run` does
    say(HEADER.format(f"API server ({args.workers} workers)"))
    server = Server(env, args.workers, data_dir / "server.log")
    cleanup.push("the API server", server.stop)
    start_s = time_starts(server, args.start_runs)

    # 4. load
    base = f"http://127.0.0.1:{env['PORT']}"
    say(
        HEADER.format("Load")
        + f"  {wrk}, {args.connections} connections, {args.warmup:.0f} s warm-up + "
        f"{args.duration:.0f} s per request type"
    )
    scenarios = [k for k in SCENARIO_KEYS if k in args.scenarios.split(",")]
    if not workload.courses and any(k in COURSE_KEYS for k in scenarios):
        say("  no course catalog (--courses 0): skipping the course scenarios")
        scenarios = [k for k in scenarios if k not in COURSE_KEYS]
    load: dict[str, LoadResult] = {}
    written: dict[str, tuple[int, int]] = {}
    meter = CpuMeter(process_roots(url, server), args.workers)
    say(f"  load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="quad-bench-") as tmp:
        for key in scenarios:
            mint_tokens(workload)  # access tokens live 15 minutes; a long run outlives them
            table_name, column = WRITTEN.get(key, (None, ""))
            since = meta["seeded_until"]
            before = count_since(url, table_name, since, column) if table_name else 0
            plan = request_plan(key, workload, url, base, rng)
            r, cut = measure(key, plan, base, args, meter, Path(tmp))
            load[key] = r
            note = ""
            if table_name:
                rows = count_since(url, table_name, since, column) - before
                written[key] = (rows, r.requests)
                note = f"  ({rows:,} rows inserted incl. warm-up and repeats)"
            if key == "add_course" and workload.courses:
                # The planner knows which of the requests sent should clash: the 409s must match.
                sent = workload.courses.planned_clashes[cut : cut + r.requests]
                planned = sum(sent) / max(len(sent), 1)
                answered = r.statuses.get("409", 0) / max(r.requests, 1)
                note += f"  ({answered:.1%} answered 409; planned {planned:.1%})"
            if key in CONDITIONAL or key in CONDITIONAL.values():
                note += f"  ({r.bytes / max(r.requests, 1):,.0f} bytes per answer)"
            if key in CONDITIONAL:
                note += f"  ({r.statuses.get('304', 0) / max(r.requests, 1):.1%} answered 304)"
            if r.requests > r.sent:
                note += f"  (WARNING: the {r.sent:,} planned requests ran out and repeated)"
            say(
                f"  {TITLES[key]:<17} {r.rps:>8,.0f} req/s  p50 {r.p50_ms:6.1f} ms  "
                f"p99 {r.p99_ms:6.1f} ms  errors {r.errors}  busiest/idlest worker "
                f"{r.cpu.get('worker_max', 0):.2f}/{r.cpu.get('worker_min', 0):.2f} cores  "
                f"reference loop {r.reference_loop_ms:.0f} ms{note}"
            )
    server.stop()
    cleanup.remove("the API server")

    # 5. report
    say()
    say(HEADER.format("Results") + f"  ({sizes.describe()}; {machine()})")
    report.results(load, sql)
    say()
    report.plans(figures["explain"])
    searches = figures.get("search_sql", [])
    if searches:
        report.searches(searches)
    say()
    verdicts = report.verdicts(load, start_s)
    say(HEADER.format("Targets") + "  (at the full size, on 2 cores; see apibench/targets.py)")
    report.targets(verdicts)
    if seconds:
        say(f"  seeding took {seconds['total']:.0f} s: {json.dumps(seconds)}")
    if meta.get("courses_seconds"):
        say(f"  seeding the courses took {json.dumps(meta['courses_seconds'])} s")

    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "sizes": asdict(sizes),
        "seeding_seconds": seconds,
        "settings": args.settings,
        "loadgen": wrk,
        "bytecode_cache": "PYTHONPYCACHEPREFIX" in env,
        "connections": args.connections,
        "workers": args.workers,
        "start_to_readyz_s": start_s,
        "load": {k: asdict(v) for k, v in load.items()},
        "sql": {k: asdict(v) for k, v in sql.items()},
        "explain": figures["explain"],
        "search_sql": [{k: v for k, v in r.items() if k != "plan"} for r in searches],
        "written": written,
        "targets": verdicts,
    }
    out = args.json or data_dir / "last-run.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    say(f"  results written to {out}")
    return 0


def request_plan(
    key: str, workload: Workload, url: str, base: str, rng: random.Random
) -> Callable[[float], list[Request]]:
    """`plan(seconds)`: fresh requests of scenario `key` for that long (polls of a
    CONDITIONAL scenario tagged with what the server at `base` answers now)."""

    def plan(seconds: float) -> list[Request]:
        n = max(2000, int(4000 * seconds))
        if key in CONDITIONAL:
            with httpx.Client(base_url=base, timeout=10) as client:
                return tag_requests(
                    build_requests(key, workload, n, rng), lambda r: send(client, r)
                )
        if key == "add_course" and workload.courses:
            # Planning adds gets slower as timetables fill up: plan for 1,000/s (and say so
            # if the server was faster), from what the timetables hold now.
            n = max(2000, int(1000 * seconds))
            with contextlib.closing(connect(url)) as conn:
                workload.courses.planner.sync(conn)
        return build_requests(key, workload, n, rng)

    return plan


if __name__ == "__main__":
    sys.exit(main())
