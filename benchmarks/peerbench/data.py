"""The peer's data: Quad's seeded campus, copied into the peer's schema, so both serve the
same rows. Boards become tags (`board-1` is the oldest board), visible posts articles
(`post-<n>`, numbered by age), likes favorites, comments comments (flat: the peer has no
replies), users users (their nickname is the username). Copied afresh every run (COPY out
of Quad's database, COPY into the peer's), which also undoes the previous run's writes.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

from bench_common import connect, query, say

# The numbering both sides agree on: users and visible posts by age, boards by age.
NUMBERED = """
WITH u AS (SELECT id, nickname, row_number() OVER (ORDER BY created_at, id) AS n
           FROM users WHERE deleted_at IS NULL),
     b AS (SELECT id, 'board-' || row_number() OVER (ORDER BY created_at, id) AS tag
           FROM boards),
     p AS (SELECT id, board_id, author_id, title, body, created_at,
                  row_number() OVER (ORDER BY created_at, id) AS n
           FROM posts WHERE hidden_at IS NULL)
"""
SALT = "benchsalt"
# bcrypt of SALT + apibench.seed.BENCH_PASSWORD, as the peer's UserInDB.change_password makes it.
PASSWORD_HASH = "$2b$12$FperVtkbkJv6fOZSvDhpVeNOKZ9u.ClEU/l5C6vWjJSowQH90qm3q"
# (peer table, its columns, the SELECT over Quad's data that fills them)
COPIES = (
    (
        "users",
        "id, username, email, salt, hashed_password, bio, created_at, updated_at",
        f"SELECT n, u.nickname, 'u' || n || '@bench.example', '{SALT}', '{PASSWORD_HASH}', '',"
        " x.created_at, x.created_at FROM u JOIN users x USING (id)",
    ),
    ("tags", "tag", "SELECT tag FROM b"),
    (
        "articles",
        "id, slug, title, description, body, author_id, created_at, updated_at",
        "SELECT p.n, 'post-' || p.n, p.title, p.title, p.body, u.n, p.created_at, p.created_at"
        " FROM p JOIN u ON u.id = p.author_id",
    ),
    ("articles_to_tags", "article_id, tag", "SELECT p.n, b.tag FROM p JOIN b ON b.id = p.board_id"),
    (
        "favorites",
        "user_id, article_id",
        "SELECT u.n, p.n FROM post_likes l JOIN p ON p.id = l.post_id JOIN u ON u.id = l.user_id",
    ),
    (
        "commentaries",
        "id, body, author_id, article_id, created_at, updated_at",
        "SELECT row_number() OVER (ORDER BY c.created_at, c.id), c.body, u.n, p.n,"
        " c.created_at, c.created_at"
        " FROM comments c JOIN p ON p.id = c.post_id JOIN u ON u.id = c.author_id"
        " WHERE c.deleted_at IS NULL AND c.hidden_at IS NULL",
    ),
)
PEER_TABLES = ("commentaries", "favorites", "articles_to_tags", "articles", "tags",
               "followers_to_followings", "users")  # fmt: skip


@dataclass
class Names:
    """Quad's ids -> the peer's names for them."""

    usernames: dict[str, str]  # user id -> username
    slugs: dict[str, str]  # post id -> slug
    tags: dict[str, str]  # board id -> tag


def copy_to_peer(quad_url: str, peer_url: str) -> Names:
    started = time.perf_counter()
    src, dst = connect(quad_url), connect(peer_url, autocommit=True)
    try:
        query(dst, f"TRUNCATE {', '.join(PEER_TABLES)} RESTART IDENTITY CASCADE")
        cur = dst.cursor()
        cur.execute("SET synchronous_commit = off")
        counts = {}
        for table, columns, select in COPIES:
            buffer = io.BytesIO()
            src.cursor().execute(f"COPY ({NUMBERED} {select}) TO STDOUT", stream=buffer)
            buffer.seek(0)
            cur.execute(f"COPY {table} ({columns}) FROM STDIN", stream=buffer)
            counts[table] = cur.rowcount
        for table in ("users", "articles", "commentaries"):
            query(dst, f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
        for table in PEER_TABLES:
            query(dst, f"VACUUM (ANALYZE) {table}")
        names = Names(
            dict(query(src, f"{NUMBERED} SELECT id::text, nickname FROM u")),
            {p: f"post-{n}" for p, n in query(src, f"{NUMBERED} SELECT id::text, n FROM p")},
            dict(query(src, f"{NUMBERED} SELECT id::text, tag FROM b")),
        )
        src.rollback()
    finally:
        src.close()
        dst.close()
    say(
        f"  copied into the peer's database in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{n:,} {t}" for t, n in counts.items())
    )
    return names
