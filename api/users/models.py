from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column


class User(Base):
    """A member of one school. Deleting an account clears its personal data but keeps
    the row, so the user's posts and comments stay and show "(deleted)" as author."""

    __tablename__ = "users"
    __table_args__ = (
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
        Index("uq_users_nickname_lower", func.lower(text("nickname")), unique=True),
        CheckConstraint("language IN ('ko', 'en')", name="language"),
    )

    id: Mapped[UUID] = id_column()
    email: Mapped[str | None] = mapped_column(String(320))
    # One account per mailbox: the email without its +tag (api/core/emails.py), unique.
    email_key: Mapped[str | None] = mapped_column(String(320), unique=True)
    # NULL until the account proved it reads mail at its school's domain; until then it
    # may only sign in, read itself, verify and leave (api/auth/access.py).
    email_verified_at: Mapped[datetime | None]
    # The language of the mails the account gets: "ko" or "en".
    language: Mapped[str] = mapped_column(String(2), default="ko", server_default="ko")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    nickname: Mapped[str | None] = mapped_column(String(30))
    school_id: Mapped[UUID] = mapped_column(ForeignKey("schools.id"), index=True)
    department_id: Mapped[UUID | None] = mapped_column(ForeignKey("departments.id"))
    created_at: Mapped[datetime] = created_at_column()
    deleted_at: Mapped[datetime | None]
    # Exact under concurrency: moved only when a follow or friendship row really changed.
    follower_count: Mapped[int] = mapped_column(default=0, server_default="0")
    following_count: Mapped[int] = mapped_column(default=0, server_default="0")
    friend_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Unused since login failures moved to their own table (migration 0008); deferred, so
    # never loaded. Kept while a deployed revision may still read them (migrations expand
    # first, contract in a later release: cloudbuild.yaml), then dropped.
    failed_logins: Mapped[int] = mapped_column(server_default="0", deferred=True)
    locked_until: Mapped[datetime | None] = mapped_column(deferred=True)
    # Set by a moderator (api/moderation/): until then the account signs in and reads but
    # does not write (api/auth/access.py compares it with now, so it ends by itself);
    # 'infinity' for a suspension without end. Deferred: the driver has no datetime for
    # 'infinity', so only SQL reads it (NULLIF(suspended_until, 'infinity')).
    suspended_until: Mapped[datetime | None] = mapped_column(deferred=True)


class RoleName(StrEnum):
    moderator = "moderator"  # of one school: moderates all of it
    admin = "admin"  # of the whole platform (no school): moderates everywhere, grants roles


class Role(Base):
    """A role an account holds now (api/moderation/ grants and revokes them, and keeps
    the record of every change). Here, below the boards, because a board's rules ask who
    moderates it (api/boards/service.py); every check reads this table, never the token,
    so a revoked role stops at once."""

    __tablename__ = "moderation_roles"
    __table_args__ = (
        CheckConstraint(
            "(role = 'moderator' AND school_id IS NOT NULL) "
            "OR (role = 'admin' AND school_id IS NULL)",
            name="scope",
        ),
        # One row per account and school (moderators), one per account (admins).
        Index(
            "uq_moderation_roles_moderator",
            "user_id",
            "school_id",
            unique=True,
            postgresql_where=text("school_id IS NOT NULL"),
        ),
        Index(
            "uq_moderation_roles_admin",
            "user_id",
            unique=True,
            postgresql_where=text("school_id IS NULL"),
        ),
        Index("ix_moderation_roles_school_id", "school_id"),
    )

    id: Mapped[UUID] = id_column()
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    school_id: Mapped[UUID | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = created_at_column()
