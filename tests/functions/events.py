"""Building the CloudEvents a function receives, with the cloudevents SDK."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

from cloudevents.conversion import to_json
from cloudevents.http import CloudEvent

from api.core.ids import new_id


def ours(type_: str, data: dict, *, event_id=None, age: timedelta = timedelta(0)) -> CloudEvent:
    return CloudEvent(
        {
            "id": str(event_id or new_id()),
            "type": type_,
            "source": "//quad/api",
            "subject": "test",
            "time": (datetime.now(UTC) - age).isoformat(),
        },
        data,
    )


def pubsub_push(inner: CloudEvent | bytes, topic: str = "quad-reports") -> CloudEvent:
    """What Eventarc hands a function for a Pub/Sub message carrying `inner`."""
    payload = inner if isinstance(inner, bytes) else to_json(inner)
    return CloudEvent(
        {
            "id": str(new_id()),
            "type": "google.cloud.pubsub.topic.v1.messagePublished",
            "source": f"//pubsub.googleapis.com/projects/quad/topics/{topic}",
        },
        {
            "message": {
                "data": base64.b64encode(payload).decode(),
                "attributes": {},
                "messageId": "1",
            },
            "subscription": f"projects/quad/subscriptions/{topic}-fn",
        },
    )


def storage_finalized(
    resource: dict, *, event_id: str | None = None, age: timedelta = timedelta(0)
) -> CloudEvent:
    """What an Eventarc Cloud Storage trigger hands a function: data is the object
    (StorageObjectData); ids are Google's, not UUIDs."""
    return CloudEvent(
        {
            "id": event_id or str(new_id().int % 10**16),
            "type": "google.cloud.storage.object.v1.finalized",
            "source": f"//storage.googleapis.com/projects/_/buckets/{resource['bucket']}",
            "subject": f"objects/{resource['name']}",
            "time": (datetime.now(UTC) - age).isoformat(),
            "datacontenttype": "application/json",
        },
        resource,
    )


def storage_notification(resource: dict, *, message_id: str = "4242", topic="quad-uploads"):
    """What the push subscription of the bucket's Pub/Sub notification hands a function
    (payload format JSON_API_V1: the object resource, attributes naming the event)."""
    return CloudEvent(
        {
            "id": message_id,
            "type": "google.cloud.pubsub.topic.v1.messagePublished",
            "source": f"//pubsub.googleapis.com/projects/quad/topics/{topic}",
        },
        {
            "message": {
                "data": base64.b64encode(json.dumps(resource).encode()).decode(),
                "attributes": {
                    "notificationConfig": "projects/_/buckets/b/notificationConfigs/1",
                    "eventType": "OBJECT_FINALIZE",
                    "payloadFormat": "JSON_API_V1",
                    "bucketId": resource["bucket"],
                    "objectId": resource["name"],
                    "objectGeneration": resource.get("generation", "1"),
                    "eventTime": datetime.now(UTC).isoformat(),
                },
                "messageId": message_id,
                "publishTime": datetime.now(UTC).isoformat(),
            },
            "subscription": f"projects/quad/subscriptions/{topic}-fn",
        },
    )
