"""What the load asks for: boards, posts, users and courses picked from the seeded
database, access tokens for those users, and each scenario's requests, written to the
files wrk replays (benchmarks/wrk/requests.lua).
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench_common import connect, query, say

from apibench.scenarios import (
    BLOCKERS,
    BLOCKS_EACH,
    CLASH_SHARE,
    CONDITIONAL,
    CONDITIONAL_POLLS,
    COURSE_KEYS,
)
from apibench.seed_courses import SEMESTER, Slot, clashes


@dataclass
class Workload:
    school_id: str
    boards: list[tuple[str, int]]  # (board id, visible posts), busiest first
    deep_cursors: list[tuple[str, str]]  # (board id, cursor after `deep` posts)
    deep: int
    posts: list[tuple[str, str, int]]  # (post id, author id, comment count), visible
    users: list[str]
    courses: CourseWorkload | None = None  # None: no course catalog seeded
    tokens: dict[str, str] = field(default_factory=dict)
    blockers: list[str] = field(default_factory=list)  # users with BLOCKS_EACH blocks


def pick_workload(url: str, deep: int, rng: random.Random) -> Workload:
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
        blockers, users = users[:BLOCKERS], users[BLOCKERS:]
        add_blocks(conn, blockers, users, rng)
        courses = pick_course_workload(conn, school_id, users[:2000], rng)
    finally:
        conn.close()
    return Workload(
        school_id, boards, deep_cursors, depth, posts, users[:2000], courses, blockers=blockers
    )


def add_blocks(conn: Any, blockers: list[str], others: list[str], rng: random.Random) -> None:
    """BLOCKS_EACH blocks for each of `blockers`, of users drawn from `others` (who write
    the posts like everyone). Written after the seed, so the next run removes them with
    the rest of what runs wrote (seed.reset_bench_writes)."""
    rows = []
    for blocker in blockers:
        for k, blocked in enumerate(rng.sample(others, min(BLOCKS_EACH, len(others)))):
            rows.append((blocker, blocked, k % 4 == 0))
    query(conn, "DELETE FROM blocks WHERE blocker_id = ANY(%s::uuid[])", (blockers,))
    query(
        conn,
        """INSERT INTO blocks (id, blocker_id, blocked_id, via_type, via_id, anonymous)
           SELECT gen_random_uuid(), b, d, 'user', d, a
           FROM unnest(%s::uuid[], %s::uuid[], %s::bool[]) AS t(b, d, a)""",
        ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]),
    )
    conn.commit()
    # As autovacuum leaves it between runs: without the visibility map the index-only scan
    # looks dear, and with the previous run's blocks dead the generic plan scans the table.
    conn.autocommit = True
    query(conn, "VACUUM (ANALYZE) blocks")
    conn.autocommit = False


def mint_tokens(workload: Workload) -> None:
    from uuid import UUID

    from api.auth.tokens import issue_access_token

    school = UUID(workload.school_id)
    workload.tokens = {
        u: issue_access_token(UUID(u), school, verified=True)
        for u in (*workload.users, *workload.blockers)
    }


# method, path, token, JSON body ("" for none), then any extra "Name: value" headers
Request = tuple[str, ...]


def build_requests(key: str, t: Workload, n: int, rng: random.Random) -> list[Request]:
    users = t.users
    tok = t.tokens

    def user() -> str:
        return tok[users[rng.randrange(len(users))]]

    out: list[Request] = []
    if key in CONDITIONAL:  # untagged: see tag_requests
        distinct = build_requests(CONDITIONAL[key], t, min(n, CONDITIONAL_POLLS), rng)
        return _cycle(distinct, n)
    if key == "board_page1":
        for i in range(n):
            out.append(("GET", f"/v1/boards/{t.boards[i % len(t.boards)][0]}/posts", user(), ""))
    elif key == "board_page1_blocked":
        for i in range(n):
            reader = tok[t.blockers[rng.randrange(len(t.blockers))]]
            out.append(("GET", f"/v1/boards/{t.boards[i % len(t.boards)][0]}/posts", reader, ""))
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


def build_course_requests(key: str, t: Workload, n: int) -> list[Request]:
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


def tag_requests(requests: list[Request], get: Callable[[Request], Any]) -> list[Request]:
    """The requests of a CONDITIONAL scenario, each with the `If-None-Match` of the answer
    `get(request)` gives now: polls of pages that have not changed since (one `get` per
    distinct request)."""
    tags: dict[Request, str] = {}
    for request in dict.fromkeys(requests):
        response = get(request)
        tag = response.headers.get("etag")
        if response.status_code != 200 or not tag:
            raise RuntimeError(f"{request[1]} answered {response.status_code} without an ETag")
        tags[request] = tag
    return [(*r, f"If-None-Match: {tags[r]}") for r in requests]


def write_requests(path: Path, requests: list[Request]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for request in requests:
            f.write("\t".join(request) + "\n")


# --- courses and timetables ---------------------------------------------------------------


@dataclass
class CourseWorkload:
    school_id: str
    search_terms: list[str]
    own: list[tuple[str, str]]  # (user, timetable id): the user's own timetables
    friends: list[tuple[str, str]]  # (viewer, friend): the friend's primary timetable is public
    planner: ClashPlanner
    stats: dict[str, int] = field(default_factory=dict)
    planned_clashes: list[bool] = field(default_factory=list)  # of the last add_course plan


def search_term(rng: random.Random, code: str, name: str, professor: str) -> str | None:
    """What a student would type to find this course: part of its name, its professor,
    the start of its code, or a name and a surname. None when nothing fits."""
    words = [
        w for w in name.replace("(", " ").replace(")", " ").replace(":", " ").split()
        if len(w) >= 2 and w.lower() not in ("to", "in", "of", "and", "ii", "iii")
    ]  # fmt: skip
    r = rng.random()
    if r < 0.4 and words:
        word = rng.choice(words)
        if word.isascii():
            return word.lower()[: rng.randint(4, max(4, len(word)))]
        size = rng.randint(2, min(4, len(word)))
        at = rng.randrange(len(word) - size + 1)
        return word[at : at + size]
    if r < 0.7 and professor:
        if professor.isascii():  # "Emily V. Clark": Emily or Clark
            return rng.choice([w for w in professor.split() if len(w.strip(".")) >= 2])
        return professor if rng.random() < 0.6 else professor[:2]
    if r < 0.8:
        return code[:4]  # department and level: "CSE3"
    if words and professor:
        return f"{rng.choice(words)} {professor.split()[0][:1]}"
    return None


def searchable(term: str) -> bool:
    """The API's own rule: a word of two or more characters (else it answers 422)."""
    from api.core.errors import InvalidInput
    from api.core.search import check_query

    try:
        check_query(term)
    except InvalidInput:
        return False
    return True


