"""Benchmark of the analytics DAG's daily load: one day of 1,000,000 activity rows
extracted from PostgreSQL, staged as NDJSON and loaded into the local DuckDB warehouse,
timed and its peak memory measured, at two table sizes.

    .venv-dags/bin/python benchmarks/analytics_bench.py             # the full size (~5 min)
    .venv-dags/bin/python benchmarks/analytics_bench.py --rows 200000 --extra-days 1
    .venv-dags/bin/python benchmarks/analytics_bench.py --help

1. Starts its own embedded PostgreSQL in benchmarks/.data/analytics (fresh each run),
   builds the schema with the API's migrations, which give every source table's time
   column a BRIN index (without them a day's extraction scans whole tables;
   --without-time-indexes drops them to show it).
2. Seeds one day (2026-11-20) of --rows activity rows with SQL (signups, posts,
   comments, likes, scraps, reports, reviews, timetable additions, in fixed shares) on a
   base of 40,000 users, 50 boards, 2,000 courses.
3. Run A, small tables: the day alone in the source and an empty warehouse.
4. Grows the tables: --extra-days more days of the same size in the source, and
   --warehouse-rows rows of other days in the warehouse's activity_events.
5. Run B, big tables: the same day again.

Each run is a fresh process doing what the DAG's extract_and_stage and load_activity
tasks do for one day (the pipeline's own functions, lookback off), then the day's
data-quality checks; it reports wall and CPU seconds and its peak resident memory
(DuckDB runs inside it; PostgreSQL is another process and not counted).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import warnings
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (str(ROOT), str(ROOT / "dags")):
    if path not in sys.path:
        sys.path.insert(0, path)

DATA = ROOT / "benchmarks" / ".data" / "analytics"
DAY = date(2026, 11, 20)
TARGET_SECONDS = 60
TARGET_MIB = 500

# Shares of a day's rows per event type (they add up to 1).
SHARES = {
    "signup": 0.01,
    "post": 0.10,
    "comment": 0.25,
    "post_like": 0.45,
    "comment_like": 0.10,
    "scrap": 0.05,
    "report": 0.02,
    "review": 0.01,
    "timetable_course_added": 0.01,
}
BASE_USERS = 40_000
BOARDS = 50
COURSES = 2_000


def _extraction_time_columns() -> tuple[tuple[str, str], ...]:
    """(table, time column) the daily extraction reads a day by: migration 0006's list,
    the one that gives each its BRIN index (loaded from the file: a migration is not a
    package module)."""
    path = ROOT / "api/migrations/versions/0006_analytics_source_access.py"
    spec = importlib.util.spec_from_file_location("migration_0006", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.EXTRACTION_TIME_COLUMNS, module.brin_index_name


TIME_COLUMNS, BRIN_INDEX_NAME = _extraction_time_columns()


def say(message: str = "") -> None:
    print(message, flush=True)


# --- the source database ------------------------------------------------------------------


def migrate(url: str) -> None:
    """The API's migrations, run from their scripts (api/migrations/env.py imports the
    API's models, whose dependencies this environment does not have)."""
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        for revision in reversed(
            list(ScriptDirectory(str(ROOT / "api/migrations")).walk_revisions())
        ):
            revision.module.upgrade()
    engine.dispose()


def start_database() -> tuple[Any, str]:
    # pgserver asks platformdirs for a runtime dir; most containers have no XDG_RUNTIME_DIR.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    import pgserver

    from infra.database import pg8000_socket_url

    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    os.chmod(DATA, 0o755)  # pgserver runs postgres as its own user when we are root
    server = pgserver.get_server(DATA / "pg", cleanup_mode="stop")
    server.psql("CREATE DATABASE quad_analytics_bench;")
    return server, pg8000_socket_url(str(DATA / "pg"), "quad_analytics_bench")


def run_sql(url: str, *statements: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("SET session_replication_role = replica"))  # no FK triggers
        conn.execute(text("SET statement_timeout = 0"))
        for sql in statements:
            conn.execute(text(sql))
    engine.dispose()


