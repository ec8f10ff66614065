from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column


class WriteRule(StrEnum):
    """Who may write (posts and comments) on a board."""

    members = "members"  # every member of the school
    moderators = "moderators"  # the board's moderators only: a read-only board (notices)


class NameRule(StrEnum):
    """Under which name posts and comments on a board are written."""

    anonymous = "anonymous"  # anonymous only (a secret board)
    named = "named"  # under the writer's nickname only
    either = "either"  # the writer chooses


_write_rules = ", ".join(f"'{r}'" for r in WriteRule)
_name_rules = ", ".join(f"'{r}'" for r in NameRule)


class Board(Base):
    __tablename__ = "boards"
    __table_args__ = (
        Index("uq_boards_school_id_name_lower", "school_id", func.lower(text("name")), unique=True),
        CheckConstraint(f"write_rule IN ({_write_rules})", name="write_rule"),
        CheckConstraint(f"name_rule IN ({_name_rules})", name="name_rule"),
    )

    id: Mapped[UUID] = id_column()
    school_id: Mapped[UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(String(500), default="", server_default="")
    created_by: Mapped[UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Starts as the creator; none for a board an operator made (or whose owner's account
    # row is gone). Kept apart from created_by so ownership can be handed on.
    owner_id: Mapped[UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    write_rule: Mapped[str] = mapped_column(
        String(20), default=WriteRule.members, server_default=WriteRule.members
    )
    name_rule: Mapped[str] = mapped_column(
        String(20), default=NameRule.either, server_default=NameRule.either
    )
    created_at: Mapped[datetime] = created_at_column()
