"""Creates are safe to retry with `Idempotency-Key` (api/idempotency/): the same key and
request answer the first answer again with no second effect and no budget spent; the same
key with another request is 422; a retry while the first is in flight waits for it, or
is 409 past the wait; keys are per user and expire."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select, text, update

from tests.api.helpers import create_post

KEY = "4f1c2b7e-9d1a-4c55-8a0e-2f6b1d3c9e77"


def _count(model) -> int:
    from infra.database import session_scope

    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(model))


def _post(client, user, board, key: str | None = KEY, **body):
    headers = {**user.headers, **({"Idempotency-Key": key} if key else {})}
    return client.post(
        f"/v1/boards/{board}/posts",
        json={"title": "retry me", "body": "once", **body},
        headers=headers,
    )


def _post_hits(user_id) -> int:
    from api.limits.models import LimitCount
    from infra.database import session_scope

    with session_scope() as s:
        return s.scalar(
            select(LimitCount.hits).where(
                LimitCount.policy == "post", LimitCount.subject == f"u:{user_id}"
            )
        )


def test_a_retry_gets_the_first_answer_with_no_second_post_and_no_budget_spent(client, campus):
    from api.posts.models import Post

    first = _post(client, campus.alice, campus.board)
    again = _post(client, campus.alice, campus.board)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert _count(Post) == 1
    assert _post_hits(campus.alice.id) == 1


def test_the_same_key_with_another_request_is_422_and_writes_nothing(client, campus, world):
    from api.posts.models import Post

    assert _post(client, campus.alice, campus.board).status_code == 201
    other_body = _post(client, campus.alice, campus.board, body="twice")
    other_board = _post(client, campus.alice, world.board(campus.school, "장터"))
    for response in (other_body, other_board):
        assert response.status_code == 422
        assert response.json()["type"] == "urn:quad:problem:idempotency-key-reused"
    assert _count(Post) == 1


def test_keys_are_each_users_own(client, campus):
    from api.posts.models import Post

    mine = _post(client, campus.alice, campus.board)
    theirs = _post(client, campus.bob, campus.board)
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert _count(Post) == 2


def test_an_expired_key_is_a_new_request(client, campus):
    from api.idempotency.models import IdempotencyKey
    from api.posts.models import Post
    from infra.database import session_scope

    first = _post(client, campus.alice, campus.board)
    with session_scope() as s:
        s.execute(
            update(IdempotencyKey).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    again = _post(client, campus.alice, campus.board)
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
    assert _count(Post) == 2


@pytest.mark.parametrize("key", ["", "x" * 256, 'with"quote', "back\\slash", "tab\there"])
def test_a_malformed_key_is_422_and_writes_nothing(client, campus, key):
    from api.posts.models import Post

    response = client.post(
        f"/v1/boards/{campus.board}/posts",
        json={"title": "t", "body": "b"},
        headers={**campus.alice.headers, "Idempotency-Key": key},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert _count(Post) == 0


def test_a_retry_while_the_first_is_in_flight_is_409_past_the_wait(
    client, campus, engine, override_settings
):
    """The first request is held open (its key claimed by a transaction that has not
    committed): the retry waits IDEMPOTENCY_WAIT_SECONDS, answers 409, and once the first
    is gone a retry does the work."""
    from api.posts.models import Post

    override_settings(IDEMPOTENCY_WAIT_SECONDS="0.3")
    with engine.connect() as held:
        held.execute(
            text(
                "INSERT INTO idempotency_keys (user_id, key, fingerprint, expires_at) "
                "VALUES (:u, :k, 'in-flight', now() + interval '1 hour')"
            ),
            {"u": campus.alice.id, "k": KEY},
        )
        response = _post(client, campus.alice, campus.board)
        assert response.status_code == 409, response.text
        assert response.json()["type"] == "urn:quad:problem:idempotency-key-in-flight"
        held.rollback()
    assert _count(Post) == 0
    assert _post(client, campus.alice, campus.board).status_code == 201


def test_twenty_concurrent_retries_make_one_post_and_twenty_identical_answers(live_server, campus):
    from api.posts.models import Post

    async def run() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=20, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=live_server, timeout=60, limits=limits) as c:
            return await asyncio.gather(
                *(
                    c.post(
                        f"/v1/boards/{campus.board}/posts",
                        json={"title": "flaky network", "body": "sent 20 times"},
                        headers={**campus.alice.headers, "Idempotency-Key": KEY},
                    )
                    for _ in range(20)
                )
            )

    responses = asyncio.run(run())
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert _count(Post) == 1
    assert _post_hits(campus.alice.id) == 1


def test_every_create_takes_a_key_and_replays(client, campus):
    """Boards, comments, uploads and friend requests, like posts: one effect per key."""
    from api.boards.models import Board
    from api.comments.models import Comment
    from api.social.models import FriendRequest
    from api.uploads.models import Attachment

    post = create_post(client, campus.alice, campus.board)
    creates = [
        (f"/v1/schools/{campus.school}/boards", {"name": "동아리"}, Board),
        (f"/v1/posts/{post['id']}/comments", {"body": "hi"}, Comment),
        (
            "/v1/uploads",
            {"content_type": "image/png", "size": 100, "file_name": "a.png"},
            Attachment,
        ),
        ("/v1/friends/requests", {"user_id": str(campus.bob.id)}, FriendRequest),
    ]
    for path, body, model in creates:
        before = _count(model)
        headers = {**campus.alice.headers, "Idempotency-Key": f"key-for-{path}"}
        first = client.post(path, json=body, headers=headers)
        again = client.post(path, json=body, headers=headers)
        assert first.status_code == 201, (path, first.text)
        assert (again.status_code, again.content) == (first.status_code, first.content), path
        assert _count(model) == before + 1, path


def test_the_document_offers_the_header_on_every_create(client):
    document = client.get("/openapi.json").json()
    creates = [
        ("/v1/boards/{board_id}/posts", "post"),
        ("/v1/posts/{post_id}/comments", "post"),
        ("/v1/uploads", "post"),
        ("/v1/friends/requests", "post"),
        ("/v1/schools/{school_id}/boards", "post"),
    ]
    for path, method in creates:
        operation = document["paths"][path][method]
        headers = [p for p in operation["parameters"] if p.get("in") == "header"]
        assert [h["name"] for h in headers] == ["Idempotency-Key"], path
        assert "422" in operation["responses"] and "409" in operation["responses"], path
