"""Quad API benchmark: seed a big campus, serve it as `make run` does, load it over loopback.

    .venv/bin/python benchmarks/api_bench.py                 # the issues' full size
    .venv/bin/python benchmarks/api_bench.py --scale 0.02    # 20k posts: a quick run

1. Starts its own embedded PostgreSQL (pgserver) in benchmarks/.data, or uses
   --database-url; applies the migrations (`python -m api.cli migrate`); bulk-loads
   1 school, 20 boards, 10,000 users, 1,000,000 posts, 3,000,000 comments and 5,000,000
   likes with COPY (secondary indexes dropped during the load and rebuilt after, then
   VACUUM ANALYZE); then, on its own signature, 50,000 courses with professors and slots,
   timetables and friends (bench_courses.py). A database already seeded with the same
   sizes is reused, each part on its own; what the benchmark itself wrote on an earlier
   run is removed first.
2. Sends each request type once through FastAPI's TestClient in this process against the
   same database, counting its SQL statements (and what pg8000 puts on the wire), and runs
   EXPLAIN on every statement: ANALYZE for the reads, their plans in full, and their
   generic plans; and the catalog search's statement for 60 of the load's terms.
3. Starts the API like `make run` (`python -m api.cli serve --workers <cores>`) and times
   process start to the first `/readyz` 200.
4. Drives it from a separate process (wrk, else a Python asyncio client) for a bounded
   time per request type: board page 1, a board page 10,000 posts deep, post detail, a
   post's comments, create comment, like (issue 2); catalog search, the user's own
   timetable, a friend's public one, adding a course with the clash check (issue 3).
   Prints req/s, p50 and p99, and the CPU one request costs in the server, in PostgreSQL
   and in the load generator; then a summary against the issues' targets (PASS/MISS).

Everything it starts (the API server, PostgreSQL) is stopped on exit, Ctrl-C included.
See benchmarks/README.md for how to read the output and the figures measured here.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import itertools
import json
import logging
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bench_common import (
    BENCH_DIR,
    HEADER,
    NULL,
    ROOT,
    Cleanup,
    CopyStream,
    CpuMeter,
    TimestampText,
    connect,
    free_port,
    interrupt,
    lock_data_dir,
    machine,
    normalise_url,
    query,
    reference_loop_ms,
    run_parallel,
    say,
    start_embedded,
    text_table,
    uuid7_text,
)
from bench_courses import (
    COURSE_DEFAULTS,
    SEMESTER,
    CourseSizes,
    CourseTargets,
    catalog_path,
    course_signature,
    pick_course_targets,
    seed_courses,
)

WRK_SCRIPT = BENCH_DIR / "wrk" / "requests.lua"
SEED_VERSION = 1  # bump when the generated data set changes shape
BIG_TABLES = ("posts", "comments", "post_likes", "post_anonymous_authors")
BENCH_PASSWORD = "quad-bench-password"  # every seeded user's password, for manual poking

DEFAULTS = {
    "boards": 20,
    "users": 10_000,
    "posts": 1_000_000,
    "comments": 3_000_000,
    "likes": 5_000_000,
}

SCHOOL = ("벤치마크대학교", "bench.ac.kr")
DEPARTMENTS = ["컴퓨터공학과", "경영학과", "국어국문학과", "Computer Science", "Economics"]
BOARD_NAMES = [
    "자유게시판", "비밀게시판", "질문게시판", "장터", "취업·진로", "새내기게시판", "동아리",
    "연애상담", "스터디", "정보게시판", "홍보게시판", "졸업생게시판", "시험정보", "기숙사",
    "맛집", "운동", "게임", "여행", "영화·드라마", "Free board",
]  # fmt: skip
SECRET_BOARD, QUESTION_BOARD = 1, 2
_WORDS = (
    "학교 학교에서 오늘 내일 어제 시험 과제 교수님 수업 강의 학생 선배 후배 동기 도서관 "
    "학식 기숙사 동아리 축제 방학 학기 중간고사 기말고사 레포트 발표 팀플 조별과제 출석 "
    "장학금 등록금 알바 취업 인턴 면접 자소서 토익 공부 밤샘 커피 카페 맛집 점심 저녁 "
    "술자리 엠티 개강 종강 휴학 복학 졸업 전공 교양 학점 성적 재수강 수강신청 시간표 "
    "질문 있어요 없어요 진짜 너무 완전 그냥 혹시 아시는 분 추천 부탁 드려요 감사합니다 "
    "ㅋㅋㅋ ㅠㅠ 같이 하실 분 구해요 팝니다 삽니다 전공책 노트북 자전거 원룸 셔틀버스 "
    "운동장 체육관 헬스장 연애 고민 친구 룸메 기숙사식당 편의점 택배 "
    "campus library exam midterm final assignment professor lecture class study group "
    "coffee lunch dinner dorm roommate club festival scholarship tuition internship "
    "interview resume job part-time textbook laptop bike shuttle gym anyone know "
    "recommend please thanks question help deadline project presentation team grade "
    "semester schedule course major minor elective seminar lab report essay quiz today "
    "tomorrow yesterday really very just maybe honestly finally again"
)
WORDS = _WORDS.split()


# --- sizes and arguments ---------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    boards: int
    users: int
    posts: int
    comments: int
    likes: int

    def describe(self) -> str:
        return (
            f"1 school, {self.boards:,} boards, {self.users:,} users, {self.posts:,} posts, "
            f"{self.comments:,} comments, {self.likes:,} likes"
        )


def sizes_from(args: argparse.Namespace) -> Sizes:
    scaled = {
        key: max(1, round(value * args.scale)) if key != "boards" else value
        for key, value in DEFAULTS.items()
    }
    scaled["users"] = max(scaled["users"], 200)
    for key in DEFAULTS:
        if getattr(args, key) is not None:
            scaled[key] = getattr(args, key)
    sizes = Sizes(**scaled)
    if sizes.boards > len(BOARD_NAMES) * 50:
        raise SystemExit("--boards: at most 1000")
    if sizes.likes > sizes.posts * (sizes.users - 1):
        raise SystemExit("--likes: more than one like per user and post")
    return sizes


def course_sizes_from(args: argparse.Namespace) -> CourseSizes | None:
    """The course part's sizes; None with --courses 0 (no catalog, no course scenarios)."""
    courses = args.courses
    if courses is None:
        courses = max(1, round(COURSE_DEFAULTS["courses"] * args.scale))
    if courses == 0:
        return None
    return CourseSizes(courses=courses, friends=args.friends)


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
    g.add_argument(
        "--loadgen",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="auto: wrk when installed (apt-get install wrk), else the Python client",
    )
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


SCENARIO_KEYS = (
    "board_page1",
    "board_deep",
    "post_detail",
    "comments_page",
    "create_comment",
    "like_post",
    # issue 3
    "catalog_search",
    "timetable_own",
    "timetable_friend",
    "add_course",
)
TITLES = {
    "board_page1": "board page 1",
    "board_deep": "board page, deep",
    "post_detail": "post detail",
    "comments_page": "comments page",
    "create_comment": "create comment",
    "like_post": "like post",
    "catalog_search": "catalog search",
    "timetable_own": "own timetable",
    "timetable_friend": "friend's timetable",
    "add_course": "add course",
    "add_course_clash": "add course (409)",
}
POST_READS = ("board_page1", "board_deep", "post_detail", "comments_page")  # issue 2's reads
READS = (*POST_READS, "catalog_search", "timetable_own", "timetable_friend")
COURSE_KEYS = ("catalog_search", "timetable_own", "timetable_friend", "add_course")
# Counted and EXPLAINed in process, not loaded on their own: a clash is part of add_course.
SQL_KEYS = (*SCENARIO_KEYS, "add_course_clash")
EXPECTED_STATUSES = {"add_course": (409,)}  # answers that are not errors in this scenario
CLASH_SHARE = 1 / 3  # of the courses add_course tries to add, this share clashes


# --- everything this process starts is stopped again ----------------------------------


# --- database --------------------------------------------------------------------------


def migrate(env: dict[str, str]) -> None:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"migrations failed:\n{result.stdout}\n{result.stderr}")
    say(f"  migrations applied ({time.perf_counter() - started:.1f} s)")