def pick_course_workload(
    conn: Any, school_id: str, users: list[str], rng: random.Random
) -> CourseWorkload | None:
    """Search terms, timetables to view and the timetables of `users` to add courses to."""
    if not query(conn, "SELECT 1 FROM courses WHERE semester = %s LIMIT 1", (SEMESTER,)):
        return None
    sample = query(
        conn,
        "SELECT code, name, professor_name FROM courses WHERE semester = %s "
        "ORDER BY md5(id::text || %s) LIMIT 600",
        (SEMESTER, str(rng.random())),
    )
    terms = [t for row in sample if (t := search_term(rng, *row)) and searchable(t)]
    own = [
        (str(u), str(t))
        for u, t in query(
            conn,
            "SELECT user_id, id FROM timetables WHERE semester = %s AND user_id = ANY(%s::uuid[])"
            " ORDER BY id",
            (SEMESTER, users),
        )
    ]
    friends = [
        (str(v), str(f))
        for v, f in query(
            conn,
            """SELECT fr.user_id, fr.friend_id FROM friendships fr
               JOIN timetables t ON t.user_id = fr.friend_id AND t.semester = %s
                                AND t.is_primary AND t.is_public
               WHERE fr.user_id = ANY(%s::uuid[]) ORDER BY 1, 2""",
            (SEMESTER, users),
        )
    ]
    slots: dict[str, list[Slot]] = {}
    for course_id, weekday, starts, ends in query(
        conn,
        "SELECT c.id, s.weekday, s.starts_at, s.ends_at FROM courses c "
        "LEFT JOIN course_slots s ON s.course_id = c.id WHERE c.semester = %s",
        (SEMESTER,),
    ):
        found = slots.setdefault(str(course_id), [])
        if weekday is not None:
            found.append((weekday, starts.hour * 60 + starts.minute, ends.hour * 60 + ends.minute))
    timetables: dict[str, tuple[str, set[str]]] = {tid: (u, set()) for u, tid in own}
    for tid, course_id in query(
        conn,
        "SELECT timetable_id, course_id FROM timetable_courses "
        "WHERE timetable_id = ANY(%s::uuid[])",
        (list(timetables),),
    ):
        timetables[str(tid)][1].add(str(course_id))
    rng.shuffle(terms)
    rng.shuffle(own)
    rng.shuffle(friends)
    return CourseWorkload(
        school_id,
        terms,
        own,
        friends,
        ClashPlanner(slots, timetables, rng),
        {"courses": len(slots), "terms": len(terms), "timetables": len(timetables)},
    )


