from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column


class OutboxEvent(Base):
    """A domain event written in the same transaction as the change it describes.

    It is published after commit; a sweep publishes any left behind (a crash between
    commit and publish, or the bus being down) and prunes old published ones.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_unpublished", "created_at", postgresql_where=text("published_at IS NULL")),
        Index(
            "ix_outbox_published", "published_at", postgresql_where=text("published_at IS NOT NULL")
        ),
    )

    id: Mapped[UUID] = id_column()  # also the CloudEvent id: consumers dedupe on it
    topic: Mapped[str] = mapped_column(String(50))
    type: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(200))
    ordering_key: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = created_at_column()
    published_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)


class ProcessedEvent(Base):
    """Events a handler has already applied: Pub/Sub delivers at least once, so a
    redelivered event must find its id here and have no second effect."""

    __tablename__ = "processed_events"

    event_id: Mapped[UUID] = mapped_column(primary_key=True)
    handler: Mapped[str] = mapped_column(String(100), primary_key=True)
    processed_at: Mapped[datetime] = created_at_column()
