"""The benchmark's data set: one big campus, seeded once and reused.

1 school, 20 boards, 10,000 users, 1,000,000 posts, 3,000,000 comments and 5,000,000 likes
at full size (`--scale` multiplies them), bulk-loaded with COPY (secondary indexes dropped
during the load and rebuilt after, then VACUUM ANALYZE); then, on its own signature, the
course catalog, timetables and friends (seed_courses.py). A database already seeded with
the same sizes is reused, each part on its own; what earlier runs wrote is removed first
(`reset_bench_writes`): every seeded row is dated before `seeded_until`.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import random
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from bench_common import (
    HEADER,
    NULL,
    ROOT,
    CopyStream,
    TimestampText,
    connect,
    query,
    run_parallel,
    say,
    uuid7_text,
)

from apibench.seed_courses import COURSE_DEFAULTS, CourseSizes, course_signature, seed_courses

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
    # The moderation log refuses TRUNCATE (migration 0015) unless its trigger is skipped.
    query(conn, "SET session_replication_role = replica")
    query(conn, f"TRUNCATE {', '.join(tables)} CASCADE")
    query(conn, "RESET session_replication_role")
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
        # Verified members (email_verified_at), as the API's writes require.
        ("users", "id, email, password_hash, nickname, school_id, department_id, created_at, "
                  "email_verified_at", [
            f"{u}\tbench{i:06d}@{SCHOOL[1]}\t{password_hash}\t"
            f"{'학생' if i % 2 else 'student'}{i:06d}\t{school_id}\t{rng.choice(dept_ids)}\t"
            f"{ts(t)}\t{ts(t)}"
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


def count_since(url: str, table: str, seeded_until: float, column: str = "created_at") -> int:
    """Rows of `table` newer than the seeded data: what benchmark runs wrote."""
    conn = connect(url)
    try:
        until = datetime.fromtimestamp(seeded_until, UTC)
        return query(conn, f"SELECT count(*) FROM {table} WHERE {column} > %s", (until,))[0][0]
    finally:
        conn.close()
