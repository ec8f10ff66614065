from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, created_at_column, id_column


class RefreshToken(Base):
    """One refresh token; rotation creates the next one in the same family.

    Only a SHA-256 of the token is stored. Presenting a token that was already rotated
    means it leaked: the whole family is revoked.
    """

    __tablename__ = "refresh_tokens"

    id: Mapped[UUID] = id_column()
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[UUID] = mapped_column(index=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime]
    rotated_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LoginFailure(Base):
    """Failed logins for one email (lower-cased, whether or not an account has it), from
    one client address, or from all addresses when `client` is `ALL_CLIENTS`; a row whose
    `client` starts with `KNOWN_CLIENT` says the email logged in from that address.

    A row is forgotten once `expires_at` passes: rows are upserted with each failure and
    expired ones pruned then, a few at a time. In the database so every API instance sees
    the same counts and locks.
    """

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_expires_at", "expires_at"),)

    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int]
    locked_until: Mapped[datetime | None]
    expires_at: Mapped[datetime]


# Not an address: the row counting an email's failures from every address.
ALL_CLIENTS = "*"
# Prefixed to an address: the row (failures 0) saying the email logged in from there.
KNOWN_CLIENT = "+"
