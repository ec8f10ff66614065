"""Signup (at the school's email domains, unverified until the mailed code is entered),
login with throttling, refresh-token rotation with reuse detection, logout (a session is
a refresh-token family), listing and ending sessions, changing the password, and closing
the account (the reverse of signup: it also forgets the account's social graph)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth import email_change, throttle, tokens, verification
from api.auth.access import require_account
from api.auth.errors import (
    AccountLocked,
    InvalidCredentials,
    PasswordIncorrect,
    RefreshTokenReused,
    SessionNotFound,
)
from api.auth.models import RefreshToken
from api.auth.passwords import hash_password, verify_password
from api.auth.schemas import (
    LoginIn,
    PasswordChangeIn,
    SessionOut,
    SessionsOut,
    SignupIn,
    TokenPair,
)
from api.core.db import utcnow, violated_constraint
from api.core.emails import parse_email
from api.core.errors import Conflict, InvalidInput, InvalidToken
from api.core.ids import new_id
from api.core.viewer import Viewer
from api.limits import service as limits
from api.limits.service import Limit
from api.outbox import service as outbox
from api.outbox.types import EventType
from api.schools.domains import check_email_domain
from api.schools.models import Department, School
from api.social import service as social_service
from api.users.models import User
from infra.settings import get_settings


def signup(session: Session, data: SignupIn) -> User:
    """A new, unverified account at one of the school's email domains, and a request for
    its verification mail (written, not sent: the mail handler sends it)."""
    # Hashed first, before the session holds a connection: waiting for a hashing slot
    # (or being refused one) then keeps none.
    hashed = hash_password(data.password)
    email = parse_email(data.email)
    if email is None:  # EmailStr accepted it, so this is not expected
        raise InvalidInput("Not an email address.", field="email")
    if session.get(School, data.school_id) is None:
        raise InvalidInput("Unknown school.", field="school_id")
    check_email_domain(session, data.school_id, email.domain)
    if data.department_id is not None:
        dept = session.get(Department, data.department_id)
        if dept is None or dept.school_id != data.school_id:
            raise InvalidInput("Unknown department for this school.", field="department_id")
    user = User(
        id=new_id(),
        email=email.address,
        email_key=email.key,
        password_hash=hashed,
        nickname=data.nickname,
        school_id=data.school_id,
        department_id=data.department_id,
        language=data.language,
    )
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise _taken(exc) from exc
    outbox.record(
        session,
        EventType.user_signed_up,
        f"users/{user.id}",
        {"user_id": str(user.id), "school_id": str(user.school_id)},
    )
    verification.request_verification(session, user.id)
    return user


def _taken(exc: IntegrityError) -> Conflict:
    if violated_constraint(exc) in ("uq_users_email_lower", "uq_users_email_key"):
        # The key is the address without its +tag: one account per mailbox.
        return Conflict("This email is already registered.", field="email")
    return Conflict("This nickname is taken.", field="nickname")


def login(session: Session, data: LoginIn, client: str) -> TokenPair:
    """Tokens for the right password. Every attempt spends the client's login budget
    (api/limits/); failures are throttled by email and client key (api/auth/throttle.py);
    unknown emails go through exactly the same steps."""
    settings = get_settings()
    parsed = parse_email(data.email)
    email = parsed.address if parsed is not None else data.email.lower()
    # Committed with the commit before hashing (or the lock's): every attempt counts.
    limits.spend(session, Limit.login, address=client)
    now = utcnow()
    retry_after = throttle.locked_for(session, email, client, now)
    if retry_after is not None:
        session.commit()
        raise AccountLocked(retry_after)
    # Addresses stored before domains were kept in ASCII may have a Unicode domain.
    spellings = {email, data.email.lower()}
    user = session.execute(
        select(User.id, User.school_id, User.password_hash, User.email_verified_at).where(
            func.lower(User.email).in_(spellings), User.deleted_at.is_(None)
        )
    ).first()
    stored = user.password_hash if user is not None else None
    # Hand the connection back while hashing (and while waiting for a slot): the work
    # needs none, and an overloaded refusal then has nothing to undo.
    session.commit()
    valid, new_hash = verify_password(data.password, stored)
    if not valid:
        throttle.record_failure(session, email, client, utcnow(), settings)
        # The failure must be remembered even though the request fails.
        session.commit()
        raise InvalidCredentials()
    assert user is not None  # a valid password means a stored hash, so an account
    throttle.clear(session, email, client, utcnow(), settings)
    if new_hash:
        # Unless the password changed meanwhile.
        session.execute(
            update(User)
            .where(User.id == user.id, User.password_hash == stored)
            .values(password_hash=new_hash)
        )
    verified = user.email_verified_at is not None
    return _issue(session, user.id, user.school_id, verified, family_id=new_id())


def issue_tokens(session: Session, user: User) -> TokenPair:
    """A new session's token pair for `user` (signup, verification)."""
    verified = user.email_verified_at is not None
    return _issue(session, user.id, user.school_id, verified, family_id=new_id())


def _issue(
    session: Session, user_id: UUID, school_id: UUID, verified: bool, family_id: UUID
) -> TokenPair:
    settings = get_settings()
    token, digest = tokens.new_opaque_token()
    session.add(
        RefreshToken(
            user_id=user_id,
            family_id=family_id,
            token_hash=digest,
            expires_at=utcnow() + timedelta(seconds=settings.refresh_token_ttl_seconds),
        )
    )
    return TokenPair(
        access_token=tokens.issue_access_token(
            user_id, school_id, verified=verified, session_id=family_id
        ),
        expires_in=settings.access_token_ttl_seconds,
        refresh_token=token,
        refresh_expires_in=settings.refresh_token_ttl_seconds,
    )


