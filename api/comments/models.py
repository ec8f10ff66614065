from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column


class Comment(Base):
    """A comment on a post, or a reply to one (`parent_id`; replies are one level deep).

    A deleted comment that still has replies stays as a placeholder (`deleted_at` set,
    body cleared) so its replies keep their place.
    """

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_post_thread", "post_id", "parent_id", "created_at", "id"),
        Index("ix_comments_parent", "parent_id", "created_at", "id"),
        Index("ix_comments_author", "author_id"),
    )

    id: Mapped[UUID] = id_column()
    post_id: Mapped[UUID] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    parent_id: Mapped[UUID | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    author_id: Mapped[UUID] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(String(2000))
    anonymous: Mapped[bool] = mapped_column(default=False)
    like_count: Mapped[int] = mapped_column(default=0, server_default="0")
    reply_count: Mapped[int] = mapped_column(default=0, server_default="0")
    hidden_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime | None]


# Likes of comments (written by api/reactions/service.py): one row per user and comment,
# so repeating one is a no-op.


class CommentLike(Base):
    __tablename__ = "comment_likes"

    comment_id: Mapped[UUID] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    created_at: Mapped[datetime] = created_at_column()
