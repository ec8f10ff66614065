from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column


class Notification(Base):
    """Something for one user to see. It names who acted only by the label others see
    ("Anonymous 2", a nickname), never by id."""

    __tablename__ = "notifications"
    __table_args__ = (
        # One notification per event and recipient: a redelivered event adds nothing.
        UniqueConstraint("event_id", "user_id"),
        Index(
            "ix_notifications_inbox",
            "user_id",
            text("(read_at IS NULL) DESC"),
            text("created_at DESC"),
            text("id DESC"),
        ),
    )

    id: Mapped[UUID] = id_column()
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[UUID]
    kind: Mapped[str] = mapped_column(String(30))
    post_id: Mapped[UUID | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[UUID | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    actor_label: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = created_at_column()
    read_at: Mapped[datetime | None]