def refresh(session: Session, refresh_token: str) -> TokenPair:
    row = session.execute(
        select(RefreshToken)
        .where(RefreshToken.token_hash == tokens.hash_opaque_token(refresh_token))
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
    verified = user.email_verified_at is not None
    return _issue(session, user.id, user.school_id, verified, family_id=row.family_id)


def logout(session: Session, viewer: Viewer, refresh_token: str) -> None:
    """Revoke the caller's session: the refresh token must be the caller's, and of the
    session its access token names (a token without `sid` may end any of its account's
    sessions). Anyone else's token, or an unknown one, is 404 `session-not-found` and
    revokes nothing: a stolen refresh token alone cannot end its owner's session, and the
    answer does not say whether the token exists. Logging out twice is fine (204)."""
    row = session.execute(
        select(RefreshToken.user_id, RefreshToken.family_id).where(
            RefreshToken.token_hash == tokens.hash_opaque_token(refresh_token)
        )
    ).first()
    if (
        row is None
        or row.user_id != viewer.id
        or (viewer.session_id is not None and row.family_id != viewer.session_id)
    ):
        raise SessionNotFound("This refresh token is not of your session.")
    _revoke_family(session, row.family_id)


def _revoke_family(session: Session, family_id: UUID) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_all_for_user(session: Session, user_id: UUID, *, keep: UUID | None = None) -> None:
    """Revoke every session of the account, but `keep` (the caller's) if given."""
    query = update(RefreshToken).where(
        RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(RefreshToken.family_id != keep)
    session.execute(query.values(revoked_at=utcnow()))


# Sessions listed at most: a session lives while its refresh token does (14 days), so an
# account has this many only if it signs in anew all the time.
MAX_SESSIONS = 100


def list_sessions(session: Session, viewer: Viewer) -> SessionsOut:
    """The account's live sessions, most recently used first: a family none of whose rows
    is revoked and whose newest token is unexpired. No token material."""
    newest = func.max(RefreshToken.created_at)
    rows = session.execute(
        select(RefreshToken.family_id, func.min(RefreshToken.created_at), newest)
        .where(RefreshToken.user_id == viewer.id)
        .group_by(RefreshToken.family_id)
        .having(
            func.bool_and(RefreshToken.revoked_at.is_(None)),
            func.bool_or(
                and_(RefreshToken.rotated_at.is_(None), RefreshToken.expires_at > func.now())
            ),
        )
        .order_by(newest.desc(), RefreshToken.family_id)
        .limit(MAX_SESSIONS)
    ).all()
    return SessionsOut(
        items=[
            SessionOut(
                id=family_id,
                created_at=created,
                last_used_at=used,
                current=family_id == viewer.session_id,
            )
            for family_id, created, used in rows
        ]
    )


def revoke_other_sessions(session: Session, viewer: Viewer) -> None:
    """Log out everywhere else: every session of the account but the caller's (a token
    without `sid` cannot say which is the caller's, so every session goes, as a password
    change does)."""
    revoke_all_for_user(session, viewer.id, keep=viewer.session_id)


def revoke_session(session: Session, viewer: Viewer, session_id: UUID) -> None:
    """End one of the caller's sessions (the caller's own too: that is logging out).
    Another account's or an unknown one is 404 `session-not-found`, revoking nothing;
    ending an ended one is fine."""
    mine = session.scalar(
        select(RefreshToken.id)
        .where(RefreshToken.family_id == session_id, RefreshToken.user_id == viewer.id)
        .limit(1)
    )
    if mine is None:
        raise SessionNotFound("No such session of yours.")
    _revoke_family(session, session_id)


def change_password(session: Session, viewer: Viewer, data: PasswordChangeIn, client: str) -> None:
    """Set a new password if `current_password` is right, and revoke every other session of
    the account (the caller's stays; a token without `sid` cannot say which is the
    caller's, so every session goes). Every attempt spends the password-change budget,
    committed before any hashing; the connection goes back to the pool while hashing."""
    require_account(session, viewer)
    limits.spend_attempt(session, Limit.password_change, address=client, user=viewer.id)
    stored = session.scalar(select(User.password_hash).where(User.id == viewer.id))
    session.commit()
    valid, _ = verify_password(data.current_password, stored)
    if not valid:
        raise PasswordIncorrect("The current password is wrong.", field="current_password")
    hashed = hash_password(data.new_password)
    changed = session.execute(
        update(User)
        .where(User.id == viewer.id, User.deleted_at.is_(None), User.password_hash == stored)
        .values(password_hash=hashed)
        .returning(User.id)
    ).first()
    if changed is None:
        raise Conflict("The password changed meanwhile; try again.")
    revoke_all_for_user(session, viewer.id, keep=viewer.session_id)


def delete_me(session: Session, viewer: Viewer) -> None:
    """Close the account: personal data goes, content stays and shows "(deleted)"."""
    social_service.forget_user(session, viewer.id)
    email_change.forget_user(session, viewer.id)
    session.execute(
        update(User)
        .where(User.id == viewer.id, User.deleted_at.is_(None))
        .values(
            deleted_at=utcnow(),
            email=None,
            email_key=None,
            password_hash=None,
            nickname=None,
        )
    )
    revoke_all_for_user(session, viewer.id)
