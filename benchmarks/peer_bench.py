"""Quad side by side with its RealWorld peer (nsidnev/fastapi-realworld-example-app): the
same data, the same requests, one PostgreSQL, interleaved rounds, medians.

    git clone https://github.com/nsidnev/fastapi-realworld-example-app /tmp/peer
    .venv/bin/python benchmarks/peer_bench.py /tmp/peer                     # the comparison
    .venv/bin/python benchmarks/peer_bench.py /tmp/peer --scale 0.01 --duration 2 --rounds 1

In order (the parts in benchmarks/peerbench/, the rest is apibench's and bench_common's):
1. one embedded PostgreSQL (pgserver) in benchmarks/.data/peer with two databases: Quad's,
   migrated and seeded by apibench (100,000 posts in 20 boards, 300,000 comments, 500,000
   likes, 10,000 users at --scale 1), and the peer's, migrated by its alembic and filled
   with a copy of Quad's rows (peerbench/data.py), plus two indexes it lacks (peer.py;
   --peer-as-published leaves them out);
2. the peer's virtualenv (uv, Python 3.11, PyPI; the pins and why: peer.py's ADAPTATIONS);
3. both servers: uvicorn, 2 workers, httptools and uvloop (Quad as `make run` serves it);
4. statements per request, from PostgreSQL's statement log (peerbench/statements.py);
5. wrk, 16 connections, each request type on each server in turn (apibench.load), the
   order of the two swapped every round; the table of medians (peerbench/report.py).

Everything it starts (the servers, PostgreSQL) is stopped on exit, Ctrl-C included.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from apibench.load import LoadResult, measure, wrk_version
from apibench.seed import Sizes, ensure_seeded, migrate
from apibench.serve import Server, process_roots, server_env
from apibench.workload import mint_tokens, pick_workload
from bench_common import (
    BENCH_DIR,
    DB_NAME,
    HEADER,
    Cleanup,
    CpuMeter,
    connect,
    interrupt,
    lock_data_dir,
    machine,
    query,
    say,
    start_embedded,
)
from peerbench import peer, report
from peerbench.data import copy_to_peer
from peerbench.requests import BY_KEY, REQUEST_TYPES, Picks, build
from peerbench.statements import StatementLog

PEER_DB = "realworld"
SIZES = {"posts": 100_000, "comments": 300_000, "likes": 500_000, "users": 10_000}
SIDES = ("quad", "peer")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("checkout", type=Path, help="the peer's checkout (git clone of it)")
    p.add_argument("--scale", type=float, default=1.0, help="multiply the sizes (100k posts)")
    p.add_argument("--rounds", type=int, default=3, help="measurements of each side")
    p.add_argument("--duration", type=float, default=10.0, help="seconds measured per request")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per request")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--threads", type=int, default=1, help="wrk threads")
    p.add_argument("--workers", type=int, default=2, help="uvicorn workers, each server")
    p.add_argument("--deep", type=int, default=10_000, help="posts skipped by the deep page")
    p.add_argument(
        "--requests",
        default=",".join(t.key for t in REQUEST_TYPES),
        help="comma-separated subset of: " + ", ".join(BY_KEY),
    )
    p.add_argument(
        "--peer-as-published",
        action="store_true",
        help="without the two indexes the peer lacks (favorites and comments by article)",
    )
    p.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting (env var) for Quad, e.g. INPROCESS_HANDLERS=false; repeatable",
    )
    p.add_argument("--statement-samples", type=int, default=5, help="requests per count")
    p.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each measurement, wait up to this long for a quiet machine",
    )
    p.add_argument("--data-dir", type=Path, default=BENCH_DIR / ".data" / "peer")
    p.add_argument("--seed", type=int, default=42, help="random seed of the data set")
    p.add_argument("--reseed", action="store_true", help="seed Quad's database again")
    p.add_argument("--json", type=Path, help="also write the results here (JSON)")
    args = p.parse_args(argv)
    unknown = set(args.requests.split(",")) - set(BY_KEY)
    if unknown:
        p.error(f"unknown request types: {', '.join(sorted(unknown))}")
    # What apibench's parts read from their own command line.
    args.no_bytecode_cache, args.force = False, False
    return args


def sizes_for(scale: float) -> Sizes:
    n = {k: max(1, round(v * scale)) for k, v in SIZES.items()}
    return Sizes(boards=20, users=max(200, n["users"]), posts=n["posts"],
                 comments=n["comments"], likes=n["likes"])  # fmt: skip


def seeded_likes(url: str, users: list[str]) -> set[tuple[str, str]]:
    """The (post, user) likes the seed made for these users: the load never repeats one."""
    conn = connect(url)
    try:
        rows = query(
            conn,
            "SELECT post_id::text, user_id::text FROM post_likes WHERE user_id = ANY(%s::uuid[])",
            (users,),
        )
    finally:
        conn.close()
    return {(p, u) for p, u in rows}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)
    cleanup = Cleanup()
    try:
        return run(args, cleanup)
    except KeyboardInterrupt:
        say("\ninterrupted: stopping what the benchmark started")
        return 130
    finally:
        cleanup.run()


def run(args: argparse.Namespace, cleanup: Cleanup) -> int:
    from sqlalchemy.engine import make_url

    rng = random.Random(args.seed + 1)
    checkout = args.checkout.resolve()
    sizes = sizes_for(args.scale)
    data_dir = args.data_dir.resolve()
    data_lock = lock_data_dir(data_dir)  # noqa: F841 (held until exit)
    say(HEADER.format("Quad and the RealWorld peer") + f"  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    say(f"  machine: {machine()}")
    wrk = wrk_version()

    say(HEADER.format("Database"))
    url = start_embedded(data_dir, cleanup)
    socket_dir = make_url(url).query["unix_sock"].rsplit("/", 1)[0]
    admin_url = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    admin = connect(admin_url, autocommit=True)
    try:
        if not query(admin, "SELECT 1 FROM pg_database WHERE datname = %s", (PEER_DB,)):
            query(admin, f"CREATE DATABASE {PEER_DB}")
    finally:
        admin.close()
    env = server_env(args, url, data_dir)
    migrate(env)
    meta = ensure_seeded(url, sizes, args)

    say(HEADER.format("The peer"))
    python = peer.install(checkout, data_dir / "peer-venv")
    peer_url = peer.database_url(socket_dir, PEER_DB)
    peer_pg8000 = make_url(url).set(database=PEER_DB).render_as_string(hide_password=False)
    penv = peer.peer_env(checkout, peer_url, socket_dir)
    peer.migrate(python, checkout, penv)
    names = copy_to_peer(url, peer_pg8000)
    peer.set_indexes(peer_pg8000, added=not args.peer_as_published)
    indexes = ", ".join(f"{t} ({c})" for t, c in peer.INDEXES.values())
    if args.peer_as_published:
        say(f"  as published: no index on {indexes}")
    else:
        say(f"  with two indexes added: {indexes}")

    say(HEADER.format("Preparing requests"))
    workload = pick_workload(url, args.deep, rng)
    mint_tokens(workload)
    picks = Picks(
        boards=[b for b, _ in workload.boards],
        deep=workload.deep_cursors,
        depth=workload.deep,
        posts=workload.posts,
        users=workload.users,
        quad_tokens=workload.tokens,
        peer_tokens=peer.mint_tokens([names.usernames[u] for u in workload.users]),
        usernames=names.usernames,
        slugs=names.slugs,
        tags=names.tags,
    )
    picks.peer_tokens = {u: picks.peer_tokens[names.usernames[u]] for u in workload.users}
    picks.seen["like"] = seeded_likes(url, picks.users)
    say(
        f"  {len(picks.boards)} boards, deep page after {picks.depth:,} posts on "
        f"{len(picks.deep)} boards, {len(picks.posts):,} sample posts, {len(picks.users):,} users"
    )

    say(HEADER.format(f"Servers ({args.workers} workers each)"))
    servers: dict[str, Server] = {
        "quad": Server(env, args.workers, data_dir / "server.log"),
        "peer": peer.PeerServer(python, checkout, penv, args.workers, data_dir / "peer.log"),
    }
    for side, server in servers.items():
        cleanup.push(f"the {side} server", server.stop)
        say(f"  {side}: ready in {server.start():.2f} s on port {server.port}")
    time.sleep(1.0)  # every worker done importing
    keys = [t.key for t in REQUEST_TYPES if t.key in args.requests.split(",")]

    say(HEADER.format("Statements per request") + "  (PostgreSQL's statement log)")
    statements: dict[str, dict[str, float]] = {}
    databases = {"quad": DB_NAME, "peer": PEER_DB}
    with StatementLog(admin_url, data_dir / "pg" / "log") as log:
        for key in keys:
            requests = dict(zip(SIDES, build(key, picks, 3 + args.statement_samples, rng),
                                strict=True))  # fmt: skip
            for side in SIDES:
                if not requests[side]:
                    continue
                log.count(servers[side].port, databases[side], requests[side][:3])  # warm-up
                per, statuses = log.count(servers[side].port, databases[side], requests[side][3:])
                statements.setdefault(key, {})[side] = per
                bad = [s for s in statuses if s >= 300]
                note = f"  (answered {sorted(set(bad))})" if bad else ""
                say(f"  {BY_KEY[key].title:<17} {side}: {per:.1f}{note}")

    say(
        HEADER.format("Load")
        + f"  {wrk}, {args.connections} connections, {args.warmup:.0f} s warm-up + "
        f"{args.duration:.0f} s, {args.rounds} rounds"
    )
    meters = {side: CpuMeter(process_roots(url, s), args.workers) for side, s in servers.items()}
    results: dict[str, dict[str, list[LoadResult]]] = {k: {} for k in keys}
    with tempfile.TemporaryDirectory(prefix="peer-bench-") as tmp:
        for round_ in range(args.rounds):
            order = SIDES if round_ % 2 == 0 else SIDES[::-1]
            mint_tokens(workload)  # Quad's access tokens live 15 minutes
            picks.quad_tokens = workload.tokens
            for key in keys:
                for side in order:
                    if BY_KEY[key].peer is None and side == "peer":
                        continue

                    def plan(seconds: float, key: str = key, side: str = side) -> list:
                        n = max(2000, int(4000 * seconds))
                        return build(key, picks, n, rng)[SIDES.index(side)]

                    base = f"http://127.0.0.1:{servers[side].port}"
                    r, _ = measure(f"{side}-{key}", plan, base, args, meters[side], Path(tmp))
                    results[key].setdefault(side, []).append(r)
                    say(
                        f"  round {round_ + 1} {BY_KEY[key].title:<17} {side:<4} "
                        f"{r.rps:>8,.0f} req/s  p99 {r.p99_ms:7.1f} ms  errors {r.errors}  "
                        f"CPU {r.cpu_us('server') + r.cpu_us('postgres'):>8,.0f} us/req  "
                        f"others {r.cpu.get('others', 0):.2f} cores"
                    )
    for side, server in servers.items():
        server.stop()
        cleanup.remove(f"the {side} server")

    say()
    say(
        HEADER.format("Results")
        + f"  (medians of {args.rounds} rounds; {sizes.describe()}; peer "
        + ("as published" if args.peer_as_published else "with the two indexes")
        + f"; {machine()})"
    )
    say(report.table(results, statements))
    say(
        "  CPU us/req: the server's workers and PostgreSQL, per request. statements: what\n"
        "  PostgreSQL ran per request (BEGIN/COMMIT and pool resets included). n/a: the peer\n"
        "  has no such request."
    )
    for t in REQUEST_TYPES:
        if t.key in results and t.note:
            say(f"  {t.title}: {t.note}")
    out = args.json or data_dir / "last-run.json"
    out.write_text(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": machine(),
                "sizes": asdict(sizes),
                "peer_indexes": not args.peer_as_published,
                "adaptations": peer.ADAPTATIONS,
                "load": {
                    k: {s: [asdict(r) for r in v] for s, v in d.items()} for k, d in results.items()
                },
                "statements": statements,
                "seeded_until": meta.get("seeded_until"),
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    say(f"  results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
