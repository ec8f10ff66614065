"""Every list endpoint sends a fixed, small number of SQL statements per page, whatever
the page size (no N+1): a page of 50 costs what a page of 5 does, and so does the next page.

The data mixes authors, anonymous and named content, numbered anonymous commenters,
replies, likes and scraps, so a per-row lookup of any of them would show in the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

import pytest


@dataclass
class Seed:
    school: UUID
    board: UUID
    viewer: object
    named: object
    post_with_comments: UUID
    anonymous_post: UUID
    others: list = field(default_factory=list)


PAGE = 60  # more than the largest page (50), so both page sizes are full pages


@pytest.fixture
def seed(world) -> Seed:
    from sqlalchemy import update

    from api.comments import service as comments
    from api.comments.schemas import CommentIn
    from api.core.viewer import Viewer
    from api.posts import service as posts
    from api.posts.models import Post
    from api.posts.schemas import PostIn
    from api.reactions import service as reactions
    from infra.database import session_scope

    school = world.school()
    board = world.board(school)
    viewer = world.user(school, "counter")
    named = world.user(school, "named_writer")
    others = world.users(school, 6)

    def as_viewer(user) -> Viewer:
        return Viewer(id=user.id, school_id=school)

    with session_scope() as s:
        created: dict[str, list[UUID]] = {"viewer": [], "named": [], "others": []}
        for i in range(PAGE):
            for key, user, anonymous in (
                ("viewer", viewer, i % 2 == 0),
                ("named", named, False),
                ("others", others[i % len(others)], i % 3 == 0),
            ):
                data = PostIn(
                    title=f"축제 post {i}", body=f"학교에서 축제 {key} {i}", anonymous=anonymous
                )
                created[key].append(posts.create_post(s, as_viewer(user), board, data).id)
        # Everything is HOT.
        s.execute(update(Post).where(Post.school_id == school).values(like_count=10))
        for post in created["others"] + created["named"][:5]:
            reactions.set_scrap(s, as_viewer(viewer), post, scrapped=True)
        for post in created["others"][:10]:
            reactions.set_post_like(s, as_viewer(viewer), post, liked=True)

        # One post with many comments, each with replies, by many (some anonymous) people.
        target = created["others"][0]  # an anonymous post
        people = [viewer, named, *others]
        for i in range(PAGE):
            author = people[i % len(people)]
            top = comments.create_comment(
                s, as_viewer(author), target, CommentIn(body=f"c{i}", anonymous=i % 2 == 0)
            )
            for j in range(3):
                replier = people[(i + j + 1) % len(people)]
                reply = CommentIn(body=f"r{i}.{j}", anonymous=j != 1, parent_id=top.id)
                reply_out = comments.create_comment(s, as_viewer(replier), target, reply)
                if replier is not viewer and j == 0:
                    reactions.set_comment_like(s, as_viewer(viewer), reply_out.id, liked=True)
            if author is not viewer:
                reactions.set_comment_like(s, as_viewer(viewer), top.id, liked=True)
    return Seed(school, board, viewer, named, target, created["others"][0], others)


LISTS = {
    "board": lambda s: (f"/v1/boards/{s.board}/posts", {}),
    "comments": lambda s: (f"/v1/posts/{s.post_with_comments}/comments", {}),
    "search": lambda s: (f"/v1/schools/{s.school}/posts/search", {"q": "학교 축제"}),
    "hot": lambda s: (f"/v1/schools/{s.school}/posts/hot", {}),
    "my posts": lambda s: ("/v1/users/me/posts", {}),
    "my scraps": lambda s: ("/v1/users/me/scraps", {}),
    "profile posts": lambda s: (f"/v1/users/{s.named.id}/posts", {}),
}


def _count(client, count_statements, viewer, url: str, **params) -> tuple[int, dict]:
    with count_statements as counter:
        r = client.get(url, params=params, headers=viewer.headers)
    assert r.status_code == 200, r.text
    assert counter.count > 0, "the counter saw none of the app's statements"
    return counter.count, r.json()


def test_every_list_page_costs_the_same_whatever_its_size(client, count_statements, seed):
    """Statements for a page of 5, a page of 50, and the page after that, per list."""
    counts: dict[str, tuple[int, int, int]] = {}
    for name, where in LISTS.items():
        url, params = where(seed)
        small, page5 = _count(client, count_statements, seed.viewer, url, **params, limit=5)
        large, page50 = _count(client, count_statements, seed.viewer, url, **params, limit=50)
        assert (len(page5["items"]), len(page50["items"])) == (5, 50), name
        assert page5["next_cursor"] and page50["next_cursor"], name
        after = page50["next_cursor"]
        following, page2 = _count(
            client, count_statements, seed.viewer, url, **params, limit=50, cursor=after
        )
        assert page2["items"], name
        assert not {i["id"] for i in page2["items"]} & {i["id"] for i in page50["items"]}, name
        counts[name] = (small, large, following)

    uneven = {name: c for name, c in counts.items() if len(set(c)) != 1}
    assert not uneven, f"statements per page grow with the page size: {uneven}"
    too_many = {name: c for name, c in counts.items() if max(c) > 2}
    assert not too_many, f"more than 2 statements per page: {too_many}"


def test_comment_pages_bring_all_replies_in_the_same_statements(client, count_statements, seed):
    url, _ = LISTS["comments"](seed)
    count, page = _count(client, count_statements, seed.viewer, url, limit=50)
    assert [len(thread["replies"]) for thread in page["items"]] == [3] * 50
    numbered = [
        c["author"]["number"]
        for thread in page["items"]
        for c in [thread, *thread["replies"]]
        if c["anonymous"] and not c["author"]["is_writer"]
    ]
    assert numbered and all(numbered)
    assert any(c["liked"] for thread in page["items"] for c in thread["replies"])
    assert any(c["liked"] for c in page["items"])
    assert count <= 2, count_statements.statements


def test_post_detail_is_at_most_two_statements(client, count_statements, world):
    school = world.school()
    board = world.board(school)
    writer, viewer = world.user(school), world.user(school)
    r = client.post(
        f"/v1/boards/{board}/posts",
        json={"title": "t", "body": "b", "anonymous": True},
        headers=writer.headers,
    )
    post = r.json()["id"]
    for action in ("like", "scrap"):
        assert client.put(f"/v1/posts/{post}/{action}", headers=viewer.headers).status_code == 200
    for user in (viewer, writer):
        count, body = _count(client, count_statements, user, f"/v1/posts/{post}")
        assert body["scrapped"] is (user is viewer) and body["like_count"] == 1
        assert count <= 2, count_statements.statements


def test_a_board_page_with_posts_is_one_statement(client, count_statements, seed):
    """The hottest read: the page's own rows prove the board is the viewer's school's."""
    count, page = _count(client, count_statements, seed.viewer, f"/v1/boards/{seed.board}/posts")
    assert page["items"] and count == 1, count_statements.statements


