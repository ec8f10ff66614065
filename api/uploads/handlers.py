"""The upload bucket's object-finalize event -> `processing.process_upload`. Run by the
Cloud Function `on_upload_finalized` and, under `make run`, by the in-process bus
(api/events_wiring.py), under the shared rules of api/outbox/envelope.py."""

from __future__ import annotations

from cloudevents.http import CloudEvent
from sqlalchemy.orm import Session

from api.outbox.envelope import MalformedEvent, handle
from api.uploads.rules import INCOMING_PREFIX
from infra.storage import FINALIZED, get_storage

UPLOAD_FINALIZED = "on_upload_finalized"


def _data(event: CloudEvent) -> dict:
    return event.data if isinstance(event.data, dict) else {}


def _is_upload(event: CloudEvent) -> bool:
    """Only uploads to our bucket's incoming/ prefix. The bucket also notifies the
    function's own writes (images/...) wherever a trigger cannot filter by prefix."""
    data = _data(event)
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise MalformedEvent("data.name (the object) is missing")
    return name.startswith(INCOMING_PREFIX) and data.get("bucket") in (None, get_storage().bucket)


def _apply_upload(session: Session, event: CloudEvent) -> str:
    # Pillow (api/uploads/images.py) is in the functions' dependency group, not the API
    # image's: imported when an upload is first processed, so the API, which imports this
    # module to wire the local bus, starts without it (tests/test_layers.py).
    from api.uploads import processing

    data = _data(event)
    return processing.process_upload(session, data["name"], data.get("size", 0), get_storage())


def upload_finalized(event: CloudEvent | bytes) -> str:
    return handle(UPLOAD_FINALIZED, {FINALIZED}, event, _apply_upload, relevant=_is_upload)