def seed_base(url: str, time_indexes: bool) -> None:
    start = "timestamptz '2026-11-01 00:00+00'"
    run_sql(
        url,
        f"""INSERT INTO schools (id, name, email_domain, created_at)
            SELECT gen_random_uuid(), 'School ' || n, 's' || n || '.edu', {start}
            FROM generate_series(0, 1) n""",
        f"""INSERT INTO boards (id, school_id, name, created_at)
            SELECT gen_random_uuid(), (SELECT id FROM schools ORDER BY name LIMIT 1 OFFSET n % 2),
                   'Board ' || n, {start}
            FROM generate_series(0, {BOARDS - 1}) n""",
        "CREATE TABLE bench_boards AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, "
        "school_id FROM boards",
        f"""INSERT INTO users (id, email, password_hash, nickname, school_id, created_at)
            SELECT gen_random_uuid(), 'u' || n || '@bench.edu', 'x', 'u' || n,
                   (SELECT id FROM schools ORDER BY name LIMIT 1 OFFSET n % 2), {start}
            FROM generate_series(0, {BASE_USERS - 1}) n""",
        f"""INSERT INTO courses (id, school_id, semester, code, name, credits, created_at)
            SELECT gen_random_uuid(), (SELECT id FROM schools ORDER BY name LIMIT 1 OFFSET n % 2),
                   '2026-2', 'C' || n, 'Course ' || n, 3, {start}
            FROM generate_series(0, {COURSES - 1}) n""",
        "CREATE TABLE bench_courses AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id "
        "FROM courses",
        f"""INSERT INTO timetables (id, user_id, semester, name, is_public, is_primary,
                                    created_at)
            SELECT gen_random_uuid(), id, '2026-2', 'T', false, false, {start} FROM users""",
        # The migrations made a BRIN index on each; without them, see what they are for.
        *(f"DROP INDEX {BRIN_INDEX_NAME(t, c)}" for t, c in TIME_COLUMNS if not time_indexes),
    )


def seed_day(url: str, day: date, rows: int, first: bool) -> dict[str, int]:
    """`rows` activity rows on `day`, spread evenly over its 24 hours."""
    n = {t: int(rows * s) for t, s in SHARES.items()}
    n["post_like"] += rows - sum(n.values())
    t0 = f"timestamptz '{day.isoformat()} 00:00+00'"

    def at(i: str, count: int) -> str:
        return f"{t0} + ({i}) * interval '86399 seconds' / {max(count, 1)}"

    users = "bench_users"
    statements = [
        f"""INSERT INTO users (id, email, password_hash, nickname, school_id, created_at)
            SELECT gen_random_uuid(), 'd{day:%m%d}n' || i || '@bench.edu', 'x',
                   'd{day:%m%d}n' || i,
                   (SELECT id FROM schools ORDER BY name LIMIT 1 OFFSET i % 2),
                   {at("i", n["signup"])}
            FROM generate_series(0, {n["signup"] - 1}) i""",
        f"DROP TABLE IF EXISTS {users}",
        f"CREATE TABLE {users} AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM users",
        "DROP TABLE IF EXISTS day_posts",
        f"""CREATE TABLE day_posts AS SELECT i AS n, gen_random_uuid() AS id,
                   b.id AS board_id, b.school_id FROM generate_series(0, {n["post"] - 1}) i
            JOIN bench_boards b ON b.n = i % {BOARDS}""",
        f"""INSERT INTO posts (id, board_id, school_id, author_id, title, body, anonymous,
                               question, created_at)
            SELECT p.id, p.board_id, p.school_id, u.id, 't', 'b', p.n % 10 = 0, p.n % 7 = 0,
                   {at("p.n", n["post"])}
            FROM day_posts p JOIN {users} u ON u.n = (p.n * 7) % {BASE_USERS}""",
        "DROP TABLE IF EXISTS day_comments",
        f"""CREATE TABLE day_comments AS SELECT i AS n, gen_random_uuid() AS id, p.id AS post_id
            FROM generate_series(0, {n["comment"] - 1}) i
            JOIN day_posts p ON p.n = i % {n["post"]}""",
        f"""INSERT INTO comments (id, post_id, author_id, body, anonymous, created_at)
            SELECT c.id, c.post_id, u.id, 'c', c.n % 5 = 0, {at("c.n", n["comment"])}
            FROM day_comments c JOIN {users} u ON u.n = (c.n * 13 + 1) % {BASE_USERS}""",
        # (post, user) pairs are unique: user index k * 9973 + post for k = i / posts.
        f"""INSERT INTO post_likes (post_id, user_id, created_at)
            SELECT p.id, u.id, {at("i", n["post_like"])}
            FROM generate_series(0, {n["post_like"] - 1}) i
            JOIN day_posts p ON p.n = i % {n["post"]}
            JOIN {users} u ON u.n = ((i / {n["post"]}) * 9973 + i % {n["post"]}) % {BASE_USERS}""",
        f"""INSERT INTO comment_likes (comment_id, user_id, created_at)
            SELECT c.id, u.id, {at("i", n["comment_like"])}
            FROM generate_series(0, {n["comment_like"] - 1}) i
            JOIN day_comments c ON c.n = i % {n["comment"]}
            JOIN {users} u ON u.n = ((i / {n["comment"]}) * 9973 + i * 31 + 2) % {BASE_USERS}""",
        f"""INSERT INTO scraps (post_id, user_id, created_at)
            SELECT p.id, u.id, {at("i", n["scrap"])}
            FROM generate_series(0, {n["scrap"] - 1}) i
            JOIN day_posts p ON p.n = i % {n["post"]}
            JOIN {users} u ON u.n = ((i / {n["post"]}) * 9973 + i * 17 + 3) % {BASE_USERS}""",
        f"""INSERT INTO reports (id, target_type, target_id, reporter_id, reason, created_at)
            SELECT gen_random_uuid(), 'post', p.id, u.id, 'spam', {at("i", n["report"])}
            FROM generate_series(0, {n["report"] - 1}) i
            JOIN day_posts p ON p.n = i % {n["post"]}
            JOIN {users} u ON u.n = ((i / {n["post"]}) * 9973 + i * 11 + 5) % {BASE_USERS}""",
        # (course, user) unique per day; days differ by their user offset.
        f"""INSERT INTO course_reviews (id, course_id, user_id, rating, semester_taken,
                                        created_at)
            SELECT gen_random_uuid(), c.id, u.id, 1 + i % 5, '2026-1', {at("i", n["review"])}
            FROM generate_series(0, {n["review"] - 1}) i
            JOIN bench_courses c ON c.n = i % {COURSES}
            JOIN {users} u ON u.n = ((i / {COURSES}) * 997 + i + {day.toordinal() % 977} * 41)
                                    % {BASE_USERS}""",
        f"""INSERT INTO timetable_courses (timetable_id, course_id, added_at)
            SELECT t.id, c.id, {at("t.n", n["timetable_course_added"])}
            FROM (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM timetables) t
            JOIN bench_courses c ON c.n = (t.n + {day.toordinal()}) % {COURSES}
            WHERE t.n < {n["timetable_course_added"]}""",
    ]
    if not first:
        statements = statements[:1] + statements[3:]  # bench_users stays the base users
    run_sql(url, *statements)
    run_sql(url, "ANALYZE")
    return n


