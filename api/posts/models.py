from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Computed, ForeignKey, Index, SmallInteger, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column

# A post with at least this many likes is on its school's HOT list. The partial index
# below is built for this number: change both together, in a migration.
HOT_LIKE_THRESHOLD = 10


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        # Board pages, newest first; hidden posts never appear in lists.
        Index(
            "ix_posts_board_feed",
            "board_id",
            text("created_at DESC"),
            text("id DESC"),
            postgresql_where=text("hidden_at IS NULL"),
        ),
        Index(
            "ix_posts_school_hot",
            "school_id",
            text("created_at DESC"),
            text("id DESC"),
            postgresql_where=text(f"hidden_at IS NULL AND like_count >= {HOT_LIKE_THRESHOLD}"),
        ),
        Index("ix_posts_author_feed", "author_id", text("created_at DESC"), text("id DESC")),
        Index("ix_posts_search_terms", "search_terms", postgresql_using="gin"),
    )

    id: Mapped[UUID] = id_column()
    board_id: Mapped[UUID] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    # Denormalised from the board: search and HOT lists are per school.
    school_id: Mapped[UUID] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    author_id: Mapped[UUID] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(default=False)
    question: Mapped[bool] = mapped_column(default=False)
    like_count: Mapped[int] = mapped_column(default=0, server_default="0")
    comment_count: Mapped[int] = mapped_column(default=0, server_default="0")
    scrap_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Denormalised from attachments: pages of posts without images skip looking for them.
    image_count: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    hidden_at: Mapped[datetime | None]
    # Set by a moderator (api/moderation/): no new comments (409 post-locked).
    locked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime | None]
    # Character bigrams of title and body (see migration 0001): PostgreSQL's text search
    # configurations do not segment Korean, so "학교" must match "학교에서" by n-grams.
    # Deferred: only SQL reads it, and parsing a long post's array in Python is expensive.
    search_terms: Mapped[list[str]] = mapped_column(
        ARRAY(Text),
        Computed("quad_search_terms(title || ' ' || body)", persisted=True),
        deferred=True,
    )


class PostAnonymousAuthor(Base):
    """The number an anonymous commenter carries within one post, stable for the post's life."""

    __tablename__ = "post_anonymous_authors"
    __table_args__ = (Index("uq_post_anonymous_authors_number", "post_id", "number", unique=True),)

    post_id: Mapped[UUID] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    number: Mapped[int]


# Likes and scraps of posts (written by api/reactions/service.py): one row per user and
# post, so repeating one is a no-op. They live with the posts they mark, which read them
# for the viewer's own flags and scrap list.


class PostLike(Base):
    __tablename__ = "post_likes"

    post_id: Mapped[UUID] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    created_at: Mapped[datetime] = created_at_column()


class Scrap(Base):
    __tablename__ = "scraps"
    __table_args__ = (Index("ix_scraps_user_feed", "user_id", text("created_at DESC")),)

    post_id: Mapped[UUID] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    created_at: Mapped[datetime] = created_at_column()
