"""Blocks: what a block hides from the blocker, and everything it must not give away.

alice blocks, bob is blocked, carol is anyone else. Every list alice reads is walked
(board, HOT, search, bob's profile posts, scraps, comments, notifications), a block made
on anonymous content must never name bob anywhere alice looks, nor change what she sees
of bob's named content, and bob's own view must stay byte for byte what it was.
"""

from __future__ import annotations

import json
from uuid import uuid4

import pytest
from sqlalchemy import update

from tests.api.helpers import all_pages, create_comment, create_post

WORD = "축제공지"  # the search word every post of the scene carries


def _get(client, user, url: str, **params) -> dict:
    r = client.get(url, params=params, headers=user.headers)
    assert r.status_code == 200, (url, r.text)
    return r.json()


def _make_hot(*post_ids: str) -> None:
    from api.posts.models import HOT_LIKE_THRESHOLD, Post
    from infra.database import session_scope

    with session_scope() as s:
        s.execute(update(Post).where(Post.id.in_(post_ids)).values(like_count=HOT_LIKE_THRESHOLD))


@pytest.fixture
def scene(client, campus):
    """bob writes a named and an anonymous post, and comments (named, anonymous, and a
    named one with carol's reply under it) on alice's post; alice scraps both of bob's
    posts; carol writes a post too. Every post is HOT and carries WORD."""
    alice, bob, carol = campus.alice, campus.bob, campus.carol
    named = create_post(client, bob, campus.board, title=f"bob named {WORD}", body=WORD)
    anon = create_post(client, bob, campus.board, title=f"anon {WORD}", body=WORD, anonymous=True)
    carols = create_post(client, carol, campus.board, title=f"carol {WORD}", body=WORD)
    mine = create_post(client, alice, campus.board, title=f"alice {WORD}", body=WORD)
    top = create_comment(client, bob, mine["id"], "bob named, with a reply")
    create_comment(client, carol, mine["id"], "carol replies", parent_id=top["id"])
    alone = create_comment(client, bob, mine["id"], "bob named, alone")
    anon_comment = create_comment(client, bob, mine["id"], "a voice", anonymous=True)
    create_comment(client, bob, mine["id"], "bob replies to himself", parent_id=top["id"])
    for post in (named, anon):
        assert client.put(f"/v1/posts/{post['id']}/scrap", headers=alice.headers).status_code == 200
    _make_hot(named["id"], anon["id"], carols["id"], mine["id"])
    return {
        "named": named,
        "anon": anon,
        "carol": carols,
        "mine": mine,
        "top": top,
        "alone": alone,
        "anon_comment": anon_comment,
    }


def _alice_lists(client, campus, scene) -> dict[str, dict]:
    """Every list alice reads, as JSON."""
    alice = campus.alice
    return {
        "board": _get(client, alice, f"/v1/boards/{campus.board}/posts"),
        "hot": _get(client, alice, f"/v1/schools/{campus.school}/posts/hot"),
        "search": _get(client, alice, f"/v1/schools/{campus.school}/posts/search", q=WORD),
        "profile": _get(client, alice, f"/v1/users/{campus.bob.id}/posts"),
        "scraps": _get(client, alice, "/v1/users/me/scraps"),
        "comments": _get(client, alice, f"/v1/posts/{scene['mine']['id']}/comments"),
        "notifications": _get(client, alice, "/v1/notifications"),
    }


def _post_ids(page: dict) -> set[str]:
    return {p["id"] for p in page["items"]}


def _comment_bodies(page: dict) -> list[tuple[str | None, list[str | None]]]:
    return [(t["body"], [r["body"] for r in t["replies"]]) for t in page["items"]]


