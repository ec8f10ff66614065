"""Counts stay exact when many requests arrive at once, against a real multi-worker server.

Every burst is fired with asyncio over separate connections, so the two uvicorn workers
and their connection pools really run the requests side by side.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import func, select

from tests.api.helpers import burst

pytestmark = pytest.mark.live


def _ok(responses: list[httpx.Response]) -> list[Any]:
    bad = [(r.status_code, r.text) for r in responses if r.status_code != 200]
    assert not bad, bad[:5]
    return [r.json() for r in responses]


def _scalar(stmt) -> Any:
    from infra.database import session_scope

    with session_scope() as session:
        return session.scalar(stmt)


def _post(base: str, author, board, *, title: str = "burst", anonymous: bool = False) -> str:
    r = httpx.post(
        f"{base}/v1/boards/{board}/posts",
        json={"title": title, "body": "concurrency", "anonymous": anonymous},
        headers=author.headers,
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _comment(base: str, author, post: str) -> str:
    r = httpx.post(
        f"{base}/v1/posts/{post}/comments", json={"body": "a comment"}, headers=author.headers
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _get(base: str, user, path: str) -> dict[str, Any]:
    r = httpx.get(f"{base}{path}", headers=user.headers)
    assert r.status_code == 200, r.text
    return r.json()


def _post_likes(post: str) -> int:
    from api.posts.models import PostLike

    return _scalar(select(func.count()).where(PostLike.post_id == UUID(post)))


def test_fifty_identical_likes_count_once(live_server, campus):
    post = _post(live_server, campus.alice, campus.board)
    path = f"/v1/posts/{post}/like"
    bodies = _ok(burst(live_server, [("PUT", path, campus.bob, None)] * 50))
    assert _post_likes(post) == 1
    detail = _get(live_server, campus.bob, f"/v1/posts/{post}")
    assert (detail["like_count"], detail["liked"]) == (1, True)
    # Every answer is the same too: liked, and one like (bob's) on the post.
    assert all(b == {"liked": True, "like_count": 1} for b in bodies), Counter(map(str, bodies))


def test_fifty_users_liking_at_once_count_fifty(live_server, world, campus):
    likers = world.users(campus.school, 50)
    post = _post(live_server, campus.alice, campus.board)
    bodies = _ok(burst(live_server, [("PUT", f"/v1/posts/{post}/like", u, None) for u in likers]))
    # Each like answered with the count it made: every value from 1 to 50 exactly once.
    assert sorted(b["like_count"] for b in bodies) == list(range(1, 51))
    assert _get(live_server, campus.bob, f"/v1/posts/{post}")["like_count"] == 50
    assert _post_likes(post) == 50


def test_like_and_unlike_storm_ends_consistent(live_server, world, campus):
    users = world.users(campus.school, 24)
    post = _post(live_server, campus.alice, campus.board)
    path = f"/v1/posts/{post}/like"
    # A third of them like beforehand and then only unlike; a third only like; a third
    # send a random mix of likes and unlikes.
    unlikers, likers, mixed = users[:8], users[8:16], users[16:]
    _ok(burst(live_server, [("PUT", path, u, None) for u in unlikers]))
    rng = random.Random(7)
    requests = [("DELETE", path, u, None) for u in unlikers for _ in range(3)]
    requests += [("PUT", path, u, None) for u in likers for _ in range(3)]
    requests += [(rng.choice(["PUT", "DELETE"]), path, u, None) for u in mixed for _ in range(4)]
    rng.shuffle(requests)
    _ok(burst(live_server, requests))

    rows = _post_likes(post)
    assert _get(live_server, campus.bob, f"/v1/posts/{post}")["like_count"] == rows
    for u in unlikers:
        assert _get(live_server, u, f"/v1/posts/{post}")["liked"] is False
    for u in likers:
        assert _get(live_server, u, f"/v1/posts/{post}")["liked"] is True
    liked_mixed = sum(_get(live_server, u, f"/v1/posts/{post}")["liked"] for u in mixed)
    assert rows == len(likers) + liked_mixed


def test_fifty_identical_scraps_count_once(live_server, world, campus):
    post = _post(live_server, campus.alice, campus.board)
    path = f"/v1/posts/{post}/scrap"
    bodies = _ok(burst(live_server, [("PUT", path, campus.bob, None)] * 50))
    assert _get(live_server, campus.bob, f"/v1/posts/{post}")["scrap_count"] == 1
    others = world.users(campus.school, 20)
    _ok(burst(live_server, [("PUT", path, u, None) for u in others] * 2))
    detail = _get(live_server, campus.bob, f"/v1/posts/{post}")
    assert (detail["scrap_count"], detail["scrapped"]) == (21, True)
    scraps = _get(live_server, campus.bob, "/v1/users/me/scraps")["items"]
    assert [p["id"] for p in scraps] == [post]
    # Every answer to the identical burst is the same: scrapped, and one scrap.
    assert all(b == {"scrapped": True, "scrap_count": 1} for b in bodies), Counter(map(str, bodies))


def test_concurrent_comment_likes_are_exact(live_server, world, campus):
    post = _post(live_server, campus.alice, campus.board)
    comment = _comment(live_server, campus.alice, post)
    path = f"/v1/comments/{comment}/like"
    likers = world.users(campus.school, 30)
    requests = [("PUT", path, u, None) for u in likers] + [("PUT", path, campus.bob, None)] * 30
    random.Random(3).shuffle(requests)
    _ok(burst(live_server, requests))

    from api.comments.models import CommentLike

    rows = _scalar(select(func.count()).where(CommentLike.comment_id == UUID(comment)))
    assert rows == 31
    threads = _get(live_server, campus.bob, f"/v1/posts/{post}/comments")["items"]
    assert [(c["id"], c["like_count"], c["liked"]) for c in threads] == [(comment, 31, True)]

    # And a storm of unlikes from the same users takes every one of them back.
    requests = [("DELETE", path, u, None) for u in likers * 2] + [
        ("DELETE", path, campus.bob, None)
    ]
    _ok(burst(live_server, requests))
    threads = _get(live_server, campus.bob, f"/v1/posts/{post}/comments")["items"]
    assert threads[0]["like_count"] == 0


def test_concurrent_reports_hide_the_post_once(live_server, world, campus, settings):
    from api.reports.models import ModerationAction, Report

    assert settings.report_hide_threshold == 5
    post = _post(live_server, campus.alice, campus.board, title="spam spam")
    reporters = world.users(campus.school, 10, trusted=True)
    path = f"/v1/posts/{post}/report"
    requests = [("PUT", path, u, {"reason": "spam"}) for u in reporters] * 2
    answers = burst(live_server, requests)
    # A report that arrives once the post is hidden finds no post (hidden content exists
    # for its author alone); every other is recorded, once per reporter.
    assert {r.status_code for r in answers} <= {200, 404}, [r.text for r in answers]
    accepted = {id(u) for (_m, _p, u, _b), r in zip(requests, answers, strict=True) if r.is_success}

    target = UUID(post)
    reports = _scalar(select(func.count()).where(Report.target_id == target))
    assert reports == len(accepted) >= 5
    actions = _scalar(select(func.count()).where(ModerationAction.target_id == target))
    assert actions == 1
    # Hidden: gone for everyone but its author (tests/api/test_hidden_content.py).
    assert httpx.get(f"{live_server}/v1/posts/{post}", headers=campus.bob.headers).status_code == (
        404
    )
    board = _get(live_server, campus.bob, f"/v1/boards/{campus.board}/posts")["items"]
    assert post not in [p["id"] for p in board]


def test_concurrent_reports_hide_a_comment_once(live_server, world, campus):
    from api.reports.models import ModerationAction

    post = _post(live_server, campus.alice, campus.board)
    comment = _comment(live_server, campus.bob, post)
    reporters = world.users(campus.school, 10, trusted=True)
    path = f"/v1/comments/{comment}/report"
    _ok(burst(live_server, [("PUT", path, u, {"reason": "abuse"}) for u in reporters]))

    actions = _scalar(select(func.count()).where(ModerationAction.target_id == UUID(comment)))
    assert actions == 1
    threads = _get(live_server, campus.carol, f"/v1/posts/{post}/comments")["items"]
    assert (threads[0]["hidden"], threads[0]["body"]) == (True, None)


def test_concurrent_first_anonymous_comments_get_numbers_one_to_ten(live_server, world, campus):
    post = _post(live_server, campus.alice, campus.board, anonymous=True)
    commenters = world.users(campus.school, 10)
    path = f"/v1/posts/{post}/comments"
    # Each commenter comments twice at once; the post's author joins in anonymously.
    requests = [("POST", path, u, {"body": "me", "anonymous": True}) for u in commenters] * 2
    requests += [("POST", path, campus.alice, {"body": "writer here", "anonymous": True})] * 3
    random.Random(11).shuffle(requests)
    responses = burst(live_server, requests)
    assert [r.status_code for r in responses] == [201] * len(requests), [
        r.text for r in responses if r.status_code != 201
    ][:3]

    numbers: dict[Any, set[int | None]] = {}
    for (_, _, user, _), r in zip(requests, responses, strict=True):
        numbers.setdefault(user.id, set()).add(r.json()["author"]["number"])
    assert numbers.pop(campus.alice.id) == {None}
    # One number per commenter, the same on both of their comments, 1..10 each once.
    assert all(len(n) == 1 for n in numbers.values()), numbers
    assert sorted(n for (n,) in numbers.values()) == list(range(1, 11))

    page = _get(live_server, campus.bob, f"{path}?limit=50")["items"]
    listed = Counter(c["author"]["number"] for c in page)
    assert listed == {None: 3, **dict.fromkeys(range(1, 11), 2)}
    assert _get(live_server, campus.bob, f"/v1/posts/{post}")["comment_count"] == 23


def test_a_burst_bigger_than_the_connection_pools_is_served(live_server, world, campus):
    """100 requests at once (about 50 per worker, more than its threads and connections
    together) are all answered and counted exactly: a stall would surface as 500s once
    the pool's wait times out."""
    likers = world.users(campus.school, 100)
    post = _post(live_server, campus.alice, campus.board)
    responses = burst(live_server, [("PUT", f"/v1/posts/{post}/like", u, None) for u in likers])
    assert Counter(r.status_code for r in responses) == {200: 100}
    assert _post_likes(post) == 100
    assert _get(live_server, campus.bob, f"/v1/posts/{post}")["like_count"] == 100
