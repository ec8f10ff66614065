"""The event bus: where domain events go once their transaction has committed.

- Pub/Sub (google-cloud-pubsub) in the cloud, and locally when PUBSUB_EMULATOR_HOST points
  at the emulator (the client library honours that variable by itself). Messages carry
  an ordering key per aggregate, so one post's events arrive in order.
- With nothing configured, an in-process bus that hands each message to the handlers
  subscribed to its topic, as a push subscription would: `make run` shows the whole flow
  on one machine.

Messages are bytes (a structured-mode CloudEvent) plus string attributes, as in Pub/Sub.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Protocol

from infra.settings import Settings, get_settings

log = logging.getLogger(__name__)

Handler = Callable[[bytes, dict[str, str]], None]


class EventBus(Protocol):
    def publish(
        self, topic: str, data: bytes, ordering_key: str, attributes: dict[str, str]
    ) -> None:
        """Deliver or raise; returning means the message is accepted."""


class PubSubBus:
    def __init__(self, project: str, topic_prefix: str, timeout: float = 10.0) -> None:
        from google.cloud import pubsub_v1

        self._client = pubsub_v1.PublisherClient(
            publisher_options=pubsub_v1.types.PublisherOptions(enable_message_ordering=True)
        )
        self._project = project
        self._prefix = topic_prefix
        self._timeout = timeout

    def topic_path(self, topic: str) -> str:
        return self._client.topic_path(self._project, self._prefix + topic)

    def publish(
        self, topic: str, data: bytes, ordering_key: str, attributes: dict[str, str]
    ) -> None:
        path = self.topic_path(topic)
        future = self._client.publish(path, data, ordering_key=ordering_key, **attributes)
        try:
            future.result(timeout=self._timeout)
        except Exception:
            # A failed publish pauses its ordering key until resumed; the outbox retries.
            self._client.resume_publish(path, ordering_key)
            raise


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


def create_bus(settings: Settings) -> EventBus:
    if settings.uses_pubsub:
        project = settings.pubsub_project or settings.google_cloud_project or "quad-local"
        return PubSubBus(project, settings.topic_prefix)
    bus = InProcessBus()
    for topic, target in _subscriptions(settings.inprocess_subscriptions):
        bus.subscribe(topic, _lazy(target))
    return bus


def _subscriptions(spec: str) -> list[tuple[str, str]]:
    pairs = [item.split("=", 1) for item in spec.split(",") if item.strip()]
    return [(topic.strip(), target.strip()) for topic, target in pairs]


def _lazy(target: str) -> Handler:
    """Resolve `module:function` on first delivery. infra names its handlers by
    configuration rather than importing them (it imports nothing of the others)."""
    resolved: list[Handler] = []

    def handler(data: bytes, attributes: dict[str, str]) -> None:
        if not resolved:
            module, _, name = target.partition(":")
            resolved.append(getattr(importlib.import_module(module), name))
        resolved[0](data, attributes)

    return handler


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
