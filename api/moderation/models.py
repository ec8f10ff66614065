from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column


class RoleChangeKind(StrEnum):
    granted = "granted"
    revoked = "revoked"


class RoleChange(Base):
    """The record of every grant and revocation of a role (the current roles are
    api/users/models.py's `Role`). Append-only, as the moderation log is (migration 0015);
    no foreign keys, so it outlives the accounts and schools it names."""

    __tablename__ = "moderation_role_changes"
    __table_args__ = (
        CheckConstraint("change IN ('granted', 'revoked')", name="change"),
        CheckConstraint("changed_by_kind IN ('admin', 'operator')", name="changed_by_kind"),
        Index("ix_moderation_role_changes_user_id", "user_id", text("created_at DESC")),
    )

    id: Mapped[UUID] = id_column()
    user_id: Mapped[UUID]  # whom
    school_id: Mapped[UUID | None]  # NULL: platform-wide
    role: Mapped[str] = mapped_column(String(20))
    change: Mapped[str] = mapped_column(String(10))
    changed_by: Mapped[UUID | None]  # who; NULL: an operator (the CLI)
    changed_by_kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = created_at_column()


class AppealOutcome(StrEnum):
    upheld = "upheld"  # the decision stands
    overturned = "overturned"  # undone (restored, unlocked, unsuspended), and logged


class Appeal(Base):
    """The author's appeal of a decision on their content: one per decision. It waits for
    the school's moderators (`GET /v1/moderation/appeals`) until one decides it."""

    __tablename__ = "moderation_appeals"
    __table_args__ = (
        CheckConstraint("outcome IN ('upheld', 'overturned')", name="outcome"),
        Index("ix_moderation_appeals_school_open", "school_id", "created_at", "id"),
    )

    id: Mapped[UUID] = id_column()
    action_id: Mapped[UUID] = mapped_column(ForeignKey("moderation_actions.id"), unique=True)
    school_id: Mapped[UUID | None]
    body: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = created_at_column()
    outcome: Mapped[str | None] = mapped_column(String(20))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[UUID | None]
    # The log entry that undid the decision, when overturned.
    overturn_action_id: Mapped[UUID | None]
