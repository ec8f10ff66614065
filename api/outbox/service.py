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
from functools import cache
from typing import Any
from uuid import UUID

from cloudevents.conversion import to_json
from cloudevents.http import CloudEvent
from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from api.core.db import run_prepared, table_of, utcnow
from api.core.ids import new_id
from api.outbox.models import OutboxEvent, ProcessedEvent
from api.outbox.types import TOPICS, EventType
from infra import database
from infra.events import Message, NotSent, Outcome, get_bus, publish_batch
from infra.settings import get_settings

log = logging.getLogger(__name__)


_INSERT_EVENT = insert(table_of(OutboxEvent)).values(
    {
        name: bindparam(name)
        for name in ("id", "topic", "type", "subject", "ordering_key", "data", "created_at")
    }
)


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
    # Written now by one prepared INSERT, not added to the session: the row is never read
    # back through it, and the unit of work's flush cost a write more than the INSERT.
    run_prepared(
        session,
        _INSERT_EVENT,
        {
            "id": event.id,
            "topic": event.topic,
            "type": event.type,
            "subject": event.subject,
            "ordering_key": event.ordering_key,
            "data": data,
            "created_at": event.created_at,
        },
    )
    pending: list[OutboxEvent] = session.info.setdefault("outbox_events", [])
    if not pending:

        def publish() -> None:
            publish_committed(session.info.pop("outbox_events", []))

        database.after_commit(session, publish)
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

    The rows are still in memory, so they are published from there and then marked,
    without reading or locking them again (that cost a whole transaction per write). Each
    marking statement stands alone (a row marked or not is right either way: an unmarked
    one is published again by the sweep), so they run in autocommit, without BEGIN and
    COMMIT. A sweep running at that very moment may publish one of them as well: delivery
    is at least once anyway, and consumers drop duplicates by event id.
    """
    if not events:
        return 0
    outcomes = _publish(events)
    with database.autocommit_connection() as conn:
        return _mark(conn, events, outcomes)


def _publish(events: Sequence[OutboxEvent]) -> list[Outcome]:
    """Publish a batch at once, in order; a failure holds back the later events of its
    topic and ordering key (see infra.events.publish_batch)."""
    messages = [
        Message(
            event.topic,
            to_cloudevent(event),
            event.ordering_key,
            {"ce-type": event.type, "ce-id": str(event.id)},
        )
        for event in events
    ]
    outcomes = publish_batch(get_bus(), messages)
    for event, outcome in zip(events, outcomes, strict=True):
        if outcome is not None and not isinstance(outcome, NotSent):
            log.warning(
                "publishing an event failed; the sweep will retry",
                extra={
                    "fields": {
                        "event_id": str(event.id),
                        "event_type": event.type,
                        "error": _error_text(outcome),
                    }
                },
            )
    return outcomes


# Built once: executed with a list of rows (executemany), so compiled once per process.
_MARK_FAILED = (
    update(table_of(OutboxEvent))
    .where(table_of(OutboxEvent).c.id == bindparam("event_id"))
    .values(attempts=table_of(OutboxEvent).c.attempts + 1, last_error=bindparam("error"))
)


_MARK_PUBLISHED = (
    update(table_of(OutboxEvent))
    .where(
        table_of(OutboxEvent).c.id.in_(bindparam("published", expanding=True)),
        table_of(OutboxEvent).c.published_at.is_(None),
    )
    .values(published_at=bindparam("at"))
)


def _mark(
    conn: Connection | Session, events: Sequence[OutboxEvent], outcomes: list[Outcome]
) -> int:
    """Mark the published rows, and count an attempt with its error on each row that failed
    (not on those held back behind it: they were not tried). Returns how many published."""
    published = [e.id for e, outcome in zip(events, outcomes, strict=True) if outcome is None]
    failures = [
        {"event_id": e.id, "error": _error_text(outcome)}
        for e, outcome in zip(events, outcomes, strict=True)
        if outcome is not None and not isinstance(outcome, NotSent)
    ]
    if published:
        conn.execute(_MARK_PUBLISHED, {"published": published, "at": utcnow()})
    if failures:
        conn.execute(_MARK_FAILED, failures)
    return len(published)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def relay(ids: Sequence[UUID] | None = None, limit: int = 500) -> int:
    """Publish unpublished events (these ids, or the oldest `limit`). Returns how many.

    Rows are claimed with FOR UPDATE SKIP LOCKED, so concurrent relays and sweeps never
    publish the same row at once. The batch is published at once, oldest first; a failure
    is recorded on its row and holds back the later events of its ordering key (they must
    not overtake it), which stay for the next sweep.
    """
    if ids is not None and not ids:
        return 0
    with database.session_scope() as session:
        stmt = select(OutboxEvent).where(OutboxEvent.published_at.is_(None))
        if ids is not None:
            stmt = stmt.where(OutboxEvent.id.in_(ids))
        rows = session.scalars(
            stmt.order_by(OutboxEvent.created_at, OutboxEvent.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows:
            return 0
        return _mark(session, rows, _publish(rows))


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


@cache
def _claim_insert() -> ReturningInsert[Any]:
    table = table_of(ProcessedEvent)
    return insert(table).on_conflict_do_nothing().returning(table.c.event_id)


def claim(session: Session, event_id: UUID, handler: str) -> bool:
    """True the first time `handler` sees this event (in the caller's transaction, so the
    claim commits or rolls back with the handler's effect)."""
    row = session.execute(_claim_insert(), {"event_id": event_id, "handler": handler}).first()
    return row is not None
