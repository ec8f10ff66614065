"""The transactional outbox: record events with the write, publish them after commit.

`record()` adds an outbox row in the caller's transaction, so there is no event for a
rolled-back write and no committed write without its event. After the commit the row
is published as a structured CloudEvent 1.0; if that fails, the row stays and
`sweep()` (a console command and a Cloud Scheduler target) publishes it later. Each
event keeps its id across retries, so consumers can drop duplicates.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

from cloudevents.conversion import to_json
from cloudevents.http import CloudEvent
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from api.core.db import utcnow
from api.core.ids import new_id
from api.events.models import OutboxEvent, ProcessedEvent
from api.events.types import TOPICS, EventType
from infra import database
from infra.events import get_bus
from infra.settings import get_settings

log = logging.getLogger(__name__)


def record(
    session: Session,
    type_: EventType,
    subject: str,
    data: dict[str, Any],
    ordering_key: str | None = None,
) -> OutboxEvent:
    """Add an event to the caller's transaction; it is published once that commits.

    `subject` names the thing the event is about ("posts/<id>/comments/<id>");
    `ordering_key` the aggregate whose events must stay in order (default: the subject's
    first two parts, e.g. "posts/<id>").
    """
    event = OutboxEvent(
        id=new_id(),
        topic=TOPICS[type_],
        type=str(type_),
        subject=subject,
        ordering_key=ordering_key or "/".join(subject.split("/")[:2]),
        data=data,
        created_at=utcnow(),
    )
    session.add(event)
    pending: list[OutboxEvent] = session.info.setdefault("outbox_events", [])
    if not pending:
        database.after_commit(
            session, lambda: publish_committed(session.info.pop("outbox_events", []))
        )
    pending.append(event)
    return event


def to_cloudevent(event: OutboxEvent) -> bytes:
    """The structured-mode CloudEvent 1.0 JSON of an outbox row."""
    ce = CloudEvent(
        {
            "id": str(event.id),
            "type": event.type,
            "source": get_settings().event_source,
            "subject": event.subject,
            "time": event.created_at.isoformat(),
            "datacontenttype": "application/json",
        },
        event.data,
    )
    return to_json(ce)


def publish_committed(events: Sequence[OutboxEvent]) -> int:
    """Publish events right after the commit that wrote them; returns how many went out.

    The rows are still in memory, so they are published from there and then marked in one
    statement, without reading or locking them again (that cost a whole transaction per
    write). A sweep running at that very moment may publish one of them as well: delivery
    is at least once anyway, and consumers drop duplicates by event id.
    """
    bus = get_bus()
    published: list[UUID] = []
    for event in events:
        try:
            _publish(bus, event)
        except Exception as exc:
            with database.get_engine().begin() as conn:
                conn.execute(
                    update(OutboxEvent)
                    .where(OutboxEvent.id == event.id)
                    .values(attempts=OutboxEvent.attempts + 1, last_error=_error_text(exc))
                )
            break
        published.append(event.id)
    if published:
        with database.get_engine().begin() as conn:
            conn.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id.in_(published), OutboxEvent.published_at.is_(None))
                .values(published_at=utcnow())
            )
    return len(published)


def _publish(bus: Any, event: OutboxEvent) -> None:
    try:
        bus.publish(
            event.topic,
            to_cloudevent(event),
            event.ordering_key,
            {"ce-type": event.type, "ce-id": str(event.id)},
        )
    except Exception:
        log.warning(
            "publishing an event failed; the sweep will retry",
            extra={"fields": {"event_id": str(event.id), "event_type": event.type}},
        )
        raise


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def relay(ids: Sequence[UUID] | None = None, limit: int = 500) -> int:
    """Publish unpublished events (these ids, or the oldest `limit`). Returns how many.

    Rows are claimed with FOR UPDATE SKIP LOCKED, so concurrent relays and sweeps never
    publish the same row at once. A failure stops the batch (later events of the same
    aggregate must not overtake it) and is recorded on the row.
    """
    if ids is not None and not ids:
        return 0
    bus = get_bus()
    published = 0
    with database.session_scope() as session:
        stmt = select(OutboxEvent).where(OutboxEvent.published_at.is_(None))
        if ids is not None:
            stmt = stmt.where(OutboxEvent.id.in_(ids))
        rows = session.scalars(
            stmt.order_by(OutboxEvent.created_at, OutboxEvent.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for event in rows:
            try:
                _publish(bus, event)
            except Exception as exc:
                event.attempts += 1
                event.last_error = _error_text(exc)
                break
            event.published_at = utcnow()
            published += 1
    return published


def sweep(batch: int = 500, prune_after: timedelta = timedelta(days=7)) -> tuple[int, int]:
    """Publish everything left behind, then delete published rows older than
    `prune_after`. Returns (published, pruned)."""
    published = 0
    while True:
        done = relay(limit=batch)
        published += done
        if done < batch:
            break
    with database.session_scope() as session:
        pruned = session.execute(
            delete(OutboxEvent)
            .where(OutboxEvent.published_at < utcnow() - prune_after)
            .returning(OutboxEvent.id)
        ).all()
    return published, len(pruned)


def claim(session: Session, event_id: UUID, handler: str) -> bool:
    """True the first time `handler` sees this event (in the caller's transaction, so the
    claim commits or rolls back with the handler's effect)."""
    return (
        session.execute(
            insert(ProcessedEvent)
            .values(event_id=event_id, handler=handler)
            .on_conflict_do_nothing()
            .returning(ProcessedEvent.event_id)
        ).first()
        is not None
    )
