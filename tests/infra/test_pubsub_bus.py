"""The Pub/Sub adapter against the real emulator from the gcloud SDK."""

from __future__ import annotations

import os

import pytest

from tests.pubsub_emulator import emulator_script, ordered_subscription, pubsub_emulator, pull

pytestmark = pytest.mark.skipif(
    emulator_script() is None, reason="the gcloud SDK's Pub/Sub emulator is not installed"
)

PROJECT = "quad-test"


@pytest.fixture(scope="module")
def emulator():
    with pubsub_emulator() as host:
        old = os.environ.get("PUBSUB_EMULATOR_HOST")
        os.environ["PUBSUB_EMULATOR_HOST"] = host
        yield host
        if old is None:
            os.environ.pop("PUBSUB_EMULATOR_HOST", None)
        else:
            os.environ["PUBSUB_EMULATOR_HOST"] = old


def _ordered_subscription(bus, topic: str) -> str:
    return ordered_subscription(bus.topic_path(topic), PROJECT, f"quad-{topic}-test")


def test_published_messages_arrive_in_order_with_their_attributes(emulator):
    from infra.events import PubSubBus

    bus = PubSubBus(PROJECT, "quad-")
    sub = _ordered_subscription(bus, "comments")
    for i in range(5):
        bus.publish("comments", f"event {i}".encode(), "posts/1", {"ce-type": "t", "n": str(i)})

    received = pull(sub, 5)
    assert [m.data for m in received] == [f"event {i}".encode() for i in range(5)]
    assert all(m.ordering_key == "posts/1" for m in received)
    assert received[0].attributes["ce-type"] == "t"


def test_a_batch_keeps_order_and_a_failure_holds_back_the_rest_of_its_key(emulator):
    from google.api_core.exceptions import InvalidArgument

    from infra.events import Message, NotSent, PubSubBus

    bus = PubSubBus(PROJECT, "quad-")
    sub = _ordered_subscription(bus, "batch")
    bus.publish("batch", b"a0", "posts/a", {})
    outcomes = bus.publish_batch(
        [
            Message("batch", b"", "posts/a"),  # no data, no attributes: Pub/Sub refuses it
            Message("batch", b"b1", "posts/b", {"n": "1"}),
            Message("batch", b"a2", "posts/a"),
            Message("batch", b"b2", "posts/b", {"n": "2"}),
            Message("batch", b"a3", "posts/a"),
        ]
    )
    assert isinstance(outcomes[0], InvalidArgument)
    assert outcomes[1] is None and outcomes[3] is None
    assert isinstance(outcomes[2], NotSent) and isinstance(outcomes[4], NotSent)

    # The failed key was resumed: its next message goes out, and, the subscription being
    # ordered, would come after a2 and a3 had they been sent.
    assert bus.publish_batch([Message("batch", b"a4", "posts/a")]) == [None]
    received = pull(sub, 4)
    by_key: dict[str, list[bytes]] = {}
    for m in received:
        by_key.setdefault(m.ordering_key, []).append(m.data)
    assert by_key == {"posts/a": [b"a0", b"a4"], "posts/b": [b"b1", b"b2"]}
    assert [m.attributes["n"] for m in received if m.ordering_key == "posts/b"] == ["1", "2"]


def test_publishing_to_a_missing_topic_raises(emulator):
    from infra.events import PubSubBus

    with pytest.raises(Exception):  # noqa: B017 - NotFound from the client; any error counts
        PubSubBus("quad-test", "quad-", timeout=10).publish("nope", b"x", "k", {})


def test_settings_choose_the_bus(emulator, monkeypatch):
    from infra.events import InProcessBus, PubSubBus, create_bus
    from infra.settings import Settings

    assert isinstance(create_bus(Settings(pubsub_emulator_host=emulator)), PubSubBus)
    assert isinstance(create_bus(Settings(events_backend="inprocess")), InProcessBus)
    assert isinstance(
        create_bus(Settings(pubsub_emulator_host=None, cloud_sql_instance=None)), InProcessBus
    )
