from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import CheckConstraint, Index, String, text
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
