from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base


class IdempotencyKey(Base):
    """A create request a client marked with `Idempotency-Key`, and the answer it got.

    Claimed in the write's own transaction (api/idempotency/service.py) and given the
    answer before the commit, so a key is either unknown or has its answer: a retry
    replays that answer instead of writing again. Lives `IDEMPOTENCY_KEY_TTL_SECONDS`,
    then counts as unknown and is pruned a few rows at a time by later claims.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (Index("ix_idempotency_keys_expires_at", "expires_at"),)

    user_id: Mapped[UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    # SHA-256 of the method, path and body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None]
    body: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime]