def test_blocking_is_idempotent_and_refuses_self_and_strangers(client, campus, world):
    alice, bob = campus.alice, campus.bob
    first = client.put(f"/v1/users/{bob.id}/block", headers=alice.headers)
    again = client.put(f"/v1/users/{bob.id}/block", headers=alice.headers)
    assert first.status_code == again.status_code == 200, first.text
    assert first.json() == again.json()
    assert first.json()["user"]["id"] == str(bob.id) and first.json()["label"] == "bob"
    blocks = _get(client, alice, "/v1/users/me/blocks")["items"]
    assert [b["id"] for b in blocks] == [first.json()["id"]]

    for _ in range(2):  # unblocking, and unblocking what is no longer blocked
        assert client.delete(f"/v1/users/{bob.id}/block", headers=alice.headers).status_code == 204
    assert _get(client, alice, "/v1/users/me/blocks")["items"] == []
    never = client.delete(f"/v1/users/{campus.carol.id}/block", headers=alice.headers)
    assert never.status_code == 204

    r = client.put(f"/v1/users/{alice.id}/block", headers=alice.headers)
    assert r.status_code == 422 and r.json()["type"] == "urn:quad:problem:cannot-block-self"
    own = create_post(client, alice, campus.board, anonymous=True)
    r = client.put(f"/v1/posts/{own['id']}/author-block", headers=alice.headers)
    assert r.status_code == 422 and r.json()["type"] == "urn:quad:problem:cannot-block-self"
    for target in (campus.outsider.id, uuid4()):
        for method in ("PUT", "DELETE"):
            r = client.request(method, f"/v1/users/{target}/block", headers=alice.headers)
            assert r.status_code == 404 and r.json()["type"] == "urn:quad:problem:not-found"
    foreign = create_post(client, campus.outsider, campus.other_board)
    r = client.put(f"/v1/posts/{foreign['id']}/author-block", headers=alice.headers)
    assert r.status_code == 404
    for kind in ("posts", "comments"):
        r = client.put(f"/v1/{kind}/{uuid4()}/author-block", headers=alice.headers)
        assert r.status_code == 404
    # Someone else's block, or none, by id: nothing happens.
    theirs = client.put(f"/v1/users/{bob.id}/block", headers=campus.carol.headers).json()
    assert (
        client.delete(f"/v1/users/me/blocks/{theirs['id']}", headers=alice.headers).status_code
        == 204
    )
    assert client.delete(f"/v1/users/me/blocks/{uuid4()}", headers=alice.headers).status_code == 204
    assert len(_get(client, campus.carol, "/v1/users/me/blocks")["items"]) == 1


def test_a_named_block_hides_bobs_named_content_everywhere_until_unblocked(client, campus, scene):
    alice, bob = campus.alice, campus.bob
    before = _alice_lists(client, campus, scene)
    named, anon = scene["named"]["id"], scene["anon"]["id"]
    for name in ("board", "hot", "search", "scraps"):
        assert {named, anon} <= _post_ids(before[name]), name
    assert _post_ids(before["profile"]) == {named}
    assert len(before["notifications"]["items"]) == 5  # bob's four comments, carol's reply

    assert client.put(f"/v1/users/{bob.id}/block", headers=alice.headers).status_code == 200
    after = _alice_lists(client, campus, scene)
    for name in ("board", "hot", "search", "scraps"):
        assert _post_ids(after[name]) == _post_ids(before[name]) - {named}, name
    assert after["profile"]["items"] == []
    # His named comment with carol's reply stays as a placeholder, as a deleted one does;
    # his alone and his reply go; his anonymous comment is another face and stays.
    assert _comment_bodies(after["comments"]) == [
        (None, ["carol replies"]),
        ("a voice", []),
    ]
    placeholder = after["comments"]["items"][0]
    assert placeholder["blocked"] and placeholder["author"] is None
    assert str(bob.id) not in json.dumps(placeholder)
    # Notifications of his named comments are left out; the anonymous one stays.
    labels = ["Anonymous 1", "carol"]
    assert [n["actor_label"] for n in after["notifications"]["items"]] == labels
    # Nor is alice told of what he does now.
    create_comment(client, bob, scene["mine"]["id"], "after the block")
    assert len(_get(client, alice, "/v1/notifications")["items"]) == 2
    # A direct link still opens his post (lists alone leave it out).
    assert _get(client, alice, f"/v1/posts/{named}")["author"]["nickname"] == "bob"

    assert client.delete(f"/v1/users/{bob.id}/block", headers=alice.headers).status_code == 204
    restored = _alice_lists(client, campus, scene)
    for name in ("board", "hot", "search", "scraps", "profile"):
        assert _post_ids(restored[name]) == _post_ids(before[name]), name
    assert _comment_bodies(restored["comments"])[:3] == _comment_bodies(before["comments"])[:3]
    # What was written while blocked was never sent: only what was already there returns.
    assert len(restored["notifications"]["items"]) == 5


