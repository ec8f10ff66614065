"""Password reset by mail, for whoever reads the account's mailbox.

A request (`request_reset`) must not tell whether an account has the address: it does the
same work either way. It spends the password-reset budget (per email key and per client
address), prunes a few old requests, and writes a `password_resets` row keyed by the
canonical email with an outbox event (`password_reset_requested`, data: the row's id
only). Nothing in the request looks the account up.

The mail handler calls `issue_password_reset_mail` in its own transaction: it resolves the
account then (none, or closed: nothing is sent), makes the link token, stores only its
SHA-256 (a random 256-bit token needs no key or slow hash) with the account and the
expiry (PASSWORD_RESET_TOKEN_TTL_SECONDS), and returns what the mail needs. The token is
plain only in that return value and the mail.

The request's equal cost holds where the mail is made by another process, as in the
cloud (the event is published the same way either way). Under `make run` the in-process
bus makes the mail right after the commit, inside the request, so there a known address
answers later; that bus is for local runs only.

`confirm` sets the new password for a token that is unused and unexpired, once: the
token, and every other reset link of the account, stop working, and every session of the
account is revoked (its refresh tokens at once, its access tokens' writes at once; reads
until they expire). A used, expired or unknown token is 422 `password-reset-token-invalid`.
Using the link proves its user reads the account's mailbox, so it also lifts the login
lock on the address (api/auth/throttle.py: `clear_locks`) and verifies an unverified
account whose address is still at one of its school's domains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from api.auth import service, throttle, tokens
from api.auth.errors import PasswordResetTokenInvalid
from api.auth.models import PasswordReset
from api.auth.passwords import hash_password
from api.core.db import utcnow
from api.core.emails import parse_email
from api.core.ids import new_id
from api.limits import service as limits
from api.limits.service import Limit
from api.outbox import service as outbox
from api.outbox.types import EventType
from api.schools import domains
from api.users.models import User
from infra.settings import get_settings

# Requests are kept this long (a day: far past any token's life), then pruned.
KEEP = timedelta(days=1)
PRUNE_BATCH = 4

_prune = text(
    """DELETE FROM password_resets WHERE id IN (
    SELECT id FROM password_resets WHERE created_at < :before
    LIMIT :batch FOR UPDATE SKIP LOCKED)"""
)


@dataclass(frozen=True)
class PasswordResetMail:
    """What the reset mail says and to whom: the only place the token is plain."""

    to: str
    language: str
    link_token: str
    expires_at: datetime


def request_reset(session: Session, email: str, client: str) -> None:
    """Record a reset request for `email`, known or not: the same statements either way."""
    parsed = parse_email(email)
    key = parsed.key if parsed is not None else email.lower()
    # Counted (and committed) first: every request counts, whatever becomes of it.
    limits.spend_attempt(session, Limit.password_reset, address=client, user=key)
    now = utcnow()
    session.execute(_prune, {"before": now - KEEP, "batch": PRUNE_BATCH})
    reset = PasswordReset(id=new_id(), email_key=key, created_at=now)
    session.add(reset)
    outbox.record(
        session,
        EventType.password_reset_requested,
        f"password-resets/{reset.id}",
        {"reset_id": str(reset.id)},
    )


def issue_password_reset_mail(session: Session, reset_id: UUID) -> PasswordResetMail | None:
    """A fresh link token for the request, or None when there is nothing to send (no
    account has the address, it is closed, or the request was used). Called by the mail
    handler inside its own transaction; a later call replaces the token, so an older
    mail's link stops working."""
    row = session.scalars(
        select(PasswordReset).where(PasswordReset.id == reset_id).with_for_update()
    ).first()
    if row is None or row.used_at is not None:
        return None
    user = session.execute(
        select(User.id, User.email, User.language).where(
            User.email_key == row.email_key, User.deleted_at.is_(None)
        )
    ).first()
    if user is None or user.email is None:
        return None
    token, digest = tokens.new_opaque_token()
    expires_at = utcnow() + timedelta(seconds=get_settings().password_reset_token_ttl_seconds)
    row.user_id = user.id
    row.token_hash = digest
    row.expires_at = expires_at
    session.flush()
    return PasswordResetMail(
        to=user.email, language=user.language, link_token=token, expires_at=expires_at
    )


def _usable(digest: bytes, now: datetime):
    return select(PasswordReset).where(
        PasswordReset.token_hash == digest,
        PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > now,
        PasswordReset.user_id.is_not(None),
    )


def confirm(session: Session, token: str, new_password: str) -> None:
    """Set the account's new password with a mailed token; see the module's docstring."""
    digest = tokens.hash_opaque_token(token)
    if session.scalars(_usable(digest, utcnow())).first() is None:
        raise PasswordResetTokenInvalid()
    # Hand the connection back while hashing; the token is checked again, locked, after.
    session.commit()
    hashed = hash_password(new_password)
    now = utcnow()
    row = session.scalars(_usable(digest, now).with_for_update()).first()
    if row is None:  # used (or expired) while we hashed
        raise PasswordResetTokenInvalid()
    assert row.user_id is not None
    changed = session.execute(
        update(User)
        .where(User.id == row.user_id, User.deleted_at.is_(None))
        .values(password_hash=hashed)
        .returning(User.email, User.email_key, User.school_id, User.email_verified_at)
    ).first()
    if changed is None or changed.email is None:
        raise PasswordResetTokenInvalid("The account no longer exists.")
    # The link reached the account's mailbox: its owner reads it. The lock guessing put on
    # the address goes, and an unverified account whose address the school still takes is
    # verified, as its code would have done (unless the address changed since the mail).
    parsed = parse_email(changed.email)
    throttle.clear_locks(session, parsed.address if parsed is not None else changed.email)
    if (
        changed.email_verified_at is None
        and changed.email_key == row.email_key
        and domains.allows(session, changed.school_id, changed.email)
    ):
        session.execute(update(User).where(User.id == row.user_id).values(email_verified_at=now))
    # Single use, and the account's other reset links die with it.
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == row.user_id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    service.revoke_all_for_user(session, row.user_id)
