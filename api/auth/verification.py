"""Email verification: an account proves it reads mail at its school's domain.

Requests never send mail. Signup and a resend write an `email_verifications` row without
a code, and an outbox event (`email_verification_requested`, data: the row's id only).
The mail handler calls `issue_verification_mail` in its own transaction: it makes the
6-digit code and the link token, stores only their HMACs (keyed by a key derived from
the signing key, so a copy of the database alone cannot test a million codes) and the
expiry, and returns what the mail needs. Codes and tokens exist in plaintext only in that
return value and the mail: not in the outbox, not in events, not in the database.

Only an account's newest request can verify it. A code works until it expires
(EMAIL_VERIFICATION_CODE_TTL_SECONDS), once, and dies after
EMAIL_VERIFICATION_MAX_ATTEMPTS wrong codes; issuing the same request again replaces
its code. Wrong codes are counted on the row under a row lock, so guesses made at once
are all counted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.errors import (
    EmailAlreadyVerified,
    VerificationCodeExpired,
    VerificationCodeInvalid,
    VerificationMailLimited,
)
from api.auth.models import EmailVerification
from api.core.db import utcnow
from api.core.errors import InvalidToken
from api.core.ids import new_id
from api.core.viewer import Viewer
from api.outbox import service as outbox
from api.outbox.types import EventType
from api.users.models import User
from infra.settings import get_settings

CODE_DIGITS = 6
DAY = timedelta(days=1)


@dataclass(frozen=True)
class VerificationMail:
    """What the verification mail says and to whom: the only place the code is plain."""

    to: str
    language: str
    code: str
    link_token: str
    expires_at: datetime


_key_cache: tuple[object, bytes] | None = None


def _key() -> bytes:
    global _key_cache
    settings = get_settings()
    cached = _key_cache
    if cached is None or cached[0] is not settings:
        derived = hashlib.sha256(b"quad email verification\0" + settings.signing_key().encode())
        cached = _key_cache = (settings, derived.digest())
    return cached[1]


def keyed_digest(row_id: UUID, kind: str, secret: str) -> bytes:
    """The HMAC a mailed code or token is stored as (email changes' too: their `kind`s
    differ). The row's id in the message: one code's HMAC says nothing about another
    row's."""
    message = f"{row_id}\0{kind}\0{secret}".encode()
    return hmac.new(_key(), message, hashlib.sha256).digest()


def request_verification(session: Session, user_id: UUID) -> UUID:
    """A new request (no code yet) and its event, in the caller's transaction."""
    verification = EmailVerification(id=new_id(), user_id=user_id, created_at=utcnow())
    session.add(verification)
    session.flush()
    outbox.record(
        session,
        EventType.email_verification_requested,
        f"users/{user_id}/email-verifications/{verification.id}",
        {"verification_id": str(verification.id)},
    )
    return verification.id


def _newest(session: Session, user_id: UUID, *, lock: bool) -> EmailVerification | None:
    query = (
        select(EmailVerification)
        .where(EmailVerification.user_id == user_id)
        .order_by(EmailVerification.created_at.desc(), EmailVerification.id.desc())
        .limit(1)
    )
    if lock:
        query = query.with_for_update()
    return session.scalars(query).first()


def issue_verification_mail(session: Session, verification_id: UUID) -> VerificationMail | None:
    """A fresh code and link token for the request, or None when there is nothing to send
    (the account is verified or gone, or a newer request superseded this one). Called by
    the mail handler inside its own transaction; a later call replaces the code, so the
    older mail's code stops working."""
    row = session.scalars(
        select(EmailVerification).where(EmailVerification.id == verification_id).with_for_update()
    ).first()
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.deleted_at is not None or user.email is None:
        return None
    if user.email_verified_at is not None or row.verified_at is not None:
        return None
    newest = _newest(session, row.user_id, lock=False)
    if newest is None or newest.id != row.id:
        return None
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    link_token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(seconds=get_settings().email_verification_code_ttl_seconds)
    row.code_hash = keyed_digest(row.id, "code", code)
    row.link_token_hash = keyed_digest(row.id, "link", link_token)
    row.expires_at = expires_at
    row.attempts = 0  # wrong guesses were against the code this one replaces
    session.flush()
    return VerificationMail(
        to=user.email,
        language=user.language,
        code=code,
        link_token=link_token,
        expires_at=expires_at,
    )


def _locked_account(session: Session, viewer: Viewer) -> User:
    # The row lock serialises an account's verifications and resends.
    user = session.scalars(select(User).where(User.id == viewer.id).with_for_update()).first()
    if user is None or user.deleted_at is not None:
        raise InvalidToken("The account no longer exists.")
    if user.email_verified_at is not None:
        raise EmailAlreadyVerified()
    return user


def resend(session: Session, viewer: Viewer) -> None:
    """Another verification mail, at most one per EMAIL_VERIFICATION_RESEND_INTERVAL_SECONDS
    and EMAIL_VERIFICATION_MAILS_PER_DAY in 24 hours; it retires the codes before it."""
    settings = get_settings()
    user = _locked_account(session, viewer)
    now = utcnow()
    oldest, last, count = session.execute(
        select(
            func.min(EmailVerification.created_at),
            func.max(EmailVerification.created_at),
            func.count(),
        ).where(EmailVerification.user_id == user.id, EmailVerification.created_at > now - DAY)
    ).one()
    if oldest is not None and count >= settings.email_verification_mails_per_day:
        raise VerificationMailLimited(_seconds_until(oldest + DAY, now))
    interval = timedelta(seconds=settings.email_verification_resend_interval_seconds)
    if last is not None and last + interval > now:
        raise VerificationMailLimited(_seconds_until(last + interval, now))
    request_verification(session, user.id)


def _seconds_until(when: datetime, now: datetime) -> int:
    return max(1, int((when - now).total_seconds()) + 1)


def verify(session: Session, viewer: Viewer, code: str | None, link_token: str | None) -> User:
    """Mark the account verified if `code` (or `link_token`) is the newest request's.
    A wrong one is counted and committed even though the request fails."""
    settings = get_settings()
    user = _locked_account(session, viewer)
    row = _newest(session, user.id, lock=True)
    now = utcnow()
    if row is None or row.code_hash is None or row.expires_at is None:
        raise VerificationCodeExpired("No code has been sent yet; wait for the mail or resend.")
    if row.expires_at <= now:
        raise VerificationCodeExpired("The code has expired; ask for a new one.")
    if row.attempts >= settings.email_verification_max_attempts:
        raise VerificationCodeExpired("Too many wrong codes; ask for a new one.")
    if code is not None:
        right = hmac.compare_digest(keyed_digest(row.id, "code", code), row.code_hash)
    else:
        assert link_token is not None
        stored = row.link_token_hash or b""
        right = hmac.compare_digest(keyed_digest(row.id, "link", link_token), stored)
    if not right:
        row.attempts += 1
        left = settings.email_verification_max_attempts - row.attempts
        session.commit()  # the wrong guess must count though the request fails
        if left <= 0:
            raise VerificationCodeExpired("Too many wrong codes; ask for a new one.")
        raise VerificationCodeInvalid(f"{left} tries left.", attempts_left=left)
    # Single use: the hashes go, so nothing stored can verify again.
    row.verified_at = now
    row.code_hash = row.link_token_hash = None
    user.email_verified_at = now
    session.flush()
    return user
