"""What each function does with an event it accepts (the rules live in api/ services)."""

from __future__ import annotations

from cloudevents.http import CloudEvent
from sqlalchemy.orm import Session

from api.events import service as events
from api.events.types import EventType
from api.notifications import service as notifications
from api.reports import service as reports
from api.reports.models import TargetType
from functions.envelope import MalformedEvent, handle, uuid_field

CONTENT_REPORTED = "on_content_reported"
COMMENT_CREATED = "on_comment_created"


def _apply_report(session: Session, event: CloudEvent) -> None:
    data = event.data if isinstance(event.data, dict) else {}
    try:
        target_type = TargetType(data.get("target_type"))
    except ValueError as exc:
        raise MalformedEvent("data.target_type is not post or comment") from exc
    reports.hide_if_reported_enough(session, target_type, uuid_field(data, "target_id"))


def _apply_comment(session: Session, event: CloudEvent) -> None:
    data = event.data if isinstance(event.data, dict) else {}
    notifications.notify_comment(session, uuid_field(event, "id"), uuid_field(data, "comment_id"))


def content_reported(event: CloudEvent | bytes) -> str:
    return handle(CONTENT_REPORTED, {EventType.content_reported}, event, _apply_report)


def comment_created(event: CloudEvent | bytes) -> str:
    return handle(COMMENT_CREATED, {EventType.comment_created}, event, _apply_comment)


def sweep_outbox() -> tuple[int, int]:
    return events.sweep()


# The in-process bus (local runs) hands over (data, attributes) as Pub/Sub would.
def local_content_reported(data: bytes, attributes: dict[str, str]) -> None:
    content_reported(data)


def local_comment_created(data: bytes, attributes: dict[str, str]) -> None:
    comment_created(data)
