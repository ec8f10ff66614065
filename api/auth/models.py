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


class EmailVerification(Base):
    """One request to verify an account's email (signup, or a resend).

    The row is written without a code; the mail handler calls
    `api.auth.verification.issue_verification_mail`, which sets a new code and link token
    (only their HMACs are stored) and the expiry. Only an account's newest row can verify
    it: a resend retires the codes before it.
    """

    __tablename__ = "email_verifications"
    __table_args__ = (Index("ix_email_verifications_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[UUID] = id_column()
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = created_at_column()
    code_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    link_token_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    expires_at: Mapped[datetime | None]
    # Wrong codes against the current code; at EMAIL_VERIFICATION_MAX_ATTEMPTS it is dead.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    verified_at: Mapped[datetime | None]


class PasswordReset(Base):
    """One request to reset the password of whoever has an email (a key, as
    `api.core.emails` makes them), written whether or not an account has it, so that a
    request for a known address and one for an unknown address do the same work.

    The mail handler calls `api.auth.recovery.issue_password_reset_mail`: it resolves the
    account then (none: nothing is sent, and the row never gets a token), stores it in
    `user_id` with the SHA-256 of a new link token and the expiry. The token is plain only
    in the mail. Used once (`used_at`); rows are pruned a day after they were made.
    """

    __tablename__ = "password_resets"
    __table_args__ = (Index("ix_password_resets_created_at", "created_at"),)

    id: Mapped[UUID] = id_column()
    email_key: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = created_at_column()
    user_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32), unique=True)
    expires_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]


# Not an address: the row counting an email's failures from every address.
ALL_CLIENTS = "*"
# Prefixed to an address: the row (failures 0) saying the email logged in from there.
KNOWN_CLIENT = "+"


class EmailChange(Base):
    """One request to change an account's email address to `new_email`.

    Written with the code's expiry and without a code; the mail handler calls
    `api.auth.email_change.issue_email_change_mail`, which sets a new code and link token
    (only their HMACs are stored) and mails them to the new address. An account has at
    most one pending change (`confirmed_at` NULL): a new request deletes the one before.
    Confirming replaces the account's address and keeps the old one in `old_email` only
    until the notice to it is sent; the row then holds no address but the new one.
    """

    __tablename__ = "email_changes"

    id: Mapped[UUID] = id_column()
    user_id: Mapped[UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = created_at_column()
    new_email: Mapped[str] = mapped_column(String(320))
    new_email_key: Mapped[str] = mapped_column(String(320))
    code_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    link_token_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    expires_at: Mapped[datetime]
    # Wrong codes against the current code; at EMAIL_CHANGE_MAX_ATTEMPTS it is dead.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    confirmed_at: Mapped[datetime | None]
    old_email: Mapped[str | None] = mapped_column(String(320))
