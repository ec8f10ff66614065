from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column


class AttachmentStatus(StrEnum):
    pending = "pending"  # slot given, bytes not yet checked
    ready = "ready"  # checked and re-encoded; may be attached to a post
    rejected = "rejected"  # not an image we accept; its object was deleted


_statuses = ", ".join(f"'{s}'" for s in AttachmentStatus)


class Attachment(Base):
    """An uploaded image, from its upload slot to its place in a post.

    `object_name` is where the client uploads (under incoming/); the upload function
    writes the re-encoded image and its thumbnail to `image_object` and `thumbnail_object`
    and deletes the upload. Deleting the post deletes its attachments.
    """

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint(f"status IN ({_statuses})", name="status"),
        # A post's images in order; also the index that finds them.
        UniqueConstraint("post_id", "position"),
    )

    id: Mapped[UUID] = id_column()
    owner_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default=AttachmentStatus.pending)
    content_type: Mapped[str] = mapped_column(String(50))  # declared, then checked
    size: Mapped[int]  # declared upper bound, in bytes
    file_name: Mapped[str] = mapped_column(String(255))
    object_name: Mapped[str] = mapped_column(String(200), unique=True)
    image_object: Mapped[str | None] = mapped_column(String(200))
    thumbnail_object: Mapped[str | None] = mapped_column(String(200))
    width: Mapped[int | None]
    height: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(300))
    post_id: Mapped[UUID | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    position: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = created_at_column()
    processed_at: Mapped[datetime | None]