def test_an_empty_board_is_an_empty_page_and_a_foreign_one_still_404(client, world, seed):
    empty = world.board(seed.school)
    r = client.get(f"/v1/boards/{empty}/posts", headers=seed.viewer.headers)
    assert r.status_code == 200 and r.json() == {"items": [], "next_cursor": None}
    other_school = world.school()
    foreign = world.board(other_school)
    r = client.get(f"/v1/boards/{foreign}/posts", headers=seed.viewer.headers)
    assert r.status_code == 404 and r.json()["type"].endswith(":not-found")


BLOCKS = 200


@pytest.fixture
def blocker(world, seed):
    """A member who blocked 200 people: two of the seed's writers by name, one by a post
    of theirs (anonymous face), and strangers for the rest."""
    from api.social.models import Block, BlockVia
    from api.users.models import User
    from infra.database import session_scope

    user = world.user(seed.school, "blocker")
    with session_scope() as s:
        strangers = [
            User(email=f"s{i}@example.edu", email_key=f"s{i}@example.edu",
                 nickname=f"stranger{i}", school_id=seed.school)
            for i in range(BLOCKS - 3)
        ]  # fmt: skip
        s.add_all(strangers)
        s.flush()
        blocked = [(o.id, False) for o in seed.others[:2]] + [(seed.others[2].id, True)]
        blocked += [(u.id, False) for u in strangers]
        s.add_all(
            Block(blocker_id=user.id, blocked_id=b, via_type=BlockVia.user, via_id=b,
                  anonymous=anonymous)
            for b, anonymous in blocked
        )  # fmt: skip
    return user


def test_a_reader_with_200_blocks_pays_no_statement_more(client, count_statements, seed, blocker):
    """The blocks are a subquery of each list's own statement: the board page is still
    one statement, and no list grows with the page or the blocks."""
    blocked = {o.nickname for o in seed.others[:2]}
    for name, where in LISTS.items():
        url, params = where(seed)
        small, _ = _count(client, count_statements, blocker, url, **params, limit=5)
        large, page = _count(client, count_statements, blocker, url, **params, limit=50)
        assert small == large <= 2, (name, count_statements.statements)
        items = [c for t in page["items"] for c in (t, *t.get("replies", []))]
        assert not {i["author"]["nickname"] for i in items if i.get("author")} & blocked, name
    count, page = _count(client, count_statements, blocker, f"/v1/boards/{seed.board}/posts")
    assert len(page["items"]) == 20 and count == 1, count_statements.statements
    assert "NOT IN (SELECT blocks.blocked_id" in count_statements.statements[0]


@pytest.fixture
def quiet_bus(database_url):
    """A bus with no handlers: what a write sends is the write's own statements."""
    from infra import events

    events.set_bus(events.InProcessBus())
    yield
    events.set_bus(None)


def _kinds(statements: list[str]) -> list[str]:
    return [" ".join(s.split()[:3]) for s in statements]


def test_writing_a_post_or_comment_checks_the_board_rules_without_a_round_trip(
    client, count_statements, world, quiet_bus
):
    """The board's rules come with the statement that already finds the board (a post)
    or locks the post (a comment): the posting path costs what it did before rules."""
    school = world.school()
    board = world.board(school)
    writer = world.user(school)
    with count_statements:
        r = client.post(
            f"/v1/boards/{board}/posts", json={"title": "t", "body": "b"}, headers=writer.headers
        )
    assert r.status_code == 201, r.text
    assert _kinds(count_statements.statements) == [
        "SELECT users.deleted_at, users.email_verified_at,",  # the account and its session
        "SELECT boards.id, boards.school_id,",  # the board and its rules
        "INSERT INTO posts",  # returning the author's nickname
        "INSERT INTO outbox",
        "WITH pruned AS",  # the budgets, spent last (api/limits)
        "UPDATE outbox SET",  # published after the commit
    ], count_statements.statements
    url = f"/v1/posts/{r.json()['id']}/comments"
    with count_statements:
        r = client.post(url, json={"body": "c"}, headers=writer.headers)
    assert r.status_code == 201, r.text
    assert _kinds(count_statements.statements) == [
        "SELECT users.deleted_at, users.email_verified_at,",
        "UPDATE posts SET",  # the post, locked and counted, with its board's rules
        "INSERT INTO comments",
        "INSERT INTO outbox",
        "WITH pruned AS",
        "UPDATE outbox SET",
    ], count_statements.statements
