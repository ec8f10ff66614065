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


class BlockVia(StrEnum):
    """How a block was made: on the user, or on a post or comment of theirs."""

    user = "user"
    post = "post"
    comment = "comment"


class Block(Base):
    """One way a user blocked someone: a row per (blocker, how), never merged per blocked
    user, so a block made on anonymous content stays unlinked from one made by name.

    `anonymous` is the face the block was made on (an anonymous post or comment): it hides
    only that face's content, the blocked user's anonymous posts and comments; a named block
    hides only named content. Hiding across faces would let a blocker unmask an author by
    blocking and watching what vanishes (docs/ARCHITECTURE.md, Blocks).
    """

    __tablename__ = "blocks"
    __table_args__ = (
        # One block per way: PUT again is a no-op. For `user` blocks via_id is the user.
        Index("uq_blocks_via", "blocker_id", "via_type", "via_id", unique=True),
        # What every filtered read asks: the viewer's blocked (user, face) pairs, index-only.
        Index("ix_blocks_blocker", "blocker_id", "blocked_id", "anonymous"),
        Index("ix_blocks_blocker_list", "blocker_id", text("created_at DESC"), text("id DESC")),
        Index("ix_blocks_blocked", "blocked_id"),
        CheckConstraint("blocker_id <> blocked_id", name="not_self"),
        CheckConstraint("via_type IN ('user', 'post', 'comment')", name="via_type"),
    )

    id: Mapped[UUID] = id_column()
    blocker_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    blocked_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    via_type: Mapped[str] = mapped_column(String(10))
    # The user, post or comment the block was made on; no foreign key: the block outlives
    # the post or comment.
    via_id: Mapped[UUID]
    anonymous: Mapped[bool] = mapped_column(default=False)
    # What the blocker saw when blocking (a post's title, a comment's start), shown in
    # their list; content changed or deleted later leaves it as it was.
    via_label: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = created_at_column()