# --- seeding ---------------------------------------------------------------------------


def seed_signature(sizes: Sizes, revision: str, seed: int) -> dict[str, Any]:
    return {"version": SEED_VERSION, "sizes": asdict(sizes), "revision": revision, "seed": seed}


def same_data(seeded: dict[str, Any] | None, wanted: dict[str, Any]) -> bool:
    """Would seeding load the same rows? The migration revision does not matter: the
    generator (SEED_VERSION), the sizes and the random seed do."""

    def data(signature: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in signature.items() if k != "revision"}

    return seeded is not None and data(seeded) == data(wanted)


def bench_meta(conn: Any) -> dict[str, Any]:
    query(conn, "CREATE TABLE IF NOT EXISTS bench_seed (key text PRIMARY KEY, value text)")
    conn.commit()
    return {k: json.loads(v) for k, v in query(conn, "SELECT key, value FROM bench_seed")}


def set_meta(conn: Any, key: str, value: Any) -> None:
    query(
        conn,
        "INSERT INTO bench_seed VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = %s",
        (key, json.dumps(value), json.dumps(value)),
    )


def ensure_seeded(
    url: str, sizes: Sizes, args: argparse.Namespace, courses: CourseSizes | None = None
) -> dict[str, Any]:
    """Reuse a database seeded with the same sizes, or seed it; then the same for the
    course catalog, timetables and friends (`courses`), which are seeded on their own, so
    that adding them to a database does not load the posts again. Returns the metadata."""
    conn = connect(url)
    try:
        revision = query(conn, "SELECT version_num FROM alembic_version")[0][0]
        meta = bench_meta(conn)
        wanted = seed_signature(sizes, revision, args.seed)
        if not args.reseed and meta.get("complete") and same_data(meta.get("signature"), wanted):
            say(f"  reusing the seeded database ({sizes.describe()})")
            if meta["signature"]["revision"] != revision:
                # Seeding again would load the same rows into the new schema; the migrations
                # have brought the seeded rows there, as they do with production data.
                say(f"  (seeded at migration {meta['signature']['revision']}, migrated since)")
                set_meta(conn, "signature", wanted)
                conn.commit()
                meta = bench_meta(conn)
            reset_bench_writes(conn, meta["seeded_until"])
        else:
            meta = seed_community(conn, url, sizes, args, meta, wanted)
        if courses is not None:
            ensure_courses(conn, url, courses, meta, args)
        return bench_meta(conn)
    finally:
        conn.close()


def seed_community(
    conn: Any,
    url: str,
    sizes: Sizes,
    args: argparse.Namespace,
    meta: dict[str, Any],
    wanted: dict[str, Any],
) -> dict[str, Any]:
    """Seed the community part (schools to likes), emptying the database first."""
    if not meta and query(conn, "SELECT 1 FROM schools LIMIT 1") and not args.force:
        raise SystemExit(
            "This database has data the benchmark did not seed; it would be emptied. "
            "Pass --force if that is what you want."
        )
    if not query(conn, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0][0]:
        raise SystemExit(
            "Seeding needs a superuser (it loads with session_replication_role = replica)."
        )
    if meta.get("signature") and meta.get("signature") != wanted:
        old = meta["signature"]
        changed = ", ".join(
            f"{k} {old.get(k)} -> {v}" for k, v in wanted.items() if old.get(k) != v
        )
        say(f"  the database was seeded differently ({changed}): seeding again")
    return seed(conn, url, sizes, wanted, args.seed)


def ensure_courses(
    conn: Any, url: str, sizes: CourseSizes, meta: dict[str, Any], args: argparse.Namespace
) -> None:
    """Seed the course part unless it is there with the same sizes on the same community."""
    community = {k: v for k, v in meta["signature"].items() if k != "revision"}
    wanted = course_signature(sizes, community)
    if meta.get("courses_signature") == wanted and not args.reseed_courses:
        say(f"  reusing the course catalog ({sizes.describe()})")
        return
    if meta.get("courses_signature"):
        say("  the course catalog was seeded differently: seeding it again")
    seconds = seed_courses(conn, url, sizes, meta["seeded_until"], random.Random(args.seed + 7))
    set_meta(conn, "courses_seconds", seconds)
    set_meta(conn, "courses_signature", wanted)
    conn.commit()


def reset_bench_writes(conn: Any, seeded_until: float) -> None:
    """Remove what earlier benchmark runs wrote (comments, likes, timetable courses, ...),
    fixing the counters, and show again what their moderation hid."""
    until = datetime.fromtimestamp(seeded_until, UTC)
    comments = query(
        conn,
        """WITH gone AS (DELETE FROM comments WHERE created_at > %s RETURNING post_id),
                per_post AS (SELECT post_id, count(*) AS n FROM gone GROUP BY post_id),
                fixed AS (UPDATE posts SET comment_count = comment_count - per_post.n
                          FROM per_post WHERE posts.id = per_post.post_id RETURNING 1)
           SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM fixed)""",
        (until,),
    )[0][0]
    likes = query(
        conn,
        """WITH gone AS (DELETE FROM post_likes WHERE created_at > %s RETURNING post_id),
                per_post AS (SELECT post_id, count(*) AS n FROM gone GROUP BY post_id),
                fixed AS (UPDATE posts SET like_count = like_count - per_post.n
                          FROM per_post WHERE posts.id = per_post.post_id RETURNING 1)
           SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM fixed)""",
        (until,),
    )[0][0]
    conn.commit()
    # Content the moderation handler hid (events_bench.py): its records go below.
    unhidden = 0
    for target, table in (("post", "posts"), ("comment", "comments")):
        try:
            cur = conn.cursor()
            cur.execute(
                f"""UPDATE {table} SET hidden_at = NULL WHERE id IN (
                        SELECT target_id FROM moderation_actions WHERE target_type = %s
                        AND action = 'hidden' AND created_at > %s)""",
                (target, until),
            )
            unhidden += max(cur.rowcount, 0)
            conn.commit()
        except Exception as exc:
            conn.rollback()
            say(f"  (could not show {table} hidden by earlier runs again: {exc})")
    # Whatever else those writes left behind (outbox rows, processed events, notifications,
    # timetable courses, ...): every seeded row is older than `seeded_until`.
    others = 0
    for table, column in query(
        conn,
        """SELECT table_name, min(column_name) FROM information_schema.columns
           WHERE table_schema = current_schema()
             AND column_name IN ('created_at', 'processed_at', 'added_at')
             AND table_name NOT IN ('comments', 'post_likes')
           GROUP BY table_name ORDER BY table_name""",
    ):
        try:
            cur = conn.cursor()
            cur.execute(f"DELETE FROM {table} WHERE {column} > %s", (until,))
            others += max(cur.rowcount, 0)
            conn.commit()
        except Exception as exc:
            conn.rollback()
            say(f"  (could not clean {table}: {exc})")
    if comments or likes or others or unhidden:
        say(
            f"  removed what earlier runs wrote: {comments:,} comments, {likes:,} likes, "
            f"{others:,} other rows (outbox, notifications, timetable courses, ...)"
            + (f"; {unhidden:,} hidden posts and comments shown again" if unhidden else "")
        )


def allocate(rng: random.Random, total: int, cum: list[float], cap: int) -> list[int]:
    """Spread `total` items over len(cum) slots by weight, at most `cap` per slot."""
    n = len(cum)
    counts = [0] * n
    left = total
    while left:
        batch = min(left, 500_000)
        for i in rng.choices(range(n), cum_weights=cum, k=batch):
            counts[i] += 1
        left -= batch
    excess = 0
    for i, c in enumerate(counts):
        if c > cap:
            excess += c - cap
            counts[i] = cap
    while excess:
        i = rng.randrange(n)
        if counts[i] < cap:
            counts[i] += 1
            excess -= 1
    return counts


