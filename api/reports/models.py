from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column


class ReportReason(StrEnum):
    spam = "spam"
    abuse = "abuse"
    hate = "hate"
    sexual = "sexual"
    illegal = "illegal"
    privacy = "privacy"
    misinformation = "misinformation"
    other = "other"


class TargetType(StrEnum):
    post = "post"
    comment = "comment"


_reasons = ", ".join(f"'{r}'" for r in ReportReason)
_targets = ", ".join(f"'{t}'" for t in TargetType)


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "reporter_id"),
        CheckConstraint(f"reason IN ({_reasons})", name="reason"),
        CheckConstraint(f"target_type IN ({_targets})", name="target_type"),
    )

    id: Mapped[UUID] = id_column()
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[UUID]
    reporter_id: Mapped[UUID] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = created_at_column()


class ModerationAction(Base):
    """What was done to a piece of content, by whom and why (kept for audits)."""

    __tablename__ = "moderation_actions"
    __table_args__ = (UniqueConstraint("target_type", "target_id", "action"),)

    id: Mapped[UUID] = id_column()
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[UUID]
    action: Mapped[str] = mapped_column(String(20))
    decided_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = created_at_column()
