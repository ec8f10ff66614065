"""`quad.comment.created.v1` -> notifications (`service.notify_comment`). Run by the Cloud
Function `on_comment_created` and, under `make run`, by the in-process bus
(api/events_wiring.py), under the shared rules of api/outbox/envelope.py."""

from __future__ import annotations

from cloudevents.http import CloudEvent
from sqlalchemy.orm import Session

from api.notifications import service
from api.outbox.envelope import handle, uuid_field
from api.outbox.types import EventType

COMMENT_CREATED = "on_comment_created"


def _apply_comment(session: Session, event: CloudEvent) -> None:
    data = event.data if isinstance(event.data, dict) else {}
    service.notify_comment(session, uuid_field(event, "id"), uuid_field(data, "comment_id"))


def comment_created(event: CloudEvent | bytes) -> str:
    return handle(COMMENT_CREATED, {EventType.comment_created}, event, _apply_comment)