def test_a_block_made_on_anonymous_content_never_names_its_author(client, campus, scene):
    alice, bob = campus.alice, campus.bob
    before = _alice_lists(client, campus, scene)
    r = client.put(f"/v1/posts/{scene['anon']['id']}/author-block", headers=alice.headers)
    assert r.status_code == 200, r.text
    by_post = r.json()
    again = client.put(f"/v1/posts/{scene['anon']['id']}/author-block", headers=alice.headers)
    assert again.json() == by_post
    r = client.put(
        f"/v1/comments/{scene['anon_comment']['id']}/author-block", headers=alice.headers
    )
    assert r.status_code == 200, r.text
    by_comment = r.json()
    assert by_post["user"] is None and by_post["anonymous"]
    assert by_post["label"] == f"the author of “anon {WORD}”"
    assert by_comment["label"] == "the author of the comment “a voice”"
    # And by name as well: two ways, two rows, and nothing ties them together.
    named_block = client.put(f"/v1/users/{bob.id}/block", headers=alice.headers).json()
    listed = _get(client, alice, "/v1/users/me/blocks")["items"]
    assert [b["id"] for b in listed] == [named_block["id"], by_comment["id"], by_post["id"]]
    anonymous_rows = [b for b in listed if b["anonymous"]]
    for text in (json.dumps(by_post), json.dumps(by_comment), json.dumps(anonymous_rows)):
        assert str(bob.id) not in text and bob.nickname not in text

    assert client.delete(f"/v1/users/{bob.id}/block", headers=alice.headers).status_code == 204
    after = _alice_lists(client, campus, scene)
    # Anything anonymous alice is shown, and her blocks, never name him.
    anonymous = [
        *_get(client, alice, "/v1/users/me/blocks")["items"],
        *(
            i
            for name in ("board", "hot", "search", "scraps")
            for i in after[name]["items"]
            if i["anonymous"]
        ),
        *(c for t in after["comments"]["items"] for c in (t, *t["replies"]) if c["anonymous"]),
        *(n for n in after["notifications"]["items"] if n["actor_label"].startswith("Anon")),
    ]
    assert str(bob.id) not in json.dumps(anonymous) and bob.nickname not in json.dumps(anonymous)
    # Only his anonymous face is hidden: what alice sees of named bob is as it was, so
    # nothing vanishing tells her that bob is the anonymous author she blocked.
    anon = scene["anon"]["id"]
    for name in ("board", "hot", "search", "scraps"):
        assert after[name]["items"] == [p for p in before[name]["items"] if p["id"] != anon], name
    assert after["profile"] == before["profile"]
    assert [b for b, _ in _comment_bodies(after["comments"])] == [
        "bob named, with a reply",
        "bob named, alone",
    ]

    # Unblocked by id from the list: his anonymous content returns.
    for block in (by_post, by_comment):
        r = client.delete(f"/v1/users/me/blocks/{block['id']}", headers=alice.headers)
        assert r.status_code == 204
    assert _alice_lists(client, campus, scene)["board"] == before["board"]


def test_the_blocked_user_sees_nothing_change(client, campus, scene):
    alice, bob = campus.alice, campus.bob
    r = client.post("/v1/friends/requests", json={"user_id": str(alice.id)}, headers=bob.headers)
    assert r.status_code == 201 and r.json()["status"] == "pending"
    assert client.put(f"/v1/users/{alice.id}/follow", headers=bob.headers).status_code == 200

    def bobs_view() -> list[dict]:
        urls = [
            "/v1/users/me",
            f"/v1/users/{alice.id}",
            f"/v1/users/{alice.id}/posts",
            f"/v1/users/{alice.id}/followers",
            f"/v1/boards/{campus.board}/posts",
            f"/v1/schools/{campus.school}/posts/hot",
            f"/v1/posts/{scene['mine']['id']}",
            f"/v1/posts/{scene['mine']['id']}/comments",
            "/v1/notifications",
            "/v1/users/me/blocks",
            "/v1/friends",
        ]
        views = [_get(client, bob, url) for url in urls]
        for direction in ("incoming", "outgoing"):
            views.append(_get(client, bob, "/v1/friends/requests", direction=direction))
        return views

    before = bobs_view()
    client.put(f"/v1/users/{bob.id}/block", headers=alice.headers)
    client.put(f"/v1/posts/{scene['anon']['id']}/author-block", headers=alice.headers)
    assert bobs_view() == before
    # His writing near her goes as ever, and so does asking again.
    create_comment(client, bob, scene["mine"]["id"], "still here")
    r = client.post("/v1/friends/requests", json={"user_id": str(alice.id)}, headers=bob.headers)
    assert r.status_code == 409 and "already sent" in r.json()["detail"]


