"""The official Pub/Sub emulator from the gcloud SDK, started on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def emulator_script() -> Path | None:
    gcloud = shutil.which("gcloud")
    candidates = [Path("/usr/lib/google-cloud-sdk"), Path("/google-cloud-sdk")]
    if gcloud:
        candidates.insert(0, Path(os.path.realpath(gcloud)).parent.parent)
    for root in candidates:
        script = root / "platform" / "pubsub-emulator" / "bin" / "cloud-pubsub-emulator"
        if script.exists():
            return script
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def pubsub_emulator() -> Iterator[str]:
    """Yields host:port. The script is started directly: the `gcloud beta emulators`
    wrapper leaves the java process behind when killed."""
    script = emulator_script()
    assert script is not None
    port = _free_port()
    data_dir = tempfile.mkdtemp(prefix="pubsub-emulator-")
    proc = subprocess.Popen(
        [str(script), "--host=127.0.0.1", f"--port={port}", f"--dir={data_dir}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Pub/Sub emulator did not start")
            time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
        shutil.rmtree(data_dir, ignore_errors=True)


def ordered_subscription(topic_path: str, project: str, name: str) -> str:
    """Create the topic and an ordered subscription `name` to it; returns its path."""
    from google.cloud import pubsub_v1

    topic = pubsub_v1.PublisherClient().create_topic(name=topic_path).name
    subscriber = pubsub_v1.SubscriberClient()
    return subscriber.create_subscription(
        request={
            "name": subscriber.subscription_path(project, name),
            "topic": topic,
            "enable_message_ordering": True,
        }
    ).name


def pull(subscription: str, count: int) -> list:
    """The next `count` messages, acknowledged as they come (an ordered subscription
    hands out a key's next message once the previous one is acknowledged)."""
    from google.cloud import pubsub_v1

    subscriber = pubsub_v1.SubscriberClient()
    received = []
    while len(received) < count:
        response = subscriber.pull(
            request={"subscription": subscription, "max_messages": 10}, timeout=10
        )
        received += [m.message for m in response.received_messages]
        if response.received_messages:
            subscriber.acknowledge(
                request={
                    "subscription": subscription,
                    "ack_ids": [m.ack_id for m in response.received_messages],
                }
            )
    return received