def seed(conn: Any, url: str, sizes: Sizes, signature: dict, rng_seed: int) -> dict[str, Any]:
    say(HEADER.format(f"Seeding {sizes.describe()}"))
    started = time.perf_counter()
    tables = [
        r[0]
        for r in query(
            conn,
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename NOT IN ('alembic_version', 'bench_seed')",
        )
    ]
    query(conn, "DELETE FROM bench_seed WHERE key <> 'dropped_indexes'")
    query(conn, f"TRUNCATE {', '.join(tables)} CASCADE")
    # Indexes a previous, interrupted seeding dropped come back first (instant: empty tables).
    for definition in bench_meta_value(conn, "dropped_indexes", []):
        name = definition.split(" INDEX ", 1)[1].split(" ON ", 1)[0].strip()
        if not query(conn, "SELECT 1 FROM pg_class WHERE relname = %s", (name,)):
            query(conn, definition)
    indexes = query(
        conn,
        """SELECT ic.relname, pg_get_indexdef(i.indexrelid)
           FROM pg_index i
           JOIN pg_class c ON c.oid = i.indrelid
           JOIN pg_class ic ON ic.oid = i.indexrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relname = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)""",
        (list(BIG_TABLES),),
    )
    set_meta(conn, "dropped_indexes", [d for _, d in indexes])
    for name, _ in indexes:
        query(conn, f"DROP INDEX {name}")
    conn.commit()

    t0 = time.perf_counter()
    seeded_until = generate(url, sizes, random.Random(rng_seed))
    t_load = time.perf_counter() - t0
    say(f"  generated and copied in {t_load:.1f} s")

    t0 = time.perf_counter()
    run_parallel(
        url,
        # The GIN index on the search terms is the long one: start it first.
        sorted((d for _, d in indexes), key=lambda d: "gin" not in d),
        "SET maintenance_work_mem = '1GB'",
    )
    query(conn, "DELETE FROM bench_seed WHERE key = 'dropped_indexes'")
    conn.commit()
    t_index = time.perf_counter() - t0
    say(f"  {len(indexes)} secondary indexes rebuilt in {t_index:.1f} s")

    t0 = time.perf_counter()
    run_parallel(url, [f"VACUUM (ANALYZE) {t}" for t in dict.fromkeys((*BIG_TABLES, *tables))])
    with contextlib.suppress(Exception):
        run_parallel(url, ["CHECKPOINT"])
    t_vacuum = time.perf_counter() - t0
    say(f"  VACUUM ANALYZE and CHECKPOINT in {t_vacuum:.1f} s")

    check_counters(conn, sizes)
    total = time.perf_counter() - started
    meta = {
        "signature": signature,
        "seeded_until": seeded_until,
        "seconds": {
            "total": round(total, 1),
            "generate_and_copy": round(t_load, 1),
            "indexes": round(t_index, 1),
            "vacuum": round(t_vacuum, 1),
        },
        "seeded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "complete": True,
    }
    for key, value in meta.items():
        set_meta(conn, key, value)
    conn.commit()
    say(HEADER.format(f"Seeding took {total:.1f} s") + f"  ({total / 60:.1f} min)")
    return meta


def bench_meta_value(conn: Any, key: str, default: Any) -> Any:
    rows = query(conn, "SELECT value FROM bench_seed WHERE key = %s", (key,))
    return json.loads(rows[0][0]) if rows else default


def check_counters(conn: Any, sizes: Sizes) -> None:
    ((posts, likes_sum, comments_sum),) = query(
        conn, "SELECT count(*), sum(like_count), sum(comment_count) FROM posts"
    )
    comments = query(conn, "SELECT count(*) FROM comments")[0][0]
    likes = query(conn, "SELECT count(*) FROM post_likes")[0][0]
    users = query(conn, "SELECT count(*) FROM users")[0][0]
    ok = (posts, comments, likes, users) == (sizes.posts, sizes.comments, sizes.likes, sizes.users)
    ok = ok and likes_sum == likes and comments_sum == comments
    say(
        f"  loaded {users:,} users, {posts:,} posts, {comments:,} comments, {likes:,} likes; "
        f"post counters {'match the rows' if ok else 'DO NOT MATCH'}"
    )
    if not ok:
        raise RuntimeError("seeded data is inconsistent")


