"""`quad.comment.created.v1` -> notifications (`service.notify_comment`), run by the Cloud
Function `on_comment_created`; the moderation topic's decisions (`quad.moderation.decided.v1`,
`quad.content.hidden.v1`, `quad.moderation.appeal_decided.v1`) -> a notification to the
content's author, run by `on_moderation_decided`. Under `make run` both run on the
in-process bus (api/events_wiring.py), under the shared rules of api/outbox/envelope.py."""

from __future__ import annotations

from cloudevents.http import CloudEvent
from sqlalchemy.orm import Session

from api.notifications import service
from api.outbox.envelope import MalformedEvent, handle, uuid_field
from api.outbox.types import EventType
from api.reports.models import TargetType

COMMENT_CREATED = "on_comment_created"
MODERATION_DECIDED = "on_moderation_decided"
DECISION_TYPES = {EventType.moderation_decided, EventType.content_hidden, EventType.appeal_decided}


def _apply_comment(session: Session, event: CloudEvent) -> None:
    data = event.data if isinstance(event.data, dict) else {}
    service.notify_comment(session, uuid_field(event, "id"), uuid_field(data, "comment_id"))


def comment_created(event: CloudEvent | bytes) -> str:
    return handle(COMMENT_CREATED, {EventType.comment_created}, event, _apply_comment)


def _apply_decision(session: Session, event: CloudEvent) -> None:
    data = event.data if isinstance(event.data, dict) else {}
    event_id = uuid_field(event, "id")
    if event["type"] == EventType.appeal_decided:
        service.notify_appeal_decided(session, event_id, uuid_field(data, "appeal_id"))
    elif event["type"] == EventType.content_hidden:
        try:
            target_type = TargetType(str(data.get("target_type")))
        except ValueError as exc:
            raise MalformedEvent("data.target_type is not post or comment") from exc
        service.notify_hidden(session, event_id, target_type, uuid_field(data, "target_id"))
    else:
        service.notify_decision(session, event_id, uuid_field(data, "action_id"))


def moderation_decided(event: CloudEvent | bytes) -> str:
    return handle(MODERATION_DECIDED, set(DECISION_TYPES), event, _apply_decision)
