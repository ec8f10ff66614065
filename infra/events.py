"""The event bus: where domain events go once their transaction has committed.

- Pub/Sub (google-cloud-pubsub) in the cloud, and locally when PUBSUB_EMULATOR_HOST points
  at the emulator (the client library honours that variable by itself). Messages carry
  an ordering key per aggregate, so one post's events arrive in order.
- With nothing configured, an in-process bus that hands each message to the handlers
  subscribed to its topic, as a push subscription would: `make run` shows the whole flow
  on one machine.

Messages are bytes (a structured-mode CloudEvent) plus string attributes, as in Pub/Sub.
`publish_batch()` sends many at once (the outbox relays whole batches): in order, and a
failed message holds back the later messages of its topic and ordering key, so they
cannot overtake it.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from infra.settings import Settings, get_settings

log = logging.getLogger(__name__)

Handler = Callable[[bytes, dict[str, str]], None]


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    data: bytes
    ordering_key: str
    attributes: dict[str, str] = field(default_factory=dict)


class NotSent(Exception):
    """Held back: an earlier message of the same topic and ordering key failed."""


# What publishing one message of a batch came to: None (accepted) or its error.
Outcome = BaseException | None


class EventBus(Protocol):
    def publish(
        self, topic: str, data: bytes, ordering_key: str, attributes: dict[str, str]
    ) -> None:
        """Deliver or raise; returning means the message is accepted."""


def publish_batch(bus: EventBus, messages: Sequence[Message]) -> list[Outcome]:
    """Publish `messages` in order; one outcome per message. A bus that can send a batch
    at once does (`PubSubBus`); any other gets one message at a time, and then the first
    failure holds back everything after it (NotSent), as a bus that is down would fail
    them all."""
    batch = getattr(bus, "publish_batch", None)
    if batch is not None:
        return batch(messages)
    outcomes: list[Outcome] = []
    for message in messages:
        if outcomes and outcomes[-1] is not None:
            outcomes.append(NotSent("an earlier message of the batch failed"))
            continue
        try:
            bus.publish(message.topic, message.data, message.ordering_key, message.attributes)
        except Exception as exc:
            outcomes.append(exc)
        else:
            outcomes.append(None)
    return outcomes


class PubSubBus:
    # The client holds each message up to max_latency hoping to fill a batch (10 ms by
    # default). With ordering keys every key is its own batch anyway, and a request that
    # publishes after its commit would wait that long: 1 ms still batches what arrives
    # together (a relay's whole batch is handed over at once).
    MAX_LATENCY_S = 0.001

    def __init__(self, project: str, topic_prefix: str, timeout: float = 10.0) -> None:
        import google.cloud.pubsub_v1 as pubsub_v1

        self._client = pubsub_v1.PublisherClient(
            batch_settings=pubsub_v1.types.BatchSettings(max_latency=self.MAX_LATENCY_S),
            publisher_options=pubsub_v1.types.PublisherOptions(enable_message_ordering=True),
        )
        self._project = project
        self._prefix = topic_prefix
        self._timeout = timeout

    def topic_path(self, topic: str) -> str:
        return self._client.topic_path(self._project, self._prefix + topic)

    def publish(
        self, topic: str, data: bytes, ordering_key: str, attributes: dict[str, str]
    ) -> None:
        [outcome] = self.publish_batch([Message(topic, data, ordering_key, attributes)])
        if outcome is not None:
            raise outcome

    def publish_batch(self, messages: Sequence[Message]) -> list[Outcome]:
        """Hand every message to the client, then wait for all of them (up to `timeout`
        in all): one batch costs about one round trip instead of one per message.

        Order within a topic and ordering key is the client's: it sends a key's messages
        one batch after another, and when one fails it fails the key's later messages and
        pauses the key. The first failure of a key is its error; the key's later messages
        count as NotSent. Once all are settled, paused keys are resumed so the outbox can
        send them again, oldest first."""
        futures: list[concurrent.futures.Future] = []
        refused: set[tuple[str, str]] = set()  # keys with a message the client raised for
        ours: set[int] = set()  # futures made here, not by the client: no key paused
        for message in messages:
            path = self.topic_path(message.topic)
            if (path, message.ordering_key) in refused:
                ours.add(len(futures))
                futures.append(_failed(NotSent("an earlier message of its key was refused")))
                continue
            try:
                futures.append(
                    self._client.publish(
                        path, message.data, ordering_key=message.ordering_key, **message.attributes
                    )
                )
            except Exception as exc:  # too large, bad attributes: refused before sending
                refused.add((path, message.ordering_key))
                ours.add(len(futures))
                futures.append(_failed(exc))
        concurrent.futures.wait(futures, timeout=self._timeout)

        outcomes: list[Outcome] = []
        failed: dict[tuple[str, str], bool] = {}  # key -> paused by the client
        for index, (message, future) in enumerate(zip(messages, futures, strict=True)):
            key = (self.topic_path(message.topic), message.ordering_key)
            if key in failed:
                outcomes.append(NotSent("an earlier message of its ordering key failed"))
            elif not future.done():
                # Still being retried by the client (it retries transient errors without
                # end when ordering is on): not paused, and may yet arrive; the outbox
                # sends it again later and consumers drop the duplicate.
                failed[key] = False
                outcomes.append(TimeoutError(f"not confirmed within {self._timeout} s"))
            elif (error := future.exception()) is not None:
                failed[key] = index not in ours
                outcomes.append(error)
            else:
                outcomes.append(None)
        for (path, ordering_key), paused in failed.items():
            if paused and ordering_key:
                # Not paused after all (e.g. the key's sequencer was already cleaned up):
                # nothing to resume.
                with contextlib.suppress(RuntimeError, ValueError):
                    self._client.resume_publish(path, ordering_key)
        return outcomes


def _failed(error: BaseException) -> concurrent.futures.Future:
    future: concurrent.futures.Future = concurrent.futures.Future()
    future.set_exception(error)
    return future


class InProcessBus:
    """Topic -> handlers, called synchronously. A handler's failure is logged: like a push
    subscription's retries ending in a dead-letter topic, it does not fail the publisher."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self._lock = threading.Lock()

    def subscribe(self, topic: str, handler: Handler) -> None:
        with self._lock:
            self._handlers[topic].append(handler)

    def publish(
        self, topic: str, data: bytes, ordering_key: str, attributes: dict[str, str]
    ) -> None:
        for handler in list(self._handlers.get(topic, ())):
            try:
                handler(data, attributes)
            except Exception:
                log.exception("in-process handler failed", extra={"fields": {"topic": topic}})


