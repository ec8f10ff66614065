"""Friends (symmetric, by request and acceptance) and follows (one-way)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column


class RequestStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    cancelled = "cancelled"


class FriendRequest(Base):
    __tablename__ = "friend_requests"
    __table_args__ = (
        # At most one pending request from A to B.
        Index(
            "uq_friend_requests_pending",
            "sender_id",
            "recipient_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_friend_requests_recipient", "recipient_id", "status", text("created_at DESC")),
        Index("ix_friend_requests_sender", "sender_id", "status", text("created_at DESC")),
        CheckConstraint("sender_id <> recipient_id", name="not_self"),
    )

    id: Mapped[UUID] = id_column()
    sender_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    recipient_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.pending)
    created_at: Mapped[datetime] = created_at_column()
    responded_at: Mapped[datetime | None]


class Friendship(Base):
    """Stored once per direction, so "my friends" is one index range."""

    __tablename__ = "friendships"
    __table_args__ = (
        Index("ix_friendships_user_feed", "user_id", text("created_at DESC"), "friend_id"),
        CheckConstraint("user_id <> friend_id", name="not_self"),
    )

    user_id: Mapped[UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    friend_id: Mapped[UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = created_at_column()


class Follow(Base):
    __tablename__ = "follows"
    __table_args__ = (
        Index("ix_follows_followee_feed", "followee_id", text("created_at DESC"), "follower_id"),
        Index("ix_follows_follower_feed", "follower_id", text("created_at DESC"), "followee_id"),
        CheckConstraint("follower_id <> followee_id", name="not_self"),
    )

    follower_id: Mapped[UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    followee_id: Mapped[UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = created_at_column()