def test_friend_requests_between_them_stop_without_telling_bob(client, campus):
    alice, bob, carol = campus.alice, campus.bob, campus.carol

    def ask(sender, recipient, nickname: bool = False):
        body = {"nickname": recipient.nickname} if nickname else {"user_id": str(recipient.id)}
        return client.post("/v1/friends/requests", json=body, headers=sender.headers)

    pending = ask(alice, bob)
    assert pending.status_code == 201
    client.put(f"/v1/users/{bob.id}/block", headers=alice.headers)
    # Her own request went with the block, as if withdrawn: his asking back accepts nothing.
    assert _get(client, bob, "/v1/friends/requests")["items"] == []
    for nickname in (False, True):
        r = ask(alice, bob, nickname)
        assert r.status_code == 409
        assert r.json()["type"] == "urn:quad:problem:you-blocked-this-user"
    # His to her answers as his to anyone does, and waits unseen.
    his, to_carol = ask(bob, alice), ask(bob, carol)
    assert his.status_code == to_carol.status_code == 201
    assert his.json().keys() == to_carol.json().keys()
    assert his.json()["status"] == to_carol.json()["status"] == "pending"
    assert _get(client, alice, "/v1/friends/requests")["items"] == []
    request_id = his.json()["id"]
    accept = f"/v1/friends/requests/{request_id}/accept"
    assert client.post(accept, headers=alice.headers).status_code == 404
    assert _get(client, alice, "/v1/friends")["items"] == []

    client.delete(f"/v1/users/{bob.id}/block", headers=alice.headers)
    assert [q["id"] for q in _get(client, alice, "/v1/friends/requests")["items"]] == [request_id]
    assert client.post(accept, headers=alice.headers).json()["status"] == "accepted"


def test_a_block_on_anonymous_content_leaves_friend_requests_alone(client, campus):
    """Refusing them would tell alice that the anonymous author is bob."""
    alice, bob = campus.alice, campus.bob
    post = create_post(client, bob, campus.board, anonymous=True)
    client.put(f"/v1/posts/{post['id']}/author-block", headers=alice.headers)
    r = client.post("/v1/friends/requests", json={"user_id": str(bob.id)}, headers=alice.headers)
    assert r.status_code == 201, r.text


def test_comments_of_a_blocked_author_page_without_gaps(client, campus):
    """Pages of the comment list stay full: blocked threads are left out in the SQL."""
    alice, bob, carol = campus.alice, campus.bob, campus.carol
    post = create_post(client, carol, campus.board)
    for i in range(6):
        create_comment(client, bob if i % 2 else carol, post["id"], f"c{i}")
    client.put(f"/v1/users/{bob.id}/block", headers=alice.headers)
    items = all_pages(client, alice, f"/v1/posts/{post['id']}/comments", limit=2)
    assert [c["body"] for c in items] == ["c0", "c2", "c4"]
    first = _get(client, alice, f"/v1/posts/{post['id']}/comments", limit=2)
    assert len(first["items"]) == 2 and first["next_cursor"]


def test_blocks_page_by_cursor(client, campus, world):
    alice = campus.alice
    others = world.users(campus.school, 5)
    for other in others:
        assert client.put(f"/v1/users/{other.id}/block", headers=alice.headers).status_code == 200
    items = all_pages(client, alice, "/v1/users/me/blocks", limit=2)
    assert [b["user"]["id"] for b in items] == [str(o.id) for o in reversed(others)]