def generate(url: str, sizes: Sizes, rng: random.Random) -> float:
    """Generate the campus and COPY it in. Returns the newest created_at (epoch seconds)."""
    ts = TimestampText()
    bits = rng.getrandbits
    words = WORDS
    now = time.time()
    t_end = now - 60
    span = 365 * 86400
    t_start = t_end - span

    def text(k: int) -> str:
        return " ".join(rng.choices(words, k=k))

    # The small tables, in one COPY each, before the big ones.
    school_t = t_start - 3 * span
    school_id = uuid7_text(school_t, bits)
    dept_ids = [uuid7_text(school_t + i, bits) for i in range(len(DEPARTMENTS))]
    board_ids = [uuid7_text(school_t + 100 + i, bits) for i in range(sizes.boards)]
    board_names = [
        BOARD_NAMES[i % len(BOARD_NAMES)] + (f" {i // len(BOARD_NAMES) + 1}" if i >= 20 else "")
        for i in range(sizes.boards)
    ]
    user_times = sorted(rng.uniform(school_t + 1000, t_end - 86400) for _ in range(sizes.users))
    user_ids = [uuid7_text(t, bits) for t in user_times]
    from api.auth.passwords import hasher

    password_hash = hasher().hash(BENCH_PASSWORD)  # with the parameters signup uses
    small = [
        ("schools", "id, name, email_domain, created_at", [
            f"{school_id}\t{SCHOOL[0]}\t{SCHOOL[1]}\t{ts(school_t)}"
        ]),
        ("departments", "id, school_id, name, created_at", [
            f"{d}\t{school_id}\t{name}\t{ts(school_t)}"
            for d, name in zip(dept_ids, DEPARTMENTS, strict=True)
        ]),
        ("boards", "id, school_id, name, description, created_at", [
            f"{b}\t{school_id}\t{name}\t{name} (benchmark)\t{ts(school_t + 100)}"
            for b, name in zip(board_ids, board_names, strict=True)
        ]),
        ("users", "id, email, password_hash, nickname, school_id, department_id, created_at", [
            f"{u}\tbench{i:06d}@{SCHOOL[1]}\t{password_hash}\t"
            f"{'학생' if i % 2 else 'student'}{i:06d}\t{school_id}\t{rng.choice(dept_ids)}\t"
            f"{ts(t)}"
            for i, (u, t) in enumerate(zip(user_ids, user_times, strict=True))
        ]),
    ]  # fmt: skip
    for table, columns, lines in small:
        stream = CopyStream(url, table, columns)
        for line in lines:
            stream.add(line)
        stream.close()

    P, U = sizes.posts, sizes.users
    say(f"  generating {P:,} posts...")
    times = sorted(rng.uniform(t_start, t_end - 1) for _ in range(P))
    board_of = rng.choices(
        range(sizes.boards),
        cum_weights=list(itertools.accumulate(1 / math.sqrt(i + 1) for i in range(sizes.boards))),
        k=P,
    )
    popularity = list(itertools.accumulate(rng.lognormvariate(0, 1.0) for _ in range(P)))
    comment_counts = allocate(rng, sizes.comments, popularity, cap=10_000)
    like_counts = allocate(rng, sizes.likes, popularity, cap=U - 1)
    del popularity

    posts = CopyStream(
        url,
        "posts",
        "id, board_id, school_id, author_id, title, body, anonymous, question, "
        "like_count, comment_count, scrap_count, hidden_at, created_at",
        consumers=2,  # the generated search_terms column makes posts the slow table
    )
    comments = CopyStream(
        url,
        "comments",
        "id, post_id, parent_id, author_id, body, anonymous, like_count, reply_count, created_at",
    )
    likes = CopyStream(url, "post_likes", "post_id, user_id, created_at")
    numbers = CopyStream(url, "post_anonymous_authors", "post_id, user_id, number")
    streams = (posts, comments, likes, numbers)
    rand, randrange, sample, lognorm = rng.random, rng.randrange, rng.sample, rng.lognormvariate
    started = time.perf_counter()
    report_every = max(P // 10, 1)
    try:
        for p in range(P):
            t = times[p]
            pid = uuid7_text(t, bits)
            board = board_of[p]
            author = randrange(U)
            anonymous = rand() < (0.9 if board == SECRET_BOARD else 0.2)
            question = rand() < (0.7 if board == QUESTION_BOARD else 0.03)
            hidden = ts(t + 3600) if rand() < 0.001 else NULL
            body = text(max(3, int(lognorm(2.7, 0.6))))
            if rand() < 0.3:
                body += "\\n" + text(randrange(2, 12))
            n_comments, n_likes = comment_counts[p], like_counts[p]
            posts.add(
                f"{pid}\t{board_ids[board]}\t{school_id}\t{user_ids[author]}\t"
                f"{text(randrange(2, 8))}\t{body}\t{'t' if anonymous else 'f'}\t"
                f"{'t' if question else 'f'}\t{n_likes}\t{n_comments}\t0\t{hidden}\t{ts(t)}"
            )
            if n_comments:
                window = min((t_end - t) * 0.999, 3 * 86400.0)
                offsets = sorted(rand() for _ in range(n_comments))
                rows: list[list[Any]] = []
                tops: list[int] = []
                numbered: dict[int, int] = {}
                for offset in offsets:
                    ct = t + offset * window
                    cauthor = author if rand() < 0.1 else randrange(U)
                    canon = rand() < (0.6 if anonymous else 0.15)
                    parent = None
                    if tops and rand() < 0.35:
                        parent = tops[randrange(len(tops))]
                        rows[parent][6] += 1
                    else:
                        tops.append(len(rows))
                    if canon and not (cauthor == author and anonymous) and cauthor not in numbered:
                        numbered[cauthor] = len(numbered) + 1
                        numbers.add(f"{pid}\t{user_ids[cauthor]}\t{numbered[cauthor]}")
                    rows.append(
                        [
                            uuid7_text(ct, bits),
                            parent,
                            cauthor,
                            canon,
                            ct,
                            text(randrange(1, 15)),
                            0,
                        ]
                    )
                for cid, parent, cauthor, canon, ct, cbody, replies in rows:
                    comments.add(
                        f"{cid}\t{pid}\t{NULL if parent is None else rows[parent][0]}"
                        f"\t{user_ids[cauthor]}\t{cbody}\t{'t' if canon else 'f'}\t0\t{replies}"
                        f"\t{ts(ct)}"
                    )
            if n_likes:
                window = t_end - t
                emitted = 0
                for u in sample(range(U), n_likes + 1):
                    if u != author:
                        likes.add(f"{pid}\t{user_ids[u]}\t{ts(t + rand() * window)}")
                        emitted += 1
                        if emitted == n_likes:
                            break
            if (p + 1) % report_every == 0:
                elapsed = time.perf_counter() - started
                say(
                    f"    {p + 1:>10,} posts  {comments.rows:>11,} comments  "
                    f"{likes.rows:>11,} likes  {elapsed:6.1f} s"
                )
    except BaseException:
        for stream in streams:  # let the COPY threads end so their connections close
            with contextlib.suppress(BaseException):
                stream.close()
        raise
    for stream in streams:
        stream.close()
    return t_end


# --- what the load asks for -----------------------------------------------------------


@dataclass
class Targets:
    school_id: str
    boards: list[tuple[str, int]]  # (board id, visible posts), busiest first
    deep_cursors: list[tuple[str, str]]  # (board id, cursor after `deep` posts)
    deep: int
    posts: list[tuple[str, str, int]]  # (post id, author id, comment count), visible
    users: list[str]
    courses: CourseTargets | None = None  # None: no course catalog seeded
    tokens: dict[str, str] = field(default_factory=dict)


def pick_targets(url: str, deep: int, rng: random.Random) -> Targets:
    from api.core.pagination import encode_cursor

    conn = connect(url)
    try:
        school_id = str(query(conn, "SELECT id FROM schools ORDER BY created_at LIMIT 1")[0][0])
        boards = [
            (str(b), n)
            for b, n in query(
                conn,
                "SELECT board_id, count(*) FROM posts WHERE hidden_at IS NULL "
                "GROUP BY board_id ORDER BY count(*) DESC",
            )
        ]
        depth = min(deep, max(boards[0][1] - 20, 0))
        if depth < deep:
            say(f"  the busiest board has {boards[0][1]:,} posts: the deep page skips {depth:,}")
        deep_cursors = []
        for board_id, count in boards:
            if count >= depth + 20 and depth > 0:
                created, post_id = query(
                    conn,
                    "SELECT created_at, id FROM posts WHERE board_id = %s AND hidden_at IS NULL "
                    "ORDER BY created_at DESC, id DESC OFFSET %s LIMIT 1",
                    (board_id, depth - 1),
                )[0]
                deep_cursors.append((board_id, encode_cursor(created, post_id)))
        total = query(conn, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'posts'")[0][0]
        percent = min(100.0, 100.0 * 60_000 / max(total, 1))
        posts = [
            (str(p), str(a), c)
            for p, a, c in query(
                conn,
                f"SELECT id, author_id, comment_count FROM posts TABLESAMPLE BERNOULLI ({percent})"
                " WHERE hidden_at IS NULL",
            )
        ]
        rng.shuffle(posts)
        users = [str(r[0]) for r in query(conn, "SELECT id FROM users WHERE deleted_at IS NULL")]
        rng.shuffle(users)
        courses = pick_course_targets(conn, school_id, users[:2000], rng)
    finally:
        conn.close()
    return Targets(school_id, boards, deep_cursors, depth, posts, users[:2000], courses)


def mint_tokens(targets: Targets) -> None:
    from uuid import UUID

    from api.auth.tokens import issue_access_token

    school = UUID(targets.school_id)
    targets.tokens = {u: issue_access_token(UUID(u), school) for u in targets.users}


Request = tuple[str, str, str, str]  # method, path, token, JSON body ("" for none)


def build_requests(key: str, t: Targets, n: int, rng: random.Random) -> list[Request]:
    users = t.users
    tok = t.tokens

    def user() -> str:
        return tok[users[rng.randrange(len(users))]]

    out: list[Request] = []
    if key == "board_page1":
        for i in range(n):
            out.append(("GET", f"/v1/boards/{t.boards[i % len(t.boards)][0]}/posts", user(), ""))
    elif key == "board_deep":
        for i in range(n):
            board, cursor = t.deep_cursors[i % len(t.deep_cursors)]
            out.append(("GET", f"/v1/boards/{board}/posts?cursor={cursor}", user(), ""))
    elif key == "post_detail":
        out = [("GET", f"/v1/posts/{t.posts[i % len(t.posts)][0]}", user(), "") for i in range(n)]
    elif key == "comments_page":
        commented = [p for p in t.posts if p[2] > 0]
        for i in range(n):
            out.append(
                ("GET", f"/v1/posts/{commented[i % len(commented)][0]}/comments", user(), "")
            )
    elif key == "create_comment":
        for i in range(n):
            body = json.dumps(
                {"body": f"벤치마크 댓글 {i}: 좋은 글 감사합니다", "anonymous": False}
            )
            out.append(("POST", f"/v1/posts/{t.posts[i % len(t.posts)][0]}/comments", user(), body))
    elif key == "like_post":
        seen: set[tuple[str, str]] = set()
        while len(out) < n:
            post_id, author, _ = t.posts[rng.randrange(len(t.posts))]
            u = users[rng.randrange(len(users))]
            if u != author and (post_id, u) not in seen:
                seen.add((post_id, u))
                out.append(("PUT", f"/v1/posts/{post_id}/like", tok[u], ""))
    elif key in COURSE_KEYS or key.startswith("add_course"):
        out = build_course_requests(key, t, n)
    return out


def build_course_requests(key: str, t: Targets, n: int) -> list[Request]:
    c = t.courses
    assert c is not None, "no course catalog seeded (--courses 0)"
    tok = t.tokens
    if key == "catalog_search":
        return [
            ("GET", catalog_path(c.school_id, c.search_terms[i % len(c.search_terms)]), tok[u], "")
            for i, u in zip(range(n), itertools.cycle(t.users))
        ]
    if key == "timetable_own":
        return [("GET", f"/v1/timetables/{tid}", tok[u], "") for u, tid in _cycle(c.own, n)]
    if key == "timetable_friend":
        return [
            ("GET", f"/v1/users/{friend}/timetable?semester={SEMESTER}", tok[viewer], "")
            for viewer, friend in _cycle(c.friends, n)
        ]
    # Adding courses: a share clash (409), the rest fit; none was added before.
    share = {"add_course": CLASH_SHARE, "add_course_clash": 1.0, "add_course_fit": 0.0}[key]
    plan = c.planner.plan(n, share)
    c.planned_clashes = [a.clash for a in plan]
    return [
        ("PUT", f"/v1/timetables/{a.timetable_id}/courses/{a.course_id}", tok[a.user], "")
        for a in plan
    ]


def _cycle(items: list[Any], n: int) -> list[Any]:
    return [items[i % len(items)] for i in range(n)]


def write_requests(path: Path, requests: list[Request]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for method, target, token, body in requests:
            f.write(f"{method}\t{target}\t{token}\t{body}\n")


# --- SQL per request, EXPLAIN, the deep cursor -----------------------------------------


@dataclass
class SqlCount:
    app: int  # statements SQLAlchemy sends (what the issue calls SQL queries)
    wire: int  # + BEGIN / COMMIT / ROLLBACK and the pool's pre-ping
    round_trips: int  # pg8000 protocol round trips
    status: int
    kinds: dict[str, int]
    statements: list[str] = field(default_factory=list)  # the app's statements, abridged


def inprocess_checks(targets: Targets, rng: random.Random) -> dict[str, Any]:
    """Send each request type once through TestClient here, counting its SQL."""
    import pg8000.core
    from sqlalchemy import event

    with warnings.catch_warnings():  # the TestClient's note about its httpx version
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from api.main import create_app
    from infra import database

    state = {"app": 0, "wire": 0, "rt": 0, "kinds": Counter(), "captured": []}
    core = pg8000.core.CoreConnection
    # A statement goes out as simple query, unnamed (parse, bind, execute) or, once
    # infra/pg8000_tuning.py has prepared it on the connection, named (bind, execute).
    executors = ("execute_simple", "execute_unnamed", "execute_named")
    originals = {name: getattr(core, name) for name in executors}
    originals["handle_messages"] = core.handle_messages

    def counting(name: str) -> Callable[..., Any]:
        original = originals[name]

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            # execute_named(name, params, columns, input_funcs, statement)
            statement = args[4] if name == "execute_named" else args[0]
            state["wire"] += 1
            verb = statement.split(None, 1)[0].upper() if statement.strip(" ;") else "PING"
            state["kinds"][verb] += 1  # the pool's pre-ping is an empty statement
            return original(self, *args, **kwargs)

        return wrapper

    def round_trip(self: Any, *args: Any, **kwargs: Any) -> Any:
        state["rt"] += 1
        return originals["handle_messages"](self, *args, **kwargs)

    def before(_conn, _cursor, statement, parameters, _context, _many) -> None:
        state["app"] += 1
        state["captured"].append((statement, parameters))

    results: dict[str, Any] = {"sql": {}, "explain": {}, "scans": {}}
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request
    for name in executors:
        setattr(core, name, counting(name))
    core.handle_messages = round_trip
    try:
        app = create_app()
        logging.getLogger().setLevel(logging.WARNING)  # event handlers log each event at INFO
        engine = database.get_engine()
        event.listen(engine, "before_cursor_execute", before)
        keys = [
            k for k in SQL_KEYS if targets.courses or k not in (*COURSE_KEYS, "add_course_clash")
        ]
        # In process, "add course" is one that fits; "add course (409)" one that clashes.
        samples = {
            key: build_requests("add_course_fit" if key == "add_course" else key, targets, 2, rng)
            for key in keys
        }
        with TestClient(app, raise_server_exceptions=False) as client:
            for key, (warm, measured) in samples.items():
                send(client, warm)
                for k in ("app", "wire", "rt"):
                    state[k] = 0
                state["kinds"] = Counter()
                state["captured"] = []
                response = send(client, measured)
                results["sql"][key] = SqlCount(
                    state["app"], state["wire"], state["rt"], response.status_code,
                    dict(state["kinds"]), [abridge(c[0]) for c in state["captured"]],
                )  # fmt: skip
                captured = list(state["captured"])  # EXPLAIN below goes through the hook too
                if key in READS and captured:
                    # The page's own statement is the longest one.
                    main_sql = max(captured, key=lambda c: len(c[0]))
                    results["explain"][key] = explain(engine, *main_sql)
                # Every statement of every request: none may scan a big table.
                results["scans"][key] = [
                    f"{abridge(st)}: seq scan of {', '.join(ex['seq_scans'])}"
                    + (f", {ex['execution_ms']} ms" if ex["execution_ms"] is not None else "")
                    for st, params in captured
                    if (ex := explain(engine, st, params))["seq_scans"]
                ]
            results["walked_cursor_matches"] = walk_cursor(client, targets)
            if targets.courses:
                state["captured"] = []
                results["search_sql"] = explain_searches(client, engine, targets, state)
        event.remove(engine, "before_cursor_execute", before)
    finally:
        for name, original in originals.items():
            setattr(core, name, original)
        database.dispose_engine()
    return results


def explain_searches(
    client: Any, engine: Any, targets: Targets, state: dict[str, Any], n: int = 60
) -> list[dict[str, Any]]:
    """The search statement of `n` catalog searches (the load's terms), EXPLAIN ANALYZEd:
    how long the SQL takes for common and rare terms, and which plan each one gets."""
    out = []
    for method, path, token, body in build_requests("catalog_search", targets, n, random.Random()):
        state["captured"] = []
        response = send(client, (method, path, token, body))
        if response.status_code != 200 or not state["captured"]:
            say(f"  (catalog search {unquote(path)} answered {response.status_code})")
            continue
        statement, params = max(state["captured"], key=lambda c: len(c[0]))
        ex = explain(engine, statement, params)
        scanned = [
            int(m.group(1))
            for line in ex["plan"]
            if " on courses" in line and (m := re.search(r"actual time=\S+ rows=(\d+)", line))
        ]
        out.append(
            {
                "term": unquote(urlsplit(path).query.split("q=", 1)[1]),
                "status": response.status_code,
                "results": len(response.json().get("items", [])),
                "courses_rows": max(scanned, default=0),
                "execution_ms": ex["execution_ms"],
                "indexes": ex["indexes"],
                "seq_scans": ex["seq_scans"],
                "plan": ex["plan"],
            }
        )
    return sorted(out, key=lambda r: r["execution_ms"] or 0.0)


def abridge(statement: str) -> str:
    """`SELECT ... FROM posts JOIN users ...`: the verb and the tables, for the report."""
    flat = " ".join(statement.split())
    verb = flat.split(" ", 1)[0].upper()
    tables = re.findall(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+(\w+)", flat, flags=re.IGNORECASE)
    keywords = {"SELECT", "SKIP", "NOWAIT", "OF"}  # FOR UPDATE SKIP LOCKED is no table
    return f"{verb} {' '.join(dict.fromkeys(t for t in tables if t.upper() not in keywords))}"


def send(client: Any, request: Request) -> Any:
    method, target, token, body = request
    headers = {"Authorization": f"Bearer {token}"}
    if body:
        headers["Content-Type"] = "application/json"
    return client.request(method, target, headers=headers, content=body or None)


def explain(engine: Any, statement: str, parameters: Any) -> dict[str, Any]:
    """The plan of a statement as the app sent it. Reads run (EXPLAIN ANALYZE, twice: the
    second is warm); writes are only planned. Either way the transaction is rolled back."""
    verb = statement.lstrip().split(None, 1)[0].upper()
    command = "EXPLAIN (ANALYZE, BUFFERS) " if verb in ("SELECT", "WITH") else "EXPLAIN "
    with engine.connect() as conn:
        for _ in range(2 if command != "EXPLAIN " else 1):
            rows = conn.exec_driver_sql(command + statement, parameters).all()
        plan = [r[0] for r in rows]
        text = "\n".join(plan)
        scanned = sorted(set(re.findall(r"Seq Scan on (\w+)", text)))
        # A sequential scan of an empty or tiny table (no comment likes yet) is harmless.
        big = {
            name
            for name, tuples in conn.exec_driver_sql(
                "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", (scanned,)
            )
            if tuples > 1000
        }
        generic = generic_plan(conn, statement) if command != "EXPLAIN " else None
    timing = re.search(r"Execution Time: ([\d.]+) ms", text)
    return {
        "sql": statement,
        "plan": plan,
        "indexes": plan_indexes(text),
        "seq_scans": [name for name in scanned if name in big],
        "execution_ms": float(timing.group(1)) if timing else None,
        "generic_plan": generic,
        "generic_indexes": plan_indexes("\n".join(generic)) if generic else None,
    }


def plan_indexes(plan_text: str) -> list[str]:
    return sorted(set(re.findall(r"Index (?:Only )?Scan (?:using|on) (\w+)", plan_text)))


def generic_plan(conn: Any, statement: str) -> list[str] | None:
    """The plan PostgreSQL keeps once it settles on a generic one (the API's connections
    leave plan_cache_mode at auto): EXPLAIN (GENERIC_PLAN), PostgreSQL 16's, planned but
    not run. None when PostgreSQL cannot infer the parameters' types on its own."""
    numbers = itertools.count(1)
    numbered = re.sub(r"%s", lambda _: f"${next(numbers)}", statement).replace("%%", "%")
    try:  # no values: pg8000 sends it as it is, as a simple query
        return [r[0] for r in conn.exec_driver_sql("EXPLAIN (GENERIC_PLAN) " + numbered)]
    except Exception:  # reported as "not made"; the run goes on
        conn.rollback()
        return None


def walk_cursor(client: Any, targets: Targets) -> bool | None:
    """Walk the busiest board's pages to the deep page; its cursor must be the one we built."""
    if not targets.deep_cursors or targets.deep % 50:
        return None
    board, built = targets.deep_cursors[0]
    token = targets.tokens[targets.users[0]]
    cursor = None
    for _ in range(targets.deep // 50):
        params = {"limit": 50, **({"cursor": cursor} if cursor else {})}
        response = client.get(
            f"/v1/boards/{board}/posts", params=params, headers={"Authorization": f"Bearer {token}"}
        )
        cursor = response.json().get("next_cursor")
        if cursor is None:
            return False
    return cursor == built


# --- the API server --------------------------------------------------------------------


def readyz_status(port: int) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/readyz")
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


class Server:
    """`python -m api.cli serve --workers N`, in its own process group."""

    def __init__(self, env: dict[str, str], workers: int, log_path: Path) -> None:
        self.env = env
        self.workers = workers
        self.log_path = log_path
        self.port = int(env["PORT"])
        self.proc: subprocess.Popen | None = None

    def start(self) -> float:
        """Start the server; return seconds from process start to the first /readyz 200."""
        log = self.log_path.open("ab")
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--workers", str(self.workers)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the API server exited; see {self.log_path}")
            if readyz_status(self.port) == 200:
                return time.perf_counter() - started
            if time.perf_counter() - started > 60:
                raise RuntimeError(f"no /readyz 200 after 60 s; see {self.log_path}")
            time.sleep(0.005)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None


# --- load ------------------------------------------------------------------------------


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
    )


def run_python_loadgen(url: str, path: Path, duration: float, connections: int) -> LoadResult:
    out = subprocess.run(
        [sys.executable, __file__, "_loadgen", url, str(path), str(connections), str(duration)],
        capture_output=True,
        text=True,
        timeout=duration + 60,
    )
    if out.returncode != 0:
        raise RuntimeError(f"the Python load generator failed:\n{out.stderr}")
    return LoadResult(**json.loads(out.stdout.strip().splitlines()[-1]))


def loadgen_main(url: str, path: str, connections: int, duration: float) -> None:
    """A minimal keep-alive HTTP/1.1 client on asyncio (uvloop when present)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    raw: list[bytes] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            method, target, token, body = line.rstrip("\n").split("\t", 3)
            data = body.encode()
            head = f"{method} {target} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            head += f"Authorization: Bearer {token}\r\n"
            if data:
                head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
            raw.append(head.encode() + b"\r\n" + data)
    latencies: list[float] = []
    errors = 0
    statuses: Counter[str] = Counter()

    async def client(index: int, deadline: float) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        i = index
        perf = time.perf_counter
        while (start := perf()) < deadline:
            writer.write(raw[i % len(raw)])
            i += connections
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            lower = head.lower()
            at = lower.find(b"\r\ncontent-length:")
            if at < 0:
                raise RuntimeError("response without Content-Length")
            length = int(lower[at + 17 : lower.find(b"\r\n", at + 2)])
            await reader.readexactly(length)
            latencies.append(perf() - start)
            statuses[str(status)] += 1
            if status >= 300:
                errors += 1
        writer.close()

    async def main() -> float:
        started = time.perf_counter()
        deadline = started + duration
        await asyncio.gather(*(client(i, deadline) for i in range(connections)))
        return time.perf_counter() - started

    try:
        import uvloop

        seconds = uvloop.run(main())
    except ImportError:
        seconds = asyncio.run(main())
    latencies.sort()
    n = len(latencies)

    def pct(q: float) -> float:
        return latencies[min(n - 1, int(q * n))] * 1000 if n else 0.0

    result = LoadResult(
        n, seconds, n / seconds, pct(0.50), pct(0.99), errors, "python", statuses=dict(statuses)
    )
    print(json.dumps(asdict(result)))


WRITTEN = {  # what each write inserts: table and its time column
    "create_comment": ("comments", "created_at"),
    "like_post": ("post_likes", "created_at"),
    "add_course": ("timetable_courses", "added_at"),
}


def count_since(url: str, table: str, seeded_until: float, column: str = "created_at") -> int:
    conn = connect(url)
    try:
        until = datetime.fromtimestamp(seeded_until, UTC)
        return query(conn, f"SELECT count(*) FROM {table} WHERE {column} > %s", (until,))[0][0]
    finally:
        conn.close()


def process_roots(url: str, server: Server) -> dict[str, int]:
    """The API server and, when it runs on this machine, the PostgreSQL postmaster."""
    import psutil

    roots = {"server": server.proc.pid} if server.proc else {}
    with contextlib.suppress(Exception):
        conn = connect(url)
        try:  # ask while the backend lives: its parent is the postmaster
            roots["postgres"] = psutil.Process(query(conn, "SELECT pg_backend_pid()")[0][0]).ppid()
        finally:
            conn.close()
    if "postgres" not in roots:
        say("  (PostgreSQL is not on this machine: its CPU is counted under 'others')")
    return roots


# --- report ----------------------------------------------------------------------------


def verdicts(
    load: dict[str, LoadResult],
    sql: dict[str, SqlCount],
    start_s: list[float],
    plans: dict[str, Any],
    scans: dict[str, list[str]],
    searches: list[dict[str, Any]] | None = None,
) -> list[list[str]]:
    rows: list[list[str]] = []

    def add(what: str, target: str, measured: str, ok: bool | None, *keys: str) -> None:
        result = "—" if ok is None else ("PASS" if ok else "MISS")
        if any(load[k].cpu.get("others", 0.0) > 0.15 for k in keys if k in load):
            result += " (machine busy)"
        rows.append([what, target, measured, result])

    def clean(key: str) -> bool:
        return load[key].errors == 0

    if "board_page1" in load:
        r = load["board_page1"]
        add(
            "board page 1",
            "≥ 800 req/s, p99 ≤ 50 ms",
            f"{r.rps:,.0f} req/s, p99 {r.p99_ms:.1f} ms",
            clean("board_page1") and r.rps >= 800 and r.p99_ms <= 50,
            "board_page1",
        )
    if "board_deep" in load and "board_page1" in load:
        d, p = load["board_deep"], load["board_page1"]
        add(
            "deep page vs page 1",
            "within 1.5x (req/s and p50)",
            f"req/s x{p.rps / d.rps:.2f}, p50 x{d.p50_ms / p.p50_ms:.2f}",
            clean("board_deep") and d.rps * 1.5 >= p.rps and d.p50_ms <= 1.5 * p.p50_ms,
            "board_page1",
            "board_deep",
        )
    if "post_detail" in load:
        r = load["post_detail"]
        add(
            "post detail",
            "≥ 600 req/s",
            f"{r.rps:,.0f} req/s",
            clean("post_detail") and r.rps >= 600,
            "post_detail",
        )
    if "comments_page" in load:
        r = load["comments_page"]
        add("comments page", "(no target)", f"{r.rps:,.0f} req/s", None, "comments_page")
    for key in ("create_comment", "like_post"):
        if key in load:
            r = load[key]
            add(TITLES[key], "≥ 300 req/s", f"{r.rps:,.0f} req/s", clean(key) and r.rps >= 300, key)
    # issue 3
    if "catalog_search" in load:
        r = load["catalog_search"]
        add(
            "catalog search",
            "p99 ≤ 30 ms",
            f"p99 {r.p99_ms:.1f} ms ({r.rps:,.0f} req/s, p50 {r.p50_ms:.1f} ms)",
            clean("catalog_search") and r.p99_ms <= 30,
            "catalog_search",
        )
    for key in ("timetable_own", "timetable_friend"):
        if key in load:
            r = load[key]
            add(
                f"viewing a timetable: {TITLES[key]}",
                "≥ 1,000 req/s",
                f"{r.rps:,.0f} req/s",
                clean(key) and r.rps >= 1000,
                key,
            )
    if "add_course" in load:
        r = load["add_course"]
        clashed = r.statuses.get("409", 0) / max(r.requests, 1)
        add(
            "add course with clash check",
            "≥ 300 req/s",
            f"{r.rps:,.0f} req/s ({clashed:.0%} answered 409)",
            clean("add_course") and r.rps >= 300,
            "add_course",
        )
    for key in READS:
        if key in sql:
            c = sql[key]
            add(
                f"SQL per {TITLES[key]}",
                "1-2 statements" if key in POST_READS else "(no target)",
                f"{c.app} (on the wire {c.wire}, {c.round_trips} round trips)",
                c.app <= 2 and c.status == 200 if key in POST_READS else None,
            )
    for key in ("add_course", "add_course_clash"):
        if key in sql:
            c = sql[key]
            add(
                f"SQL per {TITLES[key]}",
                "(no target)",
                f"{c.app} (on the wire {c.wire}, {c.round_trips} round trips), status {c.status}",
                None,
            )
    for key, ex in plans.items():
        if key.startswith("board_"):
            uses = "ix_posts_board_feed" in ex["indexes"]
            add(
                f"plan of {TITLES[key]}",
                "ix_posts_board_feed",
                f"{'uses it' if uses else 'does not use it'}, {ex['execution_ms']} ms",
                uses,
            )
            generic = ex.get("generic_indexes")
            uses = generic is not None and "ix_posts_board_feed" in generic
            add(
                f"generic plan of {TITLES[key]}",
                "ix_posts_board_feed",
                "not made" if generic is None else "uses it" if uses else "does not use it",
                uses,
            )

    for key, found in scans.items():
        if key in COURSE_KEYS or key == "add_course_clash":
            add(
                f"plans of {TITLES[key]}",
                "no seq scan of a big table",
                "; ".join(found) or "none",
                not found,
            )
        elif found:
            add(f"plans of {TITLES[key]}", "(no target) no seq scan", "; ".join(found), None)
    if searches:
        times = [r["execution_ms"] or 0.0 for r in searches]
        scanned = sorted({t for r in searches for t in r["seq_scans"]})
        add(
            "catalog search SQL",
            "(no target) index-backed",
            f"{len(searches)} terms: median {percentile(times, 0.5):.2f} ms, max "
            f"{max(times):.2f} ms; "
            + (f"SEQ SCAN of {', '.join(scanned)}" if scanned else "no seq scan"),
            None,
        )
    if start_s:
        median = sorted(start_s)[len(start_s) // 2]
        add(
            "start -> /readyz",
            "≤ 2 s",
            f"{median:.2f} s median of {len(start_s)} (max {max(start_s):.2f} s)",
            median <= 2.0,
        )
    return rows


def report_searches(searches: list[dict[str, Any]]) -> None:
    """How long the catalog search's SQL took over the sample of terms, by plan."""
    times = [r["execution_ms"] or 0.0 for r in searches]
    say(
        HEADER.format(f"Catalog search SQL over {len(searches)} of the load's terms")
        + f"  (EXPLAIN ANALYZE: median {percentile(times, 0.5):.2f} ms, "
        f"p90 {percentile(times, 0.9):.2f} ms, max {max(times):.2f} ms)"
    )
    by_shape: dict[str, list[float]] = {}
    for r in searches:
        by_shape.setdefault(", ".join(r["indexes"]) or "no index", []).append(
            r["execution_ms"] or 0.0
        )
    for shape, ms in sorted(by_shape.items(), key=lambda item: -len(item[1])):
        say(
            f"    {len(ms):>3} searches use {shape}: median {percentile(ms, 0.5):.2f} ms, "
            f"max {max(ms):.2f} ms"
        )
    say("    slowest terms (SQL ms, rows the scan of courses returned, results on the page):")
    for r in reversed(searches[-6:]):
        say(
            f"      {r['term']!r:<24} {r['execution_ms']:8.2f} ms {r['courses_rows']:>7,} rows "
            f"{r['results']:>3} results  {', '.join(r['indexes'])}"
        )
    say("    the slowest one's plan:")
    for line in searches[-1]["plan"]:
        say("      " + line)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.floor(q * len(ordered)))] if ordered else 0.0


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

    tool = args.loadgen
    if tool in ("auto", "wrk") and shutil.which("wrk") is None:
        if tool == "wrk":
            raise SystemExit("wrk is not installed: apt-get install -y wrk")
        say("  wrk not found (apt-get install -y wrk): using the slower Python load generator")
        tool = "python"
    elif tool == "auto":
        tool = "wrk"

    # 1. database, migrations, data
    say(HEADER.format("Database"))
    if args.database_url:
        url = normalise_url(args.database_url)
        say("  using --database-url")
    else:
        started = time.perf_counter()
        url = start_embedded(data_dir, cleanup)
        say(f"  embedded PostgreSQL in {data_dir / 'pg'} ({time.perf_counter() - started:.1f} s)")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(data_dir),
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
    }
    env.pop("CLOUD_SQL_INSTANCE", None)
    for setting in args.settings:
        name, _, value = setting.partition("=")
        env[name.strip().upper()] = value
        os.environ[name.strip().upper()] = value  # the in-process checks use them too
        say(f"  API setting {name.strip().upper()}={value}")
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DATA_DIR")})
    os.environ.pop("CLOUD_SQL_INSTANCE", None)
    if env.get("PYTHONDONTWRITEBYTECODE") and not args.no_bytecode_cache:
        # Without a bytecode cache every start compiles every module from source (seconds).
        # A deployed image has its .pyc files; give the server a cache of its own.
        env.pop("PYTHONDONTWRITEBYTECODE")
        env["PYTHONPYCACHEPREFIX"] = str(data_dir / "pycache")
        subprocess.run([sys.executable, "-c", "import api.main"], cwd=ROOT, env=env, check=True)
        say(
            "  PYTHONDONTWRITEBYTECODE is set here: the server gets a bytecode cache in "
            f"{data_dir / 'pycache'} (--no-bytecode-cache to measure without)"
        )
    migrate(env)
    meta = ensure_seeded(url, sizes, args, course_sizes_from(args))
    seconds = meta.get("seconds", {})
    if seconds:
        say(f"  seeding this data set took {seconds['total']:.1f} s ({meta['seeded_at']})")
    if args.seed_only:
        return 0

    # 2. what to ask for, tokens, SQL per request, plans
    say(HEADER.format("Preparing requests"))
    targets = pick_targets(url, args.deep, rng)
    mint_tokens(targets)
    say(
        f"  {len(targets.boards)} boards (busiest {targets.boards[0][1]:,} posts), deep page "
        f"after {targets.deep:,} posts on {len(targets.deep_cursors)} boards, "
        f"{len(targets.posts):,} sample posts, {len(targets.tokens):,} users with tokens"
    )
    if targets.courses:
        c = targets.courses
        say(
            f"  {c.stats['courses']:,} courses in {SEMESTER}, {len(c.search_terms)} search terms, "
            f"{len(c.own):,} own timetables, {len(c.friends):,} friends' public timetables, "
            f"{c.stats['timetables']:,} timetables to add courses to"
        )
    checks = inprocess_checks(targets, rng)
    sql: dict[str, SqlCount] = checks["sql"]
    walked = checks.get("walked_cursor_matches")
    if walked is not None:
        say(f"  walking {targets.deep // 50} pages of 50 reaches the built deep cursor: {walked}")

    # 3. start the server as `make run` does
    say(HEADER.format(f"API server ({args.workers} workers)"))
    server = Server(env, args.workers, data_dir / "server.log")
    cleanup.push("the API server", server.stop)
    start_s: list[float] = []
    for i in range(max(1, args.start_runs)):
        # Nothing of ours runs now: what keeps the machine busy is someone else's.
        busy0, t0 = CpuMeter._busy(), time.monotonic()
        time.sleep(0.5)
        background = (CpuMeter._busy() - busy0) / (time.monotonic() - t0)
        start_s.append(server.start())
        note = f" (machine busy: {background:.2f} cores used by others)" if background > 0.2 else ""
        say(f"  start -> /readyz 200: {start_s[-1]:.2f} s{note}")
        if i < args.start_runs - 1:
            server.stop()
    time.sleep(1.0)  # let every worker finish importing before the warm-up

    # 4. load
    base = f"http://127.0.0.1:{env['PORT']}"
    say(
        HEADER.format("Load")
        + f"  {tool}, {args.connections} connections, {args.warmup:.0f} s warm-up + "
        f"{args.duration:.0f} s per request type"
    )
    scenarios = [k for k in SCENARIO_KEYS if k in args.scenarios.split(",")]
    if not targets.courses and any(k in COURSE_KEYS for k in scenarios):
        say("  no course catalog (--courses 0): skipping the course scenarios")
        scenarios = [k for k in scenarios if k not in COURSE_KEYS]
    load: dict[str, LoadResult] = {}
    written: dict[str, tuple[int, int]] = {}
    meter = CpuMeter(process_roots(url, server), args.workers)
    say(f"  load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="quad-bench-") as tmp:
        for key in scenarios:
            table_name, column = WRITTEN.get(key, (None, ""))
            since = meta["seeded_until"]
            before = count_since(url, table_name, since, column) if table_name else 0

            def go(path: Path, seconds: float, key: str = key) -> LoadResult:
                if tool == "wrk":
                    return run_wrk(
                        base, path, seconds, args.connections, args.threads,
                        statuses=key in EXPECTED_STATUSES,
                    )  # fmt: skip
                return run_python_loadgen(base, path, seconds, args.connections)

            mint_tokens(targets)  # access tokens live 15 minutes; a long run outlives them
            for attempt in range(1, 4):
                # Fresh requests each time, enough that writes never repeat within a run
                # (a repeated like is a no-op, cheaper than a real one).
                n = max(2000, int(4000 * (args.duration + args.warmup)))
                if key == "add_course" and targets.courses:
                    # Planning adds gets slower as timetables fill up: plan for 1,000/s (and
                    # say so below if the server was faster), from what timetables hold now.
                    n = max(2000, int(1000 * (args.duration + args.warmup)))
                    with contextlib.closing(connect(url)) as conn:
                        targets.courses.planner.sync(conn)
                requests = build_requests(key, targets, n, rng)
                warm, measured = Path(tmp, f"{key}-warm.tsv"), Path(tmp, f"{key}.tsv")
                cut = int(len(requests) * args.warmup / (args.duration + args.warmup))
                write_requests(warm, requests[:cut] or requests[:100])
                write_requests(measured, requests[cut:])
                meter.wait_idle()
                if args.wait_quiet:
                    waited = meter.wait_quiet(args.wait_quiet)
                    if waited > 5:
                        say(f"  {TITLES[key]:<17} waited {waited:.0f} s for a quiet machine")
                speed = reference_loop_ms()
                if args.warmup > 0:
                    go(warm, args.warmup)
                meter.start()
                r = go(measured, args.duration)
                r.reference_loop_ms = speed
                r.cpu = meter.stop()
                r.attempts = attempt
                r.sent = len(requests) - cut
                r.expect(EXPECTED_STATUSES.get(key, ()))
                # uvicorn's workers share one listening socket and a worker may accept every
                # connection the load generator opens at once, leaving the other idle.
                busiest, idlest = r.cpu.get("worker_max", 0.0), r.cpu.get("worker_min", 0.0)
                if args.workers < 2 or busiest < 0.25 or idlest >= 0.5 * busiest or attempt == 3:
                    break
                say(
                    f"  {TITLES[key]:<17} connections landed unevenly on the workers "
                    f"({busiest:.2f}/{idlest:.2f} cores, {r.rps:,.0f} req/s): measuring again"
                )
            load[key] = r
            note = ""
            if table_name:
                rows = count_since(url, table_name, since, column) - before
                written[key] = (rows, r.requests)
                note = f"  ({rows:,} rows inserted incl. warm-up and repeats)"
            if key == "add_course" and targets.courses:
                # The planner knows which of the requests sent should clash: the 409s must match.
                sent = targets.courses.planned_clashes[cut : cut + r.requests]
                planned = sum(sent) / max(len(sent), 1)
                answered = r.statuses.get("409", 0) / max(r.requests, 1)
                note += f"  ({answered:.1%} answered 409; planned {planned:.1%})"
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
                f"{c.app} / {c.wire} / {c.round_trips}" if c else "",
            ]
        )
    header = ["request", "req/s", "p50 ms", "p99 ms", "errors", "cores: busy / others"]
    header += ["CPU us/req: server / PG / loadgen", "SQL: app / wire / round trips"]
    say(text_table(rows, header))
    say(
        "  cores: CPU cores busy on the whole machine while measuring, and how much of that was\n"
        "  NOT this benchmark (keep 'others' near 0). CPU us/req: CPU time one request cost in\n"
        "  the API server (all workers), PostgreSQL and the load generator.\n"
        "  SQL app: statements the code sends; wire: + BEGIN/COMMIT and the pool's pre-ping;\n"
        "  round trips: pg8000 protocol exchanges (1 per prepared statement, 3 per unprepared\n"
        "  statement with parameters)."
    )
    say("  The statements of each request (verb and tables):")
    for key, c in sql.items():
        say(f"    {TITLES[key]:<18} {'; '.join(c.statements)}")
    busy_elsewhere = [TITLES[k] for k, r in load.items() if r.cpu.get("others", 0) > 0.15]
    if busy_elsewhere:
        say(
            "  WARNING: other processes used CPU during: "
            + ", ".join(busy_elsewhere)
            + ". Those figures are low by about that share; rerun on a quiet machine."
        )
    say()
    for key, ex in checks["explain"].items():
        summary = f"{ex['execution_ms']} ms; indexes: {', '.join(ex['indexes']) or 'none'}"
        if ex["seq_scans"]:
            summary += f"; SEQ SCAN on {', '.join(ex['seq_scans'])}"
        if key.startswith("board_"):
            uses = "ix_posts_board_feed" in ex["indexes"]
            summary += f"; {'uses' if uses else 'does NOT use'} ix_posts_board_feed"
        say(HEADER.format(f"EXPLAIN ANALYZE, {TITLES[key]}") + f"  ({summary})")
        for line in ex["plan"]:
            say("    " + line)
        if ex.get("generic_plan"):
            say("  generic plan (what runs once PostgreSQL keeps one; not run here):")
            for line in ex["generic_plan"]:
                say("    " + line)
    searches = checks.get("search_sql", [])
    if searches:
        report_searches(searches)
    say()
    verdict_rows = verdicts(load, sql, start_s, checks["explain"], checks["scans"], searches)
    say(HEADER.format("Targets (issues 2 and 3)"))
    say(text_table(verdict_rows, ["what", "target", "measured", "result"]))
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
        "loadgen": tool,
        "bytecode_cache": "PYTHONPYCACHEPREFIX" in env,
        "connections": args.connections,
        "workers": args.workers,
        "start_to_readyz_s": start_s,
        "load": {k: asdict(v) for k, v in load.items()},
        "sql": {k: asdict(v) for k, v in sql.items()},
        "explain": checks["explain"],
        "seq_scans": checks["scans"],
        "walked_cursor_matches": walked,
        "search_sql": [{k: v for k, v in r.items() if k != "plan"} for r in searches],
        "written": written,
        "targets": verdict_rows,
    }
    out = args.json or data_dir / "last-run.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    say(f"  results written to {out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_loadgen":
        loadgen_main(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    else:
        sys.exit(main())