_bus: EventBus | None = None
_bus_lock = threading.Lock()


# Topic -> the handlers an in-process bus delivers it to. The process that composes the
# application sets them (api/events_wiring.py), as the cloud's push subscriptions route
# topics to functions: infra imports none of the handlers.
_local_subscriptions: dict[str, tuple[Handler, ...]] = {}


def set_local_subscriptions(subscriptions: Mapping[str, Sequence[Handler]]) -> None:
    """What an in-process bus made from now on (`create_bus`) delivers each topic to."""
    global _local_subscriptions
    _local_subscriptions = {topic: tuple(handlers) for topic, handlers in subscriptions.items()}


def create_bus(settings: Settings) -> EventBus:
    if settings.uses_pubsub:
        project = settings.pubsub_project or settings.google_cloud_project or "quad-local"
        return PubSubBus(project, settings.topic_prefix)
    bus = InProcessBus()
    if not settings.inprocess_handlers:
        return bus
    for topic, handlers in _local_subscriptions.items():
        for handler in handlers:
            bus.subscribe(topic, handler)
    return bus


def get_bus() -> EventBus:
    global _bus
    if _bus is None:
        with _bus_lock:
            if _bus is None:
                _bus = create_bus(get_settings())
    return _bus


def set_bus(bus: EventBus | None) -> None:
    """Replace the process's bus (tests, and processes that wire their own handlers)."""
    global _bus
    with _bus_lock:
        _bus = bus
