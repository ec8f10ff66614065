"""The one rule for hidden content, tried on every endpoint with content really hidden
(by five distinct reporters, through the API and the moderation handler).

A hidden post exists for its author alone: everyone else gets 404 wherever it is named
and never finds it in a list; its author sees it (`hidden: true`) in its detail, its
comments and their own posts, not in the lists everyone shares, and may delete it but not
change it or add to it (409). A hidden comment is a placeholder to everyone but its author.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from api.posts.models import HOT_LIKE_THRESHOLD, Post
from tests.api.helpers import create_comment, create_post

TITLE = "unmistakable zebra title"


def _hide(client, world, school, path: str) -> None:
    for reporter in world.users(school, 5, trusted=True):
        r = client.put(f"{path}/report", json={"reason": "spam"}, headers=reporter.headers)
        assert r.status_code == 200, r.text


@pytest.fixture
def hidden(client, campus, world, db):
    """alice's post, commented by bob and scrapped by carol before five reports hid it;
    liked enough to be on the HOT list if it were not hidden."""
    post = create_post(client, campus.alice, campus.board, title=TITLE, body="zebra body")
    comment = create_comment(client, campus.bob, post["id"], "bob's zebra comment")
    assert client.put(f"/v1/posts/{post['id']}/scrap", headers=campus.carol.headers).is_success
    db.execute(update(Post).where(Post.id == post["id"]).values(like_count=HOT_LIKE_THRESHOLD))
    db.commit()
    _hide(client, world, campus.school, f"/v1/posts/{post['id']}")
    assert client.get(f"/v1/posts/{post['id']}", headers=campus.alice.headers).json()["hidden"]
    return post["id"], comment["id"]


def _lists(campus, author_id) -> list[str]:
    return [
        f"/v1/boards/{campus.board}/posts",
        f"/v1/schools/{campus.school}/posts/search?q=zebra",
        f"/v1/schools/{campus.school}/posts/hot",
        f"/v1/users/{author_id}/posts",
        "/v1/users/me/scraps",
    ]


def test_a_hidden_post_does_not_exist_for_anyone_else(client, campus, hidden):
    post_id, comment_id = hidden
    for user in (campus.bob, campus.carol):  # its commenter, its scrapper
        h = user.headers
        named = [
            client.get(f"/v1/posts/{post_id}", headers=h),
            client.get(f"/v1/posts/{post_id}/comments", headers=h),
            client.post(f"/v1/posts/{post_id}/comments", json={"body": "x"}, headers=h),
            client.put(f"/v1/posts/{post_id}/like", headers=h),
            client.delete(f"/v1/posts/{post_id}/like", headers=h),
            client.put(f"/v1/posts/{post_id}/scrap", headers=h),
            client.delete(f"/v1/posts/{post_id}/scrap", headers=h),
            client.put(f"/v1/posts/{post_id}/report", json={"reason": "spam"}, headers=h),
            client.put(f"/v1/comments/{comment_id}/like", headers=h),
            client.put(f"/v1/comments/{comment_id}/report", json={"reason": "spam"}, headers=h),
            client.patch(f"/v1/comments/{comment_id}", json={"body": "y"}, headers=h),
        ]
        assert [r.status_code for r in named] == [404] * len(named), [r.text for r in named]
        for url in _lists(campus, campus.alice.id):
            r = client.get(url, headers=h)
            assert r.status_code == 200, (url, r.text)
            assert post_id not in r.text and "zebra" not in r.text, url


def test_its_author_still_sees_it_and_may_only_delete_it(client, campus, hidden):
    post_id, _comment_id = hidden
    h = campus.alice.headers
    detail = client.get(f"/v1/posts/{post_id}", headers=h).json()
    assert (detail["hidden"], detail["title"]) == (True, TITLE)
    [thread] = client.get(f"/v1/posts/{post_id}/comments", headers=h).json()["items"]
    assert thread["body"] == "bob's zebra comment"
    mine = client.get("/v1/users/me/posts", headers=h).json()["items"]
    assert [(p["id"], p["hidden"], p["title"]) for p in mine] == [(post_id, True, TITLE)]
    # The lists everyone shares show what everyone sees, to its author too.
    for url in _lists(campus, campus.alice.id)[:4]:
        assert post_id not in client.get(url, headers=h).text, url

    refused = [
        client.patch(f"/v1/posts/{post_id}", json={"title": "new"}, headers=h),
        client.post(f"/v1/posts/{post_id}/comments", json={"body": "x"}, headers=h),
        client.put(f"/v1/posts/{post_id}/scrap", headers=h),
    ]
    assert [r.status_code for r in refused] == [409] * 3
    assert {r.json()["type"] for r in refused} == {"urn:quad:problem:post-hidden"}
    assert client.delete(f"/v1/posts/{post_id}", headers=h).status_code == 204
    assert client.get(f"/v1/posts/{post_id}", headers=h).status_code == 404


def test_a_hidden_comment_is_a_placeholder_to_all_but_its_author(client, campus, world):
    post = create_post(client, campus.alice, campus.board)
    comment = create_comment(client, campus.bob, post["id"], "rude words")
    _hide(client, world, campus.school, f"/v1/comments/{comment['id']}")
    url = f"/v1/posts/{post['id']}/comments"
    for other in (campus.alice, campus.carol):
        [thread] = client.get(url, headers=other.headers).json()["items"]
        assert (thread["hidden"], thread["body"]) == (True, None)
        assert "rude" not in client.get(url, headers=other.headers).text
        r = client.put(f"/v1/comments/{comment['id']}/like", headers=other.headers)
        assert r.status_code == 404
    [thread] = client.get(url, headers=campus.bob.headers).json()["items"]
    assert (thread["hidden"], thread["body"]) == (True, "rude words")
    r = client.patch(
        f"/v1/comments/{comment['id']}", json={"body": "x"}, headers=campus.bob.headers
    )
    assert r.status_code == 409 and r.json()["type"] == "urn:quad:problem:comment-hidden"
    assert (
        client.delete(f"/v1/comments/{comment['id']}", headers=campus.bob.headers).status_code
        == 204
    )
