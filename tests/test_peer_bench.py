"""benchmarks/peer_bench.py's pure parts (no server, no database): both servers are asked
the same things, writes never repeat, statements are counted per database, and the table
says where the peer has no such request."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from apibench.load import LoadResult
from peerbench import report
from peerbench.requests import BY_KEY, REQUEST_TYPES, Picks, build
from peerbench.statements import count_lines


def picks() -> Picks:
    users = [f"u{i}" for i in range(6)]
    posts = [(f"p{i}", users[i % 6], 10 + 5 * i) for i in range(8)]  # 10..45 comments
    return Picks(
        boards=["b0", "b1"],
        deep=[("b0", "cursor0")],
        depth=100,
        posts=posts,
        users=users,
        quad_tokens={u: f"q-{u}" for u in users},
        peer_tokens={u: f"Token jwt-{u}" for u in users},
        usernames={u: f"학생{u}" for u in users},
        slugs={p: f"post-{i}" for i, (p, _, _) in enumerate(posts)},
        tags={"b0": "board-1", "b1": "board-2"},
    )


def test_both_servers_are_asked_for_the_same_boards_posts_and_users():
    p = picks()
    for key in ("board_page1", "board_deep", "post_detail", "comments_30", "create_comment"):
        quad, peer = build(key, p, 12, random.Random(1))
        assert len(quad) == len(peer) == 12
        for (_, q_path, q_token, _), (_, p_path, _, _, auth) in zip(quad, peer, strict=True):
            assert auth == "Authorization: " + p.peer_tokens[q_token.removeprefix("q-")]
            if key.startswith("board"):
                board = q_path.split("/")[3]
                assert f"tag={p.tags[board]}&limit=20" in p_path
                assert ("&offset=100" in p_path) == (key == "board_deep")
            else:
                assert p.slugs[q_path.split("/")[3]] == p_path.split("/")[3]
    comments, _ = build("comments_30", p, 8, random.Random(1))
    around_30 = {f"/v1/posts/{post}/comments?limit=30" for post, _, c in p.posts if 20 <= c <= 40}
    assert {r[1] for r in comments} == around_30


def test_writes_never_repeat_a_pair_across_rounds_nor_the_seed():
    p = picks()
    p.seen["like"] = {("p1", "u2")}
    rng = random.Random(2)
    first, first_peer = build("like", p, 10, rng)
    second, _ = build("like", p, 10, rng)
    pairs = [(r[1].split("/")[3], r[2].removeprefix("q-")) for r in first + second]
    assert len(set(pairs)) == len(pairs) == 20
    assert ("p1", "u2") not in pairs
    authors = {post: a for post, a, _ in p.posts}
    assert all(authors[post] != user for post, user in pairs)  # nobody likes their own post
    assert [r[1] for r in first_peer] == [
        f"/api/articles/{p.slugs[post]}/favorite" for post, _ in pairs[:10]
    ]
    follows, peer_follows = build("follow", p, 20, rng)
    assert len({(r[1], r[2]) for r in follows}) == 20
    for quad, peer in zip(follows, peer_follows, strict=True):
        followed = quad[1].split("/")[3]
        assert peer[1] == f"/api/profiles/{quote(p.usernames[followed])}/follow"
        assert peer[4] == "Authorization: " + p.peer_tokens[quad[2].removeprefix("q-")]


def test_requests_the_peer_has_not_are_quad_only():
    p = picks()
    for key in ("scrap", "report"):
        quad, peer = build(key, p, 5, random.Random(3))
        assert len(quad) == 5 and peer == []
    assert {t.key for t in REQUEST_TYPES if t.peer is None} == {"scrap", "report"}


def test_statements_are_counted_per_database():
    log = "\n".join(
        [
            "2026-12-03 18:00:00.1 UTC [11] db=quad_bench LOG:  execute pg8000_1: SELECT 1",
            "2026-12-03 18:00:00.2 UTC [12] db=realworld LOG:  execute __asyncpg_stmt_2__: SELECT",
            "    id FROM articles",  # a statement's next line
            "2026-12-03 18:00:00.3 UTC [12] db=realworld LOG:  statement: BEGIN;",
            "2026-12-03 18:00:00.4 UTC [12] db=realworld LOG:  duration: 0.1 ms",
            "2026-12-03 18:00:00.5 UTC [13] db=postgres LOG:  statement: SELECT pg_reload_conf()",
        ]
    )
    assert count_lines(log, "realworld") == 2
    assert count_lines(log, "quad_bench") == 1


def result(rps: float, p99: float = 10.0) -> LoadResult:
    # 0.5 cores of server and 0.1 of PostgreSQL at `rps`.
    return LoadResult(int(rps), 1.0, rps, 1.0, p99, 0, "wrk", {"server": 0.5, "postgres": 0.1})


def test_the_table_gives_medians_ratios_and_says_what_the_peer_lacks():
    results = {
        "post_detail": {"quad": [result(300), result(100), result(200)], "peer": [result(100)]},
        "scrap": {"quad": [result(150)]},
    }
    statements = {"post_detail": {"quad": 1.0, "peer": 8.0}, "scrap": {"quad": 8.0}}
    rows = {r[0]: r for r in report.rows(results, statements)}
    detail = rows[BY_KEY["post_detail"].title]
    assert detail[1:4] == ["200", "100", "2.00"]
    assert detail[5] == "1.0 / 8.0"
    assert detail[6] == "3,000 / 6,000"  # 0.6 cores / req/s
    scrap = rows[BY_KEY["scrap"].title]
    assert scrap[2:4] == ["n/a", "n/a"] and scrap[5] == "8.0 / n/a"
    assert len(rows) == 2
