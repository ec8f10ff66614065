"""`quad.content.reported.v1` -> the report threshold (`service.hide_if_reported_enough`).
Run by the Cloud Function `on_content_reported` and, under `make run`, by the in-process
bus (api/events_wiring.py), under the shared rules of api/outbox/envelope.py."""

from __future__ import annotations

from cloudevents.http import CloudEvent
from sqlalchemy.orm import Session

from api.outbox.envelope import MalformedEvent, handle, uuid_field
from api.outbox.types import EventType
from api.reports import service
from api.reports.models import TargetType

CONTENT_REPORTED = "on_content_reported"


def _apply_report(session: Session, event: CloudEvent) -> None:
    data = event.data if isinstance(event.data, dict) else {}
    try:
        target_type = TargetType(str(data.get("target_type")))
    except ValueError as exc:
        raise MalformedEvent("data.target_type is not post or comment") from exc
    service.hide_if_reported_enough(session, target_type, uuid_field(data, "target_id"))


def content_reported(event: CloudEvent | bytes) -> str:
    return handle(CONTENT_REPORTED, {EventType.content_reported}, event, _apply_report)
