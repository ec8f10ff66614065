"""The transactional outbox: events are written with their change, published after
commit, never for a rolled-back write, and never lost when publishing fails."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cloudevents.http import from_json
from sqlalchemy import select, update

from api.outbox import service as outbox
from api.outbox.models import OutboxEvent
from api.outbox.types import EventType
from infra import events as bus_module
from infra.database import session_scope
from tests.api.helpers import create_comment, create_post
from tests.pubsub_emulator import emulator_script, ordered_subscription, pubsub_emulator, pull


class RecordingBus:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.messages: list[tuple[str, dict, str, dict]] = []

    def publish(self, topic, data, ordering_key, attributes):
        if self.fail:
            raise ConnectionError("pubsub unavailable")
        self.messages.append((topic, json.loads(data), ordering_key, attributes))


@pytest.fixture
def bus(database_url):
    recording = RecordingBus()
    bus_module.set_bus(recording)
    yield recording
    bus_module.set_bus(None)


def _outbox(db_types=None) -> list[OutboxEvent]:
    with session_scope() as s:
        rows = s.scalars(select(OutboxEvent).order_by(OutboxEvent.created_at)).all()
        s.expunge_all()
    return [r for r in rows if db_types is None or r.type in db_types]


def test_a_comment_is_published_as_a_cloudevent_after_commit(client, campus, bus):
    post = create_post(client, campus.alice, campus.board)
    comment = create_comment(client, campus.bob, post["id"], "hi", anonymous=True)
    topics = [m[0] for m in bus.messages]
    assert topics == ["posts", "comments"]
    _, body, ordering_key, attributes = bus.messages[1]
    event = from_json(json.dumps(body))
    assert event["type"] == "quad.comment.created.v1"
    assert event["specversion"] == "1.0"
    assert event["subject"] == f"posts/{post['id']}/comments/{comment['id']}"
    assert event["source"] and event["time"] and event["id"]
    assert event.data["post_id"] == post["id"] and event.data["anonymous"] is True
    assert ordering_key == f"posts/{post['id']}"
    assert attributes == {"ce-type": "quad.comment.created.v1", "ce-id": event["id"]}
    assert all(row.published_at is not None for row in _outbox())


def test_writes_that_others_react_to_record_their_events(client, campus, world, bus):
    post = create_post(client, campus.alice, campus.board)
    comment = create_comment(client, campus.bob, post["id"])
    client.put(f"/v1/posts/{post['id']}/like", headers=campus.bob.headers)
    client.put(f"/v1/posts/{post['id']}/like", headers=campus.bob.headers)  # no-op: no event
    client.put(f"/v1/comments/{comment['id']}/like", headers=campus.alice.headers)
    client.put(f"/v1/posts/{post['id']}/scrap", headers=campus.carol.headers)
    client.put(
        f"/v1/posts/{post['id']}/report", json={"reason": "spam"}, headers=campus.carol.headers
    )
    client.put(f"/v1/users/{campus.alice.id}/follow", headers=campus.bob.headers)
    types = [m[1]["type"] for m in bus.messages]
    assert types == [
        "quad.post.created.v1",
        "quad.comment.created.v1",
        "quad.post.liked.v1",
        "quad.comment.liked.v1",
        "quad.post.scrapped.v1",
        "quad.content.reported.v1",
        "quad.user.followed.v1",
    ]


def test_a_rolled_back_write_publishes_nothing(database_url, campus, bus):
    from api.core.viewer import Viewer
    from api.posts import service as posts
    from api.posts.schemas import PostIn

    viewer = Viewer(id=campus.alice.id, school_id=campus.school)
    with pytest.raises(RuntimeError), session_scope() as s:
        posts.create_post(s, viewer, campus.board, PostIn(title="t", body="b"))
        raise RuntimeError("something after the write failed")
    assert bus.messages == []
    assert _outbox() == []


def test_a_failed_publish_loses_nothing_and_the_sweep_sends_it(client, campus, bus):
    bus.fail = True
    post = create_post(client, campus.alice, campus.board)  # the write itself succeeds
    [row] = _outbox()
    assert row.published_at is None and row.attempts == 1 and "unavailable" in row.last_error
    bus.fail = False
    published, _ = outbox.sweep()
    assert published == 1
    assert [m[1]["data"]["post_id"] for m in bus.messages] == [post["id"]]
    assert outbox.sweep() == (0, 0)  # nothing twice


def test_the_sweep_keeps_order_and_stops_at_a_failure(database_url, campus, bus):
    bus.fail = True
    with session_scope() as s:
        for i in range(3):
            outbox.record(s, EventType.post_created, f"posts/p{i}", {"n": i}, ordering_key="k")
    bus.fail = False
    outbox.sweep()
    assert [m[1]["data"]["n"] for m in bus.messages] == [0, 1, 2]


@pytest.fixture
def pubsub(database_url, monkeypatch):
    """The Pub/Sub bus against the real emulator, as the API uses it in the cloud."""
    if emulator_script() is None:
        pytest.skip("the gcloud SDK's Pub/Sub emulator is not installed")
    with pubsub_emulator() as host:
        monkeypatch.setenv("PUBSUB_EMULATOR_HOST", host)
        bus = bus_module.PubSubBus("quad-outbox-test", "quad-")
        bus_module.set_bus(bus)
        yield bus
        bus_module.set_bus(None)


def _subscribe(bus: bus_module.PubSubBus, topic: str) -> str:
    return ordered_subscription(bus.topic_path(topic), "quad-outbox-test", f"{topic}-test")


def _pull_data(subscription: str, count: int) -> list[dict]:
    return [json.loads(m.data)["data"] for m in pull(subscription, count)]


def test_a_batch_to_pubsub_marks_what_went_out_and_holds_back_a_failed_key(pubsub):
    comments = _subscribe(pubsub, "comments")  # the posts topic does not exist yet
    with session_scope() as s:  # published as one batch after this commit
        outbox.record(s, EventType.post_created, "posts/a", {"n": 0})
        outbox.record(s, EventType.comment_created, "posts/a/comments/1", {"n": 1})
        outbox.record(s, EventType.post_created, "posts/a", {"n": 2}, ordering_key="posts/a")
        outbox.record(s, EventType.comment_created, "posts/b/comments/2", {"n": 3})
        outbox.record(s, EventType.comment_created, "posts/a/comments/4", {"n": 4})
    rows = {row.data["n"]: row for row in _outbox()}
    assert {n for n, row in rows.items() if row.published_at} == {1, 3, 4}
    # The failure is recorded on its row; the one behind it in its key was not tried.
    assert rows[0].attempts == 1 and "NotFound" in rows[0].last_error
    assert rows[2].attempts == 0 and rows[2].last_error is None
    assert sorted(_pull_data(comments, 3), key=lambda d: d["n"]) == [{"n": 1}, {"n": 3}, {"n": 4}]

    posts = _subscribe(pubsub, "posts")
    assert outbox.sweep() == (2, 0)
    assert _pull_data(posts, 2) == [{"n": 0}, {"n": 2}]  # in their order
    assert all(row.published_at for row in _outbox())


def test_the_sweep_prunes_old_published_events(database_url, bus):
    with session_scope() as s:
        outbox.record(s, EventType.post_created, "posts/old", {})
    with session_scope() as s:
        s.execute(
            update(OutboxEvent).values(published_at=OutboxEvent.published_at - timedelta(days=8))
        )
    with session_scope() as s:
        outbox.record(s, EventType.post_created, "posts/new", {})
    published, pruned = outbox.sweep()
    assert (published, pruned) == (0, 1)
    assert [r.subject for r in _outbox()] == ["posts/new"]


def test_the_in_process_bus_hands_events_to_subscribers(database_url, campus):
    bus = bus_module.InProcessBus()
    received = []
    bus.subscribe("posts", lambda data, attrs: received.append(json.loads(data)["type"]))
    bus.subscribe("posts", lambda data, attrs: 1 / 0)  # a failing handler fails nobody else
    bus_module.set_bus(bus)
    try:
        with session_scope() as s:
            outbox.record(s, EventType.post_created, "posts/x", {})
    finally:
        bus_module.set_bus(None)
    assert received == ["quad.post.created.v1"]
    assert all(r.published_at for r in _outbox())
