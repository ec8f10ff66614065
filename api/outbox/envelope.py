"""Turning what an event handler receives into one of our CloudEvents, and the rules every
handler shares: the Cloud Functions (functions/main.py) and, under `make run`, the
in-process bus (api/events_wiring.py) run the same handlers through `handle`.

Pub/Sub delivers our structured CloudEvent inside its own `messagePublished` CloudEvent
(`data.message.data` is base64). A Cloud Storage notification arrives the same way but
carries the object's JSON resource (attributes `eventType`, `bucketId`, `objectId`): it
becomes the CloudEvent Eventarc would have delivered (`google.cloud.storage.object.v1.
finalized`, data = the object), so handlers see one shape whichever way it came. Every
handler then follows the same rules:

- malformed or unknown events are logged and acknowledged (returning normally), so a
  poison message never loops;
- events older than `EVENT_MAX_AGE_SECONDS` are dropped with a log line;
- an event is applied at most once per handler (its id is claimed in the same
  transaction as the effect), since Pub/Sub delivers at least once;
- any other failure (the database unreachable) raises, so Pub/Sub retries it and,
  after the subscription's maximum attempts, moves it to the dead-letter topic.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from cloudevents.http import CloudEvent, from_json
from sqlalchemy.orm import Session

from api.outbox import service as outbox
from infra.database import session_scope
from infra.settings import get_settings

# The functions' logger, whichever process runs the handler.
log = logging.getLogger("functions")

PUBSUB_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished"


class MalformedEvent(ValueError):
    """The event cannot be understood; retrying will not help."""


# Cloud Storage notification eventType -> the CloudEvents type Eventarc uses for it.
STORAGE_EVENT_TYPES = {
    "OBJECT_FINALIZE": "google.cloud.storage.object.v1.finalized",
    "OBJECT_DELETE": "google.cloud.storage.object.v1.deleted",
    "OBJECT_ARCHIVE": "google.cloud.storage.object.v1.archived",
    "OBJECT_METADATA_UPDATE": "google.cloud.storage.object.v1.metadataUpdated",
}


def unwrap(cloud_event: CloudEvent) -> CloudEvent:
    """Our CloudEvent out of a Pub/Sub push (or the event itself when it is one of ours)."""
    if cloud_event["type"] != PUBSUB_PUBLISHED:
        return cloud_event
    try:
        message = cloud_event.data["message"]
        raw = base64.b64decode(message["data"], validate=True)
        attributes = message.get("attributes") or {}
    except (KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise MalformedEvent(f"not a Pub/Sub message: {exc}") from exc
    if "eventType" in attributes and "bucketId" in attributes:
        return _storage_notification(cloud_event, message, attributes, raw)
    return parse(raw)


def _storage_notification(
    push: CloudEvent, message: dict[str, Any], attributes: dict[str, str], raw: bytes
) -> CloudEvent:
    """A Cloud Storage Pub/Sub notification (payload JSON_API_V1) as Eventarc's event."""
    try:
        resource = json.loads(raw)
    except ValueError as exc:
        raise MalformedEvent("storage notification payload is not JSON") from exc
    if not isinstance(resource, dict):
        raise MalformedEvent("storage notification payload is not an object resource")
    kind = attributes["eventType"]
    return CloudEvent(
        {
            # One notification, one message id: redeliveries keep it.
            "id": str(message.get("messageId") or message.get("message_id") or push["id"]),
            "type": STORAGE_EVENT_TYPES.get(kind, f"google.cloud.storage.object.v1.{kind}"),
            "source": f"//storage.googleapis.com/projects/_/buckets/{attributes['bucketId']}",
            "subject": f"objects/{attributes.get('objectId', resource.get('name', ''))}",
            "time": str(
                attributes.get("eventTime") or message.get("publishTime") or push.get("time")
            ),
            "datacontenttype": "application/json",
        },
        resource,
    )


def parse(raw: bytes) -> CloudEvent:
    try:
        return from_json(raw)
    except Exception as exc:  # the SDK raises several kinds for bad input
        raise MalformedEvent(f"not a structured CloudEvent: {exc}") from exc


def uuid_field(data: Any, name: str) -> UUID:
    try:
        return UUID(str(data[name]))
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedEvent(f"data.{name} is missing or not a UUID") from exc


def event_uuid(event: CloudEvent) -> UUID:
    """The key a handler dedupes on. Our events' ids are UUIDs; Google's (storage events,
    Pub/Sub message ids) are not, and CloudEvents ids are unique per source."""
    try:
        return UUID(str(event["id"]))
    except ValueError:
        return uuid5(NAMESPACE_URL, f"{event['source']}#{event['id']}")


def _age_seconds(event: CloudEvent) -> float | None:
    time = event.get("time")
    if not time:
        return None
    try:
        sent = datetime.fromisoformat(str(time).replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedEvent("bad time attribute") from exc
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    return (datetime.now(UTC) - sent).total_seconds()


def handle(
    name: str,
    accepted_types: set[str],
    event: CloudEvent | bytes,
    apply: Callable[[Session, CloudEvent], str | None],
    relevant: Callable[[CloudEvent], bool] | None = None,
) -> str:
    """Run `apply` once for this event under the shared rules. Returns what happened:
    applied (or what `apply` returns), duplicate, ignored, stale or malformed (logged in
    each case). `relevant` filters accepted events before anything is recorded (a
    storage trigger sees every object written to its bucket, its own writes included)."""
    fields: dict[str, Any] = {"handler": name}
    try:
        ours = parse(event) if isinstance(event, bytes) else unwrap(event)
        fields |= {"event_id": ours.get("id"), "event_type": ours.get("type")}
        if ours["type"] not in accepted_types:
            log.info("event type not handled here; acknowledged", extra={"fields": fields})
            return "ignored"
        if relevant is not None and not relevant(ours):
            log.debug("event not for this handler; acknowledged", extra={"fields": fields})
            return "ignored"
        age = _age_seconds(ours)
        if age is not None and age > get_settings().event_max_age_seconds:
            log.warning("event too old; dropped", extra={"fields": fields | {"age_s": age}})
            return "stale"
        event_id = event_uuid(ours)
    except (MalformedEvent, ValueError, KeyError) as exc:
        log.error(f"malformed event acknowledged: {exc}", extra={"fields": fields})
        return "malformed"
    try:
        with session_scope() as session:
            if not outbox.claim(session, event_id, name):
                log.info("duplicate event; already applied", extra={"fields": fields})
                return "duplicate"
            outcome = apply(session, ours) or "applied"
    except MalformedEvent as exc:
        log.error(f"malformed event acknowledged: {exc}", extra={"fields": fields})
        return "malformed"
    except Exception:
        # Anything else may pass (the database restarting, a lock timeout): raise, so
        # Pub/Sub redelivers; after the maximum attempts it goes to the dead-letter topic.
        log.warning("handler failed; Pub/Sub will retry", extra={"fields": fields}, exc_info=True)
        raise
    log.info(f"event {outcome}", extra={"fields": fields})
    return outcome
