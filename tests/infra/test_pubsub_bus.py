"""The Pub/Sub adapter against the real emulator from the gcloud SDK."""

from __future__ import annotations

import os

import pytest

from tests.pubsub_emulator import emulator_script, pubsub_emulator

pytestmark = pytest.mark.skipif(
    emulator_script() is None, reason="the gcloud SDK's Pub/Sub emulator is not installed"
)


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


def test_published_messages_arrive_in_order_with_their_attributes(emulator):
    from google.cloud import pubsub_v1

    from infra.events import PubSubBus

    project = "quad-test"
    bus = PubSubBus(project, "quad-")
    publisher = pubsub_v1.PublisherClient()
    subscriber = pubsub_v1.SubscriberClient()
    topic = publisher.create_topic(name=bus.topic_path("comments")).name
    sub = subscriber.create_subscription(
        request={
            "name": subscriber.subscription_path(project, "quad-comments-test"),
            "topic": topic,
            "enable_message_ordering": True,
        }
    ).name
    for i in range(5):
        bus.publish("comments", f"event {i}".encode(), "posts/1", {"ce-type": "t", "n": str(i)})

    received = []
    while len(received) < 5:
        response = subscriber.pull(request={"subscription": sub, "max_messages": 10}, timeout=10)
        for m in response.received_messages:
            received.append(m.message)
        if response.received_messages:
            subscriber.acknowledge(
                request={
                    "subscription": sub,
                    "ack_ids": [m.ack_id for m in response.received_messages],
                }
            )
    assert [m.data for m in received] == [f"event {i}".encode() for i in range(5)]
    assert all(m.ordering_key == "posts/1" for m in received)
    assert received[0].attributes["ce-type"] == "t"


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