# --- the warehouse --------------------------------------------------------------------------


def grow_warehouse(warehouse_file: Path, rows: int, days: list[date]) -> None:
    """`rows` activity_events rows spread over `days` (not the measured day), written by
    DuckDB itself: they only need to be there."""
    import duckdb

    con = duckdb.connect(str(warehouse_file))
    con.execute("SET TimeZone = 'UTC'")
    per_day = rows // len(days)
    for day in days:
        con.execute(
            f"""INSERT INTO activity_events (event_id, event_type, event_at, event_date,
                                             school_id, post_id, board_id)
                SELECT md5(i::VARCHAR || '{day}'), 'post_like',
                       TIMESTAMPTZ '{day} 00:00:00+00' + i * INTERVAL 1 MILLISECOND,
                       DATE '{day}', 's' || (i % 2), md5((i % 100000)::VARCHAR),
                       'b' || (i % 50)
                FROM range({per_day}) t(i)"""
        )
    con.close()


# --- one measured run (a fresh process) -------------------------------------------------------


def peak_mib() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec; ru_maxrss would
    carry over the parent's resident size at fork, which is not this run's."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(day: date) -> dict[str, Any]:
    from quad_analytics.checks import check_active_users, check_day
    from quad_analytics.extract import extract_days
    from quad_analytics.privacy import Pseudonymizer
    from quad_analytics.tables import (
        ACTIVE_USER_DAYS,
        ACTIVITY_EVENTS,
        BOARD_ACTIVE_USERS,
        table,
        tables,
    )

    from infra import database
    from infra.settings import get_settings
    from infra.warehouse import get_warehouse

    settings = get_settings()
    warehouse = get_warehouse()
    warehouse.ensure_tables(list(tables().values()))
    engine = database.get_engine()
    with engine.connect():
        pass  # connect before the clock starts, as a task's first query would anyway
    ready_peak = peak_mib()

    cpu0, t0 = time.process_time(), time.perf_counter()
    (entry,) = extract_days(
        [day],
        engine=engine,
        staging=warehouse.staging,
        pseudo=Pseudonymizer(settings.pseudonym_key()),
        fetch_rows=settings.analytics_fetch_rows,
        part_rows=settings.analytics_part_rows,
    )
    cpu1, t1 = time.process_time(), time.perf_counter()
    extract_peak = peak_mib()
    warehouse.load_partition(table(ACTIVITY_EVENTS), day, entry["uris"])
    for name in (ACTIVE_USER_DAYS, BOARD_ACTIVE_USERS):
        warehouse.load_partition(table(name), day, entry[name]["uris"])
    cpu2, t2 = time.process_time(), time.perf_counter()
    findings = check_day(warehouse, day, entry["source_counts"])
    findings += check_active_users(warehouse, day, entry)
    t3 = time.perf_counter()
    return {
        "rows": entry["staged_rows"],
        "active_user_rows": entry[ACTIVE_USER_DAYS]["staged_rows"],
        "active_board_rows": entry[BOARD_ACTIVE_USERS]["staged_rows"],
        "source_rows": sum(entry["source_counts"].values()),
        "files": len(entry["uris"]),
        "staged_bytes": sum(Path(u).stat().st_size for u in entry["uris"]),
        "extract_s": t1 - t0,
        "load_s": t2 - t1,
        "check_s": t3 - t2,
        "extract_cpu_s": cpu1 - cpu0,
        "load_cpu_s": cpu2 - cpu1,
        "peak_mib": peak_mib(),
        "extract_peak_mib": extract_peak,
        "ready_peak_mib": ready_peak,
        "findings": findings,
    }