@dataclass
class PlannedAdd:
    user: str
    timetable_id: str
    course_id: str
    clash: bool  # the API must answer 409


class ClashPlanner:
    """Chooses courses to add to timetables so that a known share clash (409) and the rest
    fit, keeping track of what the planned adds put in each timetable.

    Clashes are only planned against the courses seeded into a timetable, which stay put;
    fits are planned against the seeded courses and every add planned so far. A load
    generator sends a prefix of the planned requests (in order, one timetable's requests
    far apart), so what is really in a timetable is a subset of what the planner assumes:
    a planned fit fits, a planned clash clashes.
    """

    TRIES = 300

    def __init__(
        self,
        slots: dict[str, list[Slot]],
        timetables: dict[str, tuple[str, set[str]]],
        rng: random.Random,
    ) -> None:
        self.course_ids = list(slots)
        self.slots = slots
        self.rng = rng
        self.owner = {tid: user for tid, (user, _) in timetables.items()}
        self.seeded = {tid: set(courses) for tid, (_, courses) in timetables.items()}
        self.planned: dict[str, set[str]] = {tid: set() for tid in timetables}
        self.order = list(timetables)
        rng.shuffle(self.order)
        self._next = 0

    def sync(self, conn: Any) -> None:
        """Forget the planned adds: read what the timetables really hold now (a load run
        sends only part of what was planned)."""
        self.seeded = {tid: set() for tid in self.order}
        self.planned = {tid: set() for tid in self.order}
        for tid, course_id in query(
            conn,
            "SELECT timetable_id, course_id FROM timetable_courses "
            "WHERE timetable_id = ANY(%s::uuid[])",
            (self.order,),
        ):
            self.seeded[str(tid)].add(str(course_id))

    def _slots_of(self, course_ids: Iterable[str]) -> list[Slot]:
        return [s for c in course_ids for s in self.slots[c]]

    def _candidate(self, tid: str, clash: bool) -> str | None:
        present = self.seeded[tid] | self.planned[tid]
        against = self._slots_of(self.seeded[tid] if clash else present)
        if clash and not against:
            return None
        for _ in range(self.TRIES):
            course = self.course_ids[self.rng.randrange(len(self.course_ids))]
            if course not in present and clashes(self.slots[course], against) == clash:
                return course
        return None

    def plan(self, n: int, clash_share: float) -> list[PlannedAdd]:
        out: list[PlannedAdd] = []
        misses = 0
        while len(out) < n and misses < len(self.order):
            tid = self.order[self._next % len(self.order)]
            self._next += 1
            clash = self.rng.random() < clash_share
            course = self._candidate(tid, clash)
            if course is None:  # a full timetable, or one with nothing to clash with
                misses += 1
                continue
            misses = 0
            if not clash:
                self.planned[tid].add(course)
            out.append(PlannedAdd(self.owner[tid], tid, course, clash))
        return out


def catalog_path(school_id: str, term: str) -> str:
    return f"/v1/schools/{school_id}/courses?semester={SEMESTER}&q={quote(term)}"
