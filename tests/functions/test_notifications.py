"""on_comment_created: notifications for the post's author and the parent comment's
author, never the commenter, never unmasking an anonymous commenter; and the API."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from api.notifications.handlers import comment_created
from api.notifications.models import Notification
from api.outbox.models import OutboxEvent
from infra import events as bus_module
from tests.api.helpers import create_comment, create_post
from tests.functions.events import ours, pubsub_push


def _inbox(client, user) -> list[dict]:
    r = client.get("/v1/notifications", headers=user.headers)
    assert r.status_code == 200
    return r.json()["items"]


def test_post_author_and_parent_author_are_told(client, campus):
    post = create_post(client, campus.alice, campus.board)
    top = create_comment(client, campus.bob, post["id"], "first!")
    create_comment(client, campus.carol, post["id"], "reply to bob", parent_id=top["id"])

    alice = _inbox(client, campus.alice)
    assert [n["kind"] for n in alice] == ["comment", "comment"]
    assert alice[0]["text"].startswith("carol commented on your post")
    bob = _inbox(client, campus.bob)
    assert [n["kind"] for n in bob] == ["reply"]
    assert bob[0]["actor_label"] == "carol" and "reply to bob" in bob[0]["text"]
    assert _inbox(client, campus.carol) == []  # never told about their own comment


def test_nobody_is_told_about_their_own_comments(client, campus):
    post = create_post(client, campus.alice, campus.board)
    top = create_comment(client, campus.alice, post["id"], "my own post")
    create_comment(client, campus.alice, post["id"], "my own reply", parent_id=top["id"])
    assert _inbox(client, campus.alice) == []


def test_anonymous_commenters_are_named_only_by_their_number(client, campus):
    post = create_post(client, campus.alice, campus.board, anonymous=True)
    top = create_comment(client, campus.bob, post["id"], "anon one", anonymous=True)
    create_comment(client, campus.carol, post["id"], "anon two", anonymous=True)
    create_comment(
        client, campus.alice, post["id"], "writer here", anonymous=True, parent_id=top["id"]
    )
    alice = _inbox(client, campus.alice)
    bob = _inbox(client, campus.bob)
    labels = sorted(n["actor_label"] for n in alice)
    assert labels == ["Anonymous 1", "Anonymous 2"]
    assert bob[0]["actor_label"] == "Anonymous (writer)"
    for notification in alice + bob:
        text = json.dumps(notification)
        for user in (campus.alice, campus.bob, campus.carol):
            assert user.nickname not in text.replace("Anonymous", "")
            assert str(user.id) not in text


def test_a_redelivered_event_notifies_once(client, campus, db):
    bus_module.set_bus(bus_module.InProcessBus())  # record, but do not deliver
    try:
        post = create_post(client, campus.alice, campus.board)
        create_comment(client, campus.bob, post["id"], "hello")
    finally:
        bus_module.set_bus(None)
    row = db.scalars(select(OutboxEvent).where(OutboxEvent.type == "quad.comment.created.v1")).one()
    event = pubsub_push(ours(row.type, row.data, event_id=row.id), topic="quad-comments")
    assert [comment_created(event) for _ in range(3)] == [
        "applied",
        "duplicate",
        "duplicate",
    ]
    assert db.scalar(select(func.count()).select_from(Notification)) == 1


@pytest.mark.parametrize(
    "data", [{}, {"comment_id": "nope"}, {"comment_id": None}], ids=["empty", "bad", "null"]
)
def test_malformed_comment_events_are_acknowledged(database_url, data):
    event = pubsub_push(ours("quad.comment.created.v1", data), topic="quad-comments")
    assert comment_created(event) == "malformed"


def test_a_comment_deleted_before_the_event_arrives_notifies_nobody(client, campus, db):
    bus_module.set_bus(bus_module.InProcessBus())
    try:
        post = create_post(client, campus.alice, campus.board)
        c = create_comment(client, campus.bob, post["id"], "oops")
        client.delete(f"/v1/comments/{c['id']}", headers=campus.bob.headers)
    finally:
        bus_module.set_bus(None)
    row = db.scalars(select(OutboxEvent).where(OutboxEvent.type == "quad.comment.created.v1")).one()
    assert comment_created(ours(row.type, row.data, event_id=row.id)) == "applied"
    assert db.scalar(select(func.count()).select_from(Notification)) == 0


def test_unread_first_mark_read_and_mark_all(client, campus):
    post = create_post(client, campus.alice, campus.board)
    for i in range(3):
        create_comment(client, campus.bob, post["id"], f"c{i}")
    inbox = _inbox(client, campus.alice)
    assert [n["text"][-2:] for n in inbox] == ["c2", "c1", "c0"]  # newest first
    oldest = inbox[-1]["id"]
    r = client.post(f"/v1/notifications/{oldest}/read", headers=campus.alice.headers)
    assert r.status_code == 200 and r.json()["read"] is True
    inbox = _inbox(client, campus.alice)
    assert [n["read"] for n in inbox] == [False, False, True]  # unread first
    # Someone else's notification is not found.
    assert (
        client.post(f"/v1/notifications/{oldest}/read", headers=campus.bob.headers).status_code
        == 404
    )
    r = client.post("/v1/notifications/read-all", headers=campus.alice.headers)
    assert r.json() == {"marked": 2}
    assert all(n["read"] for n in _inbox(client, campus.alice))


def test_notification_pages_do_not_repeat(client, campus):
    post = create_post(client, campus.alice, campus.board)
    for i in range(7):
        create_comment(client, campus.bob, post["id"], f"c{i}")
    first = _inbox(client, campus.alice)[0]["id"]
    client.post(f"/v1/notifications/{first}/read", headers=campus.alice.headers)
    seen, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/notifications", params=params, headers=campus.alice.headers).json()
        seen += [n["id"] for n in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7
    assert seen[-1] == first
    bad = client.get("/v1/notifications", params={"cursor": "xx"}, headers=campus.alice.headers)
    assert bad.status_code == 422
