"""The whole event path through real parts: an API write -> outbox -> the Pub/Sub
emulator -> a push subscription -> a functions-framework server -> the effect, seen
through the API."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT, free_port
from tests.pubsub_emulator import emulator_script, pubsub_emulator

pytestmark = pytest.mark.skipif(
    emulator_script() is None, reason="the gcloud SDK's Pub/Sub emulator is not installed"
)

PROJECT = "quad-e2e"


@pytest.fixture
def emulator(database_url, monkeypatch):
    from infra import events as bus_module
    from infra.settings import get_settings

    with pubsub_emulator() as host:
        monkeypatch.setenv("PUBSUB_EMULATOR_HOST", host)
        monkeypatch.setenv("PUBSUB_PROJECT", PROJECT)
        get_settings.cache_clear()
        bus_module.set_bus(None)
        yield host
        bus_module.set_bus(None)
    get_settings.cache_clear()


@pytest.fixture
def comment_function(emulator):
    """on_comment_created served by functions-framework, as Cloud Functions would."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "functions_framework",
            "--source",
            str(ROOT / "functions" / "main.py"),
            "--target",
            "on_comment_created",
            "--signature-type",
            "cloudevent",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "INFO"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(proc.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _topics_and_push(push_endpoint: str) -> None:
    from google.cloud import pubsub_v1

    from api.outbox.types import TOPICS

    publisher = pubsub_v1.PublisherClient()
    subscriber = pubsub_v1.SubscriberClient()
    for topic in sorted(set(TOPICS.values())):
        publisher.create_topic(name=publisher.topic_path(PROJECT, f"quad-{topic}"))
    subscriber.create_subscription(
        request={
            "name": subscriber.subscription_path(PROJECT, "quad-comments-notify"),
            "topic": publisher.topic_path(PROJECT, "quad-comments"),
            "push_config": {"push_endpoint": push_endpoint},
            "enable_message_ordering": True,
            "ack_deadline_seconds": 10,
        }
    )


def test_a_comment_reaches_the_post_author_through_pubsub(client, campus, comment_function):
    from infra.events import PubSubBus, get_bus
    from tests.api.helpers import create_comment, create_post

    _topics_and_push(comment_function)
    assert isinstance(get_bus(), PubSubBus)
    post = create_post(client, campus.alice, campus.board, anonymous=True)
    create_comment(client, campus.bob, post["id"], "through the emulator", anonymous=True)

    deadline = time.monotonic() + 45
    inbox: list[dict] = []
    while time.monotonic() < deadline and not inbox:
        inbox = client.get("/v1/notifications", headers=campus.alice.headers).json()["items"]
        time.sleep(0.3)
    assert len(inbox) == 1, "no notification arrived through Pub/Sub"
    assert inbox[0]["actor_label"] == "Anonymous 1"
    assert "through the emulator" in inbox[0]["text"]
    # Every event of these writes left the outbox.
    from sqlalchemy import select

    from api.outbox.models import OutboxEvent
    from infra.database import session_scope

    with session_scope() as s:
        assert all(r.published_at for r in s.scalars(select(OutboxEvent)))