def run_measured(url: str, warehouse_dir: Path, day: date) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(warehouse_dir),
        "WAREHOUSE_BACKEND": "duckdb",
        "ANALYTICS_LOOKBACK_DAYS": "0",
    }
    done = subprocess.run(
        [sys.executable, __file__, "--measure", day.isoformat()],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("the measured run failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def count_rows(url: str, warehouse_file: Path) -> tuple[int, int]:
    import duckdb
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        source = sum(
            conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t, _ in TIME_COLUMNS
        )
    engine.dispose()
    con = duckdb.connect(str(warehouse_file), read_only=True)
    warehouse = con.execute("SELECT count(*) FROM activity_events").fetchone()[0]
    con.close()
    return source, warehouse


def source_plans(url: str, day: date) -> dict[str, str]:
    """How PostgreSQL reads each event type's rows of the day (the count's plan): an index
    range scan costs the day's rows, a sequential scan the whole table's."""
    from quad_analytics.extract import day_bounds
    from quad_analytics.sources import EVENT_SOURCES
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    start, end = day_bounds(day)
    engine = create_engine(url, poolclass=NullPool)
    plans = {}
    with engine.connect() as conn:
        for source in EVENT_SOURCES:
            (plan,) = conn.execute(
                text("EXPLAIN (FORMAT JSON) " + source.count_sql), {"start": start, "end": end}
            ).scalar_one()
            node = plan["Plan"]
            while node.get("Plans") and node["Node Type"] in (
                "Aggregate",
                "Gather",
                "Finalize Aggregate",
                "Partial Aggregate",
            ):
                node = node["Plans"][0]
            plans[source.event_type] = node["Node Type"]
    engine.dispose()
    return plans


def report(label: str, result: dict[str, Any], source_rows: int, warehouse_rows: int) -> None:
    total = result["extract_s"] + result["load_s"]
    say(
        f"  {label:<6} {source_rows:>11,} {warehouse_rows:>11,} {result['rows']:>11,} "
        f"{result['extract_s']:>9.1f} {result['load_s']:>7.1f} {total:>7.1f} "
        f"{result['rows'] / total:>9,.0f} {result['extract_cpu_s'] + result['load_cpu_s']:>7.1f} "
        f"{result['peak_mib']:>8.0f} {result['staged_bytes'] / 2**20:>8.0f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="activity rows in the day")
    parser.add_argument(
        "--extra-days", type=int, default=6, help="days of the same size added for run B"
    )
    parser.add_argument(
        "--warehouse-rows",
        type=int,
        default=5_000_000,
        help="rows of other days in the warehouse for run B",
    )
    parser.add_argument(
        "--without-time-indexes",
        action="store_true",
        help="drop the migrations' BRIN indexes on the time columns (to see what they are for)",
    )
    parser.add_argument("--keep", action="store_true", help="keep benchmarks/.data/analytics")
    parser.add_argument("--measure", type=date.fromisoformat, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0

    cores = os.cpu_count() or 1
    load = os.getloadavg()
    say(f"Machine: {cores} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    if load[0] > cores * 0.5:
        say("  (busy: other work shares these cores, so wall times are inflated; CPU is shown)")
    server, url = start_database()
    try:
        t = time.perf_counter()
        migrate(url)
        seed_base(url, time_indexes=not args.without_time_indexes)
        counts = seed_day(url, DAY, args.rows, first=True)
        seconds = time.perf_counter() - t
        say(f"Seeded {DAY}: {sum(counts.values()):,} rows {counts} in {seconds:.0f} s")

        warehouse_dir = DATA / "warehouse"
        say("\nRun A: the day alone in the source, an empty warehouse")
        a = run_measured(url, warehouse_dir, DAY)
        sizes_a = count_rows(url, warehouse_dir / "analytics.duckdb")

        t = time.perf_counter()
        other_days = [DAY - timedelta(days=k) for k in range(1, args.extra_days + 1)]
        for day in other_days:
            seed_day(url, day, args.rows, first=False)
        warehouse_days = [DAY + timedelta(days=k) for k in range(1, 6)]
        grow_warehouse(warehouse_dir / "analytics.duckdb", args.warehouse_rows, warehouse_days)
        say(
            f"Grew the tables: {args.extra_days} more source days, {args.warehouse_rows:,} "
            f"warehouse rows of other days, in {time.perf_counter() - t:.0f} s"
        )
        say("Run B: the same day in bigger tables")
        b = run_measured(url, warehouse_dir, DAY)
        sizes_b = count_rows(url, warehouse_dir / "analytics.duckdb")
        plans = source_plans(url, DAY)
    finally:
        server.cleanup()
        if not args.keep:
            shutil.rmtree(DATA, ignore_errors=True)

    say(
        "\n  run     source rows  warehouse   day rows  extract+s  load s total s    rows/s"
        "   CPU s peak MiB staged MB"
    )
    report("A", a, *sizes_a)
    report("B", b, *sizes_b)
    say(
        "  peak MiB when ready / after extract+stage / after load: "
        f"A {a['ready_peak_mib']:.0f} / {a['extract_peak_mib']:.0f} / {a['peak_mib']:.0f}, "
        f"B {b['ready_peak_mib']:.0f} / {b['extract_peak_mib']:.0f} / {b['peak_mib']:.0f}"
    )
    say(
        "  rows of active_user_days / board_active_users staged and loaded besides: "
        f"{a['active_user_rows']:,} / {a['active_board_rows']:,} (A), "
        f"{b['active_user_rows']:,} / {b['active_board_rows']:,} (B)"
    )
    for name, r in (("A", a), ("B", b)):
        if r["findings"] or r["rows"] != r["source_rows"]:
            say(f"  run {name}: checks failed: {r['findings']}")
            return 1
    worst = max(a["extract_s"] + a["load_s"], b["extract_s"] + b["load_s"])
    peak = max(a["peak_mib"], b["peak_mib"])
    say(
        f"\n  targets: <= {TARGET_SECONDS} s and <= {TARGET_MIB} MiB for the day: "
        f"worst {worst:.1f} s, {peak:.0f} MiB -> "
        f"{'met' if worst <= TARGET_SECONDS and peak <= TARGET_MIB else 'NOT met'}"
    )
    ratio = (b["extract_s"] + b["load_s"]) / (a["extract_s"] + a["load_s"])
    say(
        f"  B / A time: {ratio:.2f} with {sizes_b[0] / sizes_a[0]:.1f}x the source rows and "
        f"{sizes_b[1] / max(sizes_a[1], 1):.1f}x the warehouse rows "
        "(the day's rows are the same: the cost follows them, not the tables)"
    )
    say(f"  data-quality checks of the day: {a['check_s']:.1f} s (A), {b['check_s']:.1f} s (B)")
    say(
        "  how PostgreSQL finds a day's rows (run B): "
        + ", ".join(f"{t} {p}" for t, p in plans.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
