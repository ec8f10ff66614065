"""Building the CloudEvents a function receives, with the cloudevents SDK."""

from __future__ import annotations

import base64
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
