"""Signup, login with throttling, refresh-token rotation with reuse detection, logout."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from uuid import UUID

from pwdlib import PasswordHash
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth import tokens
from api.auth.models import RefreshToken
from api.auth.schemas import LoginIn, SignupIn, TokenPair
from api.core.db import utcnow, violated_constraint
from api.core.errors import (
    AccountLocked,
    Conflict,
    InvalidCredentials,
    InvalidInput,
    InvalidToken,
    RefreshTokenReused,
)
from api.core.ids import new_id
from api.events import service as events
from api.events.types import EventType
from api.schools.models import Department, School
from api.users.models import User
from infra.settings import get_settings

password_hash = PasswordHash.recommended()  # argon2id


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so both cases take the same time.
    Made on first use: hashing is deliberately slow and start-up should not be."""
    return password_hash.hash("not-a-real-password")


def signup(session: Session, data: SignupIn) -> User:
    if session.get(School, data.school_id) is None:
        raise InvalidInput("Unknown school.", field="school_id")
    if data.department_id is not None:
        dept = session.get(Department, data.department_id)
        if dept is None or dept.school_id != data.school_id:
            raise InvalidInput("Unknown department for this school.", field="department_id")
    user = User(
        id=new_id(),
        email=data.email.lower(),
        password_hash=password_hash.hash(data.password),
        nickname=data.nickname,
        school_id=data.school_id,
        department_id=data.department_id,
    )
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise _taken(exc) from exc
    events.record(
        session,
        EventType.user_signed_up,
        f"users/{user.id}",
        {"user_id": str(user.id), "school_id": str(user.school_id)},
    )
    return user


def _taken(exc: IntegrityError) -> Conflict:
    if violated_constraint(exc) == "uq_users_email_lower":
        return Conflict("This email is already registered.", field="email")
    return Conflict("This nickname is taken.", field="nickname")


def login(session: Session, data: LoginIn) -> TokenPair:
    settings = get_settings()
    user = session.execute(
        select(User)
        .where(func.lower(User.email) == data.email.lower(), User.deleted_at.is_(None))
        .with_for_update()
    ).scalar_one_or_none()
    if user is None or user.password_hash is None:
        password_hash.verify(data.password, _dummy_hash())
        raise InvalidCredentials()
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        raise AccountLocked(int((user.locked_until - now).total_seconds()) + 1)
    valid, new_hash = password_hash.verify_and_update(data.password, user.password_hash)
    if not valid:
        user.failed_logins += 1
        over = user.failed_logins - settings.login_max_failures
        if over >= 0:
            lock = min(settings.login_lock_seconds * 2**over, settings.login_lock_max_seconds)
            user.locked_until = now + timedelta(seconds=lock)
        # The failure must be remembered even though the request fails.
        session.commit()
        raise InvalidCredentials()
    user.failed_logins = 0
    user.locked_until = None
    if new_hash:
        user.password_hash = new_hash
    return _issue(session, user, family_id=new_id())


def _issue(session: Session, user: User, family_id: UUID) -> TokenPair:
    settings = get_settings()
    token, digest = tokens.new_refresh_token()
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=digest,
            expires_at=utcnow() + timedelta(seconds=settings.refresh_token_ttl_seconds),
        )
    )
    return TokenPair(
        access_token=tokens.issue_access_token(user.id, user.school_id),
        expires_in=settings.access_token_ttl_seconds,
        refresh_token=token,
        refresh_expires_in=settings.refresh_token_ttl_seconds,
    )


def refresh(session: Session, refresh_token: str) -> TokenPair:
    row = session.execute(
        select(RefreshToken)
        .where(RefreshToken.token_hash == tokens.hash_refresh_token(refresh_token))
        .with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise InvalidToken("Unknown refresh token.")
    now = utcnow()
    if row.rotated_at is not None or row.revoked_at is not None:
        if row.rotated_at is not None:
            # A rotated token came back: someone holds a copy. End the whole session.
            _revoke_family(session, row.family_id)
            session.commit()
            raise RefreshTokenReused()
        raise InvalidToken("The session was logged out.")
    if row.expires_at <= now:
        raise InvalidToken("The refresh token has expired.")
    user = session.get(User, row.user_id)
    if user is None or user.deleted_at is not None:
        raise InvalidToken("The account no longer exists.")
    row.rotated_at = now
    return _issue(session, user, family_id=row.family_id)


def logout(session: Session, refresh_token: str) -> None:
    """Revoke the session the token belongs to. Unknown tokens are ignored (idempotent)."""
    family = session.execute(
        select(RefreshToken.family_id).where(
            RefreshToken.token_hash == tokens.hash_refresh_token(refresh_token)
        )
    ).scalar_one_or_none()
    if family is not None:
        _revoke_family(session, family)


def _revoke_family(session: Session, family_id: UUID) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_all_for_user(session: Session, user_id: UUID) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
