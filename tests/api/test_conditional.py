"""`ETag` / `If-None-Match` on the pages apps poll (api/core/conditional.py): 304 with
no body while nothing changed, a new tag and the new answer once anything in it did."""

from __future__ import annotations

import pytest

from tests.api.helpers import create_comment, create_post


@pytest.fixture
def post(client, campus):
    return create_post(client, campus.alice, campus.board)


def _paths(campus, post) -> list[str]:
    return [f"/v1/boards/{campus.board}/posts", f"/v1/posts/{post['id']}"]


def test_an_unchanged_page_is_304_with_no_body(client, campus, post):
    for path in _paths(campus, post):
        first = client.get(path, headers=campus.bob.headers)
        tag = first.headers["ETag"]
        assert first.status_code == 200 and tag.startswith('"')
        assert first.headers["Cache-Control"] == "private, no-cache"
        again = client.get(path, headers={**campus.bob.headers, "If-None-Match": tag})
        assert again.status_code == 304, path
        assert again.content == b"" and again.headers["ETag"] == tag
        weak = client.get(path, headers={**campus.bob.headers, "If-None-Match": f'"x", W/{tag}'})
        assert weak.status_code == 304


def test_any_change_in_the_answer_is_a_new_tag_and_a_full_answer(client, campus, post):
    tags = {
        p: client.get(p, headers=campus.bob.headers).headers["ETag"] for p in _paths(campus, post)
    }
    create_comment(client, campus.carol, post["id"])  # the comment count moves
    for path, tag in tags.items():
        response = client.get(path, headers={**campus.bob.headers, "If-None-Match": tag})
        assert response.status_code == 200, path
        assert response.headers["ETag"] != tag
        assert response.json()


def test_tags_are_the_viewers_own(client, campus, post):
    """Bob's like is in his answer only: Alice's tag stays current, Bob's does not."""
    path = f"/v1/posts/{post['id']}"
    alice_tag = client.get(path, headers=campus.alice.headers).headers["ETag"]
    bob_tag = client.get(path, headers=campus.bob.headers).headers["ETag"]
    client.put(f"{path}/like", headers=campus.bob.headers)
    bob = client.get(path, headers={**campus.bob.headers, "If-None-Match": bob_tag})
    assert bob.status_code == 200 and bob.json()["liked"] is True
    # The like count is in Alice's answer too, so hers changed as well.
    alice = client.get(path, headers={**campus.alice.headers, "If-None-Match": alice_tag})
    assert alice.status_code == 200 and alice.json()["like_count"] == 1


def test_a_stale_or_garbage_tag_gets_the_full_answer(client, campus, post):
    for value in ('"stale"', "garbage", "W/", ",,,", "*x"):
        response = client.get(
            f"/v1/posts/{post['id']}", headers={**campus.bob.headers, "If-None-Match": value}
        )
        assert response.status_code == 200, value
