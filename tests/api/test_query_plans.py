"""The hot paths' SQL on a campus big enough that PostgreSQL's plans mean something.

Two contracts the load figures rest on (benchmarks/README.md):
- On the wire, a hot read is its statements and nothing else: no BEGIN or COMMIT around
  it (it runs in autocommit) and, once the connection has seen it, one round trip per
  statement (prepared once, then executed by name).
- Its plans, for the values sent and the generic one PostgreSQL keeps after five runs
  (the API leaves plan_cache_mode at auto), read the indexes made for it and never scan a
  big table.

The data set (thousands of posts, comments and courses: with any of those indexes dropped,
its read scans a big table here) is loaded with SQL once for the module and emptied after
its last test: on a few rows every plan is a sequential scan, and loading this much
through the services would take minutes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

USERS = 500
BOARDS = 20
POSTS = 10_000  # 500 per board
COMMENTED = 3_000  # posts with 3 comments and 3 replies each
COURSES = 4_000
SEMESTER = "2026-2"
DEEP = 300  # posts skipped by the deep board page
BLOCKS = 200  # blocks each of users 1-5 made (user 1 reads as "the blocker"); others none
MAX_BLOCKS = 1_000  # what users 6 and 7 made, on posts (api/social/blocks.py: MAX_BLOCKS)
BIG = 1_000  # rows from which a sequential scan is a planning mistake here
TABLES = (
    "schools", "boards", "users", "posts", "comments", "post_likes", "courses",
    "course_slots", "timetables", "timetable_courses", "friendships", "blocks",
)  # fmt: skip


def _id(kind: str, n: str) -> str:
    """A stable uuid for row `n` of a kind, in SQL: md5 gives 32 hex digits."""
    return f"md5('{kind}' || ({n}))::uuid"


SEED = [
    f"INSERT INTO schools (id, name) VALUES ({_id('school', '0')}, 'Plan University')",
    f"""INSERT INTO boards (id, school_id, name)
        SELECT {_id("board", "b")}, {_id("school", "0")}, 'board ' || b
        FROM generate_series(0, {BOARDS - 1}) b""",
    f"""INSERT INTO users (id, email, password_hash, nickname, school_id, created_at,
                           email_verified_at)
        SELECT {_id("user", "u")}, 'plan' || u || '@example.edu', 'not-a-hash',
               'plan' || u, {_id("school", "0")}, now() - interval '400 days',
               now() - interval '400 days'
        FROM generate_series(0, {USERS - 1}) u""",
    f"""INSERT INTO posts (id, board_id, school_id, author_id, title, body, anonymous,
                           question, like_count, comment_count, hidden_at, created_at)
        SELECT {_id("post", "p")}, {_id("board", f"p % {BOARDS}")}, {_id("school", "0")},
               {_id("user", f"(p * 7) % {USERS}")}, 'post ' || p, '학교 축제 ' || p,
               p % 5 = 0, p % 11 = 0, CASE WHEN p < {COMMENTED} THEN 3 ELSE 0 END,
               CASE WHEN p < {COMMENTED} THEN 6 ELSE 0 END,
               CASE WHEN p % 997 = 0 THEN now() END, now() - p * interval '1 minute'
        FROM generate_series(0, {POSTS - 1}) p""",
    f"""INSERT INTO comments (id, post_id, parent_id, author_id, body, anonymous, reply_count,
                              created_at)
        SELECT {_id("top", "p || '.' || k")}, {_id("post", "p")}, NULL,
               {_id("user", f"(p + k * 3) % {USERS}")}, 'comment ' || k, k = 1, 1,
               now() - p * interval '1 minute' + k * interval '1 second'
        FROM generate_series(0, {COMMENTED - 1}) p, generate_series(0, 2) k""",
    f"""INSERT INTO comments (id, post_id, parent_id, author_id, body, anonymous, created_at)
        SELECT {_id("reply", "p || '.' || k")}, {_id("post", "p")},
               {_id("top", "p || '.' || k")}, {_id("user", f"(p + k * 5 + 1) % {USERS}")},
               'reply ' || k, false, now() - p * interval '1 minute' + interval '10 seconds'
        FROM generate_series(0, {COMMENTED - 1}) p, generate_series(0, 2) k""",
    f"""INSERT INTO post_likes (post_id, user_id)
        SELECT {_id("post", "p")}, {_id("user", f"(p + k * 37 + 1) % {USERS}")}
        FROM generate_series(0, {COMMENTED - 1}) p, generate_series(0, 2) k""",
    # One semester's catalog: names from a few words, so that some bigrams are common.
    f"""INSERT INTO courses (id, school_id, semester, code, name, professor_name, credits)
        SELECT {_id("course", "c")}, {_id("school", "0")}, '{SEMESTER}',
               'C' || lpad(c::text, 5, '0'),
               (ARRAY['자료구조', '운영체제', '데이터베이스', '선형대수학', '경제학원론',
                      'Algorithms', 'Linear Algebra', 'Microeconomics'])[1 + c % 8]
                   || ' ' || (c / 8),
               (ARRAY['김민수', '이서연', '박지훈', 'Emily Clark'])[1 + c % 4] || (c % 97), 3
        FROM generate_series(0, {COURSES - 1}) c""",
    # Two meetings a week: an hour between 9:00 and 17:00, on two of the five weekdays.
    f"""INSERT INTO course_slots (id, course_id, weekday, starts_at, ends_at)
        SELECT {_id("slot", "c || '.' || k")}, {_id("course", "c")}, (c + 2 * k) % 5,
               time '09:00' + (c % 8) * interval '1 hour',
               time '09:50' + (c % 8) * interval '1 hour'
        FROM generate_series(0, {COURSES - 1}) c, generate_series(0, 1) k""",
    f"""INSERT INTO timetables (id, user_id, semester, name, is_public, is_primary)
        SELECT {_id("timetable", "u")}, {_id("user", "u")}, '{SEMESTER}', 'Plan', u % 2 = 0, true
        FROM generate_series(0, {USERS - 1}) u""",
    f"""INSERT INTO timetable_courses (timetable_id, course_id)
        SELECT {_id("timetable", "u")}, {_id("course", f"(u * 13 + k * 1667) % {COURSES}")}
        FROM generate_series(0, {USERS - 1}) u, generate_series(0, 5) k""",
    # Eight friends each: the next four users and the four before, both directions stored.
    f"""INSERT INTO friendships (user_id, friend_id)
        SELECT {_id("user", "u")}, {_id("user", f"(u + k) % {USERS}")}
        FROM generate_series(0, {USERS - 1}) u, generate_series(1, 4) k
        UNION ALL
        SELECT {_id("user", f"(u + k) % {USERS}")}, {_id("user", "u")}
        FROM generate_series(0, {USERS - 1}) u, generate_series(1, 4) k""",
    # A few users with many blocks (a quarter made on anonymous content) and most with
    # none, as when blocking is new: the generic plan's estimate of a viewer's blocks (the
    # average blocker's) is then far from a custom plan's for a viewer with none.
    f"""INSERT INTO blocks (id, blocker_id, blocked_id, via_type, via_id, anonymous)
        SELECT {_id("block", "u || '.' || k")}, {_id("user", "u")},
               {_id("user", f"(u + 2 * k) % {USERS}")}, 'user',
               {_id("user", f"(u + 2 * k) % {USERS}")}, k % 4 = 0
        FROM generate_series(1, 5) u, generate_series(1, {BLOCKS}) k
        UNION ALL
        SELECT {_id("block", "'p' || u || '.' || p")}, {_id("user", "u")},
               {_id("user", f"(p * 7) % {USERS}")}, 'post', {_id("post", "p")}, p % 5 = 0
        FROM generate_series(6, 7) u, generate_series(0, {MAX_BLOCKS - 1}) p
        WHERE (p * 7) % {USERS} <> u""",
]


@dataclass
class Campus:
    school: str
    board: str
    viewer: dict[str, str]  # the Authorization header of user 0
    blocker: dict[str, str]  # user 1's, who blocked BLOCKS users
    post: str  # a post with comments and likes
    timetable: str  # the viewer's
    friend: str  # a friend of the viewer's with a public primary timetable
    fits: str  # a course that fits the viewer's timetable
    clashes: str  # one that clashes with it


def _one(conn, sql: str) -> str:
    return str(conn.execute(text(sql)).scalar_one())


@pytest.fixture(scope="module")
def campus(database_url) -> Iterator[Campus]:
    from api.auth.tokens import issue_access_token
    from infra.database import get_engine

    engine = get_engine()
    with engine.begin() as conn:
        for statement in SEED:
            conn.execute(text(statement))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM (ANALYZE) {', '.join(TABLES)}"))
    with engine.connect() as conn:
        school = _one(conn, f"SELECT {_id('school', '0')}")
        viewer = _one(conn, f"SELECT {_id('user', '0')}")
        taken = f"""SELECT s.weekday, s.starts_at, s.ends_at FROM timetable_courses tc
                    JOIN course_slots s ON s.course_id = tc.course_id
                    WHERE tc.timetable_id = {_id("timetable", "0")}"""
        overlaps = f"""EXISTS (SELECT 1 FROM course_slots s JOIN ({taken}) t
                       ON t.weekday = s.weekday AND s.starts_at < t.ends_at
                       AND t.starts_at < s.ends_at WHERE s.course_id = c.id)"""
        mine = f"""c.id IN (SELECT course_id FROM timetable_courses
                            WHERE timetable_id = {_id("timetable", "0")})"""
        fits = _one(conn, f"SELECT c.id FROM courses c WHERE NOT {overlaps} AND NOT {mine} LIMIT 1")
        clashes = _one(conn, f"SELECT c.id FROM courses c WHERE {overlaps} AND NOT {mine} LIMIT 1")
        token = issue_access_token(UUID(viewer), UUID(school), verified=True)
        blocker_id = UUID(_one(conn, f"SELECT {_id('user', '1')}"))
        blocker = issue_access_token(blocker_id, UUID(school), verified=True)
        found = Campus(
            school=school,
            board=_one(conn, f"SELECT {_id('board', '0')}"),
            viewer={"Authorization": f"Bearer {token}"},
            blocker={"Authorization": f"Bearer {blocker}"},
            post=_one(conn, f"SELECT {_id('post', '20')}"),
            timetable=_one(conn, f"SELECT {_id('timetable', '0')}"),
            friend=_one(conn, f"SELECT {_id('user', '2')}"),
            fits=fits,
            clashes=clashes,
        )
    yield found
    from api.models import Base

    with engine.begin() as conn:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # the append-only log
        conn.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture(autouse=True)
def _clean_database() -> Iterator[None]:
    """Instead of conftest's: the tests here read the module's data set (the one course a
    test adds, it removes again), which `campus` empties after the last one."""
    yield


# --- what the app sends, and how PostgreSQL plans it --------------------------------------


@contextmanager
def captured() -> Iterator[list[tuple[str, Any]]]:
    """The statements the app sends while open, with their parameters."""
    statements: list[tuple[str, Any]] = []

    def on_execute(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if statement.strip().upper() not in ("", "SELECT 1"):  # the pool's ping
            statements.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", on_execute)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", on_execute)


def _nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


@dataclass
class Plan:
    statement: str
    nodes: list[dict]

    @property
    def indexes(self) -> set[str]:
        return {n["Index Name"] for n in self.nodes if "Index Name" in n}

    def seq_scans(self, big: set[str]) -> set[str]:
        return {
            n["Relation Name"]
            for n in self.nodes
            if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in big
        }


def explain(statement: str, parameters: Any, generic: bool = False) -> Plan:
    """The plan for these values (a SELECT or WITH is run: EXPLAIN ANALYZE) or, with
    `generic`, the plan PostgreSQL keeps once it settles on one (EXPLAIN (GENERIC_PLAN),
    PostgreSQL 16). Either way in a transaction that is rolled back."""
    from infra.database import get_engine

    verb = statement.lstrip().split(None, 1)[0].upper()
    with get_engine().connect() as conn:
        if generic:
            numbers = iter(range(1, 1000))
            numbered = re.sub(r"%s", lambda _: f"${next(numbers)}", statement)
            # No parameters: pg8000 sends the text as it is, so its %% must be a % again.
            sql = "EXPLAIN (GENERIC_PLAN, FORMAT JSON) " + numbered.replace("%%", "%")
            row = conn.exec_driver_sql(sql).scalar_one()
        else:
            options = "ANALYZE, FORMAT JSON" if verb in ("SELECT", "WITH") else "FORMAT JSON"
            row = conn.exec_driver_sql(f"EXPLAIN ({options}) {statement}", parameters).scalar_one()
        conn.rollback()
    plan = (json.loads(row) if isinstance(row, str) else row)[0]["Plan"]
    return Plan(statement, list(_nodes(plan)))


@pytest.fixture(scope="module")
def big_tables(campus) -> set[str]:
    from infra.database import get_engine

    with get_engine().connect() as conn:
        return {
            name
            for name, rows in conn.execute(
                text("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(:names)"),
                {"names": list(TABLES)},
            )
            if rows >= BIG
        }


def deep_cursor(client, campus: Campus) -> str:
    """The cursor a reader holds after paging DEEP posts into the board."""
    cursor = None
    for _ in range(DEEP // 50):
        params = {"limit": 50} | ({"cursor": cursor} if cursor else {})
        r = client.get(f"/v1/boards/{campus.board}/posts", params=params, headers=campus.viewer)
        assert r.status_code == 200, r.text
        cursor = r.json()["next_cursor"]
    assert cursor
    return cursor


@pytest.fixture
def reads(client, campus) -> dict[str, Callable[[], Any]]:
    """The hot reads, each a call that sends it once."""

    def get(path: str, headers: dict[str, str] = campus.viewer, **params: str) -> Callable[[], Any]:
        return lambda: client.get(path, params=params, headers=headers)

    courses = f"/v1/schools/{campus.school}/courses"
    return {
        "board page": get(f"/v1/boards/{campus.board}/posts"),
        "board page, deep": get(
            f"/v1/boards/{campus.board}/posts", cursor=deep_cursor(client, campus)
        ),
        "board page, 200 blocks": get(f"/v1/boards/{campus.board}/posts", campus.blocker),
        "post detail": get(f"/v1/posts/{campus.post}"),
        "comments page": get(f"/v1/posts/{campus.post}/comments"),
        "comments page, 200 blocks": get(f"/v1/posts/{campus.post}/comments", campus.blocker),
        "catalog search, common word": get(courses, semester=SEMESTER, q="자료"),
        "catalog search, rare word": get(courses, semester=SEMESTER, q="이서연13"),
        "own timetable": get(f"/v1/timetables/{campus.timetable}"),
        "friend's timetable": get(f"/v1/users/{campus.friend}/timetable", semester=SEMESTER),
    }


def sent(call: Callable[[], Any], status: int = 200) -> list[tuple[str, Any]]:
    with captured() as statements:
        r = call()
    assert r.status_code == status, r.text
    assert statements, "the capture saw none of the app's statements"
    return statements


# --- on the wire -------------------------------------------------------------------------


@pytest.fixture
def wire(monkeypatch) -> list[str]:
    """The statement of every round trip pg8000 makes (each wait for the server's
    ReadyForQuery), BEGIN and COMMIT included: a prepared statement is one, a statement
    run unnamed three, and preparing one is one more."""
    import pg8000.core

    trips: list[str] = []
    original = pg8000.core.CoreConnection.handle_messages

    def counted(self, context) -> None:
        trips.append(context.statement or "")
        return original(self, context)

    monkeypatch.setattr(pg8000.core.CoreConnection, "handle_messages", counted)
    return trips


def test_a_hot_read_is_its_statements_alone_one_round_trip_each(reads, wire):
    from infra.database import get_engine

    for name, call in reads.items():
        # The pool hands its connections out in turn: warm every one of them.
        for _ in range(get_engine().pool.checkedin() + 1):
            call()
        wire.clear()
        statements = sent(call)
        trips = [s for s in wire if s.strip().upper() not in ("", "SELECT 1")]  # not pings
        around = [s for s in trips if s.split()[0].lower() in ("begin", "commit", "rollback")]
        assert not around, f"{name}: a transaction around a read: {around}"
        abridged = [" ".join(s.split())[:60] for s in trips]
        assert len(trips) == len(statements), f"{name}: {len(statements)} statements, {abridged}"


# --- plans -------------------------------------------------------------------------------

# The index each hot read is built around: with it gone, that read scans a big table here.
INDEXES: dict[str, str | tuple[str, ...]] = {
    "board page": "ix_posts_board_feed",
    "board page, deep": "ix_posts_board_feed",
    # The blocks are one subquery, read from their index once per statement.
    "board page, 200 blocks": ("ix_posts_board_feed", "ix_blocks_blocker"),
    "post detail": "pk_posts",
    "comments page": "ix_comments_post_thread",
    "comments page, 200 blocks": ("ix_comments_post_thread", "ix_blocks_blocker"),
    "catalog search, common word": "ix_courses_search_terms",
    "catalog search, rare word": "ix_courses_search_terms",
    "own timetable": "pk_timetable_courses",
    "friend's timetable": "uq_timetables_primary",
}


@pytest.mark.parametrize("name", list(INDEXES))
def test_a_hot_read_uses_its_index_for_its_values_and_in_its_generic_plan(name, reads, big_tables):
    statements = sent(reads[name])
    for kind, generic in (("plan for the values sent", False), ("generic plan", True)):
        plans = [explain(statement, params, generic) for statement, params in statements]
        scanned = {(p.statement[:60], t) for p in plans for t in p.seq_scans(big_tables)}
        assert not scanned, f"{name}, {kind}: sequential scans {scanned}"
        used = set().union(*(p.indexes for p in plans))
        wanted = INDEXES[name]
        missing = {wanted} - used if isinstance(wanted, str) else set(wanted) - used
        assert not missing, f"{name}, {kind}: {missing} not in {used}"


def _literal(value: Any) -> str:
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


@pytest.mark.parametrize("name", ["board page", "board page, 200 blocks"])
def test_a_board_page_settles_on_its_generic_plan_with_or_without_blocks(name, reads):
    """A prepared statement is planned anew on every run while its generic plan looks
    dearer than the custom plans it had: the blocks subquery must not make a viewer with
    no blocks look cheaper to plan for than the average blocker (api/social/blocks.py)."""
    from infra.database import get_engine

    ((statement, params),) = sent(reads[name])
    numbers = iter(range(1, 1000))
    numbered = re.sub(r"%s", lambda _: f"${next(numbers)}", statement).replace("%%", "%")
    values = ", ".join(_literal(v) for v in params)
    with get_engine().connect() as conn:
        conn.exec_driver_sql(f"PREPARE quad_board_page AS {numbered}")
        try:
            for _ in range(10):
                conn.exec_driver_sql(f"EXECUTE quad_board_page({values})").all()
            generic, custom = conn.exec_driver_sql(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE name = 'quad_board_page'"
            ).one()
        finally:
            conn.exec_driver_sql("DEALLOCATE quad_board_page")
            conn.rollback()
    assert generic >= 5, f"{name}: planned anew each time ({generic} generic, {custom} custom)"


def test_adding_a_course_scans_no_big_table_whether_it_fits_or_clashes(client, campus, big_tables):
    path = f"/v1/timetables/{campus.timetable}/courses"
    for course, status in ((campus.fits, 200), (campus.clashes, 409)):
        statements = sent(lambda c=course: client.put(f"{path}/{c}", headers=campus.viewer), status)
        for generic in (False, True):
            for statement, params in statements:
                scanned = explain(statement, params, generic).seq_scans(big_tables)
                assert not scanned, (status, generic, " ".join(statement.split())[:200])
    # As it was: the other tests read the viewer's timetable.
    r = client.delete(f"{path}/{campus.fits}", headers=campus.viewer)
    assert r.status_code == 204, r.text


def test_writing_a_post_or_a_comment_scans_no_big_table(client, campus, big_tables):
    """The board's rules ride on the post's own lookups (the board by its key; for a
    comment, the post's UPDATE joined to its board by key)."""
    writes = [
        (
            lambda: client.post(
                f"/v1/boards/{campus.board}/posts",
                json={"title": "t", "body": "b"},
                headers=campus.viewer,
            ),
            201,
        ),
        (
            lambda: client.post(
                f"/v1/posts/{campus.post}/comments", json={"body": "c"}, headers=campus.viewer
            ),
            201,
        ),
    ]
    for write, status in writes:
        with captured() as statements:
            r = write()
        assert r.status_code == status, r.text
        for generic in (False, True):
            for statement, params in statements:
                if statement.lstrip().upper().startswith(("INSERT", "UPDATE OUTBOX")):
                    continue  # an insert scans nothing; the outbox is not a big table
                scanned = explain(statement, params, generic).seq_scans(big_tables)
                assert not scanned, (generic, " ".join(statement.split())[:200])
        path = "posts" if "title" in r.json() else "comments"
        # As it was: the other tests read the board and the post's comments.
        assert (
            client.delete(f"/v1/{path}/{r.json()['id']}", headers=campus.viewer).status_code == 204
        )
