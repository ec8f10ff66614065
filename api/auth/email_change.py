"""Changing the email address: a verified member proves it reads the new mailbox.

`request_change` takes the new address and the current password. Every attempt spends
the email-change budget (a few a day per user), committed before the password is
checked; then the password, and only then the address: at one of the school's domains
(signup's rule, api/schools/domains.py, so +tags, letter case and IDNA compare as there)
and no other account's mailbox (`users.email_key`). An address another account has is
409, as signup answers it: signup already tells anyone, unauthenticated, whether an
address has an account, and this endpoint tells less (it takes a verified member of the
school, their password and a budget of a few a day), so answering otherwise would hide
nothing. Nothing changes yet: an `email_changes` row is written with the new address and
the code's expiry (EMAIL_CHANGE_CODE_TTL_SECONDS from the request: the answer says when),
and an outbox event (`email_change_requested`, data: the row's id only). A new request
deletes the pending one, so only the newest change can be confirmed.

The mail handler calls `issue_email_change_mail` in its own transaction: it makes the
6-digit code and the link token, stores only their HMACs (verification's key,
api/auth/verification.py) and returns the mail for the *new* address. The code is plain
only in that return value and the mail.

`confirm` takes the code (or the link token) of the caller's own pending change: it works
until it expires, once, and dies after EMAIL_CHANGE_MAX_ATTEMPTS wrong codes (counted on
the row under a row lock and committed though the request fails); every attempt also
spends the confirm budget. It replaces `email` and `email_key` (409 if another account
took the mailbox meanwhile; 422 if the school no longer takes its domain), marks the new
address verified, retires the account's open password-reset links (they went to the old
mailbox), keeps the old address on the row and records `email_changed`, whose composer
(`issue_email_changed_notice`) mails the old address a short notice and then forgets it.
The access token carries nothing email-related, so tokens stay as they are.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auth.access import require_writer
from api.auth.errors import (
    EmailChangeCodeExpired,
    EmailChangeCodeInvalid,
    EmailUnchanged,
    PasswordIncorrect,
)
from api.auth.models import EmailChange, PasswordReset
from api.auth.passwords import verify_password
from api.auth.schemas import EmailChangeConfirmIn, EmailChangeIn, EmailChangeOut
from api.auth.verification import CODE_DIGITS, keyed_digest
from api.core.db import utcnow
from api.core.emails import parse_email
from api.core.errors import Conflict, InvalidInput, InvalidToken
from api.core.ids import new_id
from api.core.viewer import Viewer
from api.limits import service as limits
from api.limits.service import Limit
from api.outbox import service as outbox
from api.outbox.types import EventType
from api.schools.domains import check_email_domain
from api.users.models import User
from infra.settings import get_settings

# A confirmed change whose notice never went (its event dead-lettered) is deleted by the
# account's next request once it is this old; until then it keeps the old address.
NOTICE_KEEP = timedelta(days=1)
# Kinds in the HMAC's message: a verification's code hash never matches a change's.
CODE, LINK = "change-code", "change-link"


@dataclass(frozen=True)
class EmailChangeMail:
    """The code mail to the new address: the only place the code is plain."""

    to: str
    language: str
    code: str
    link_token: str
    expires_at: datetime


@dataclass(frozen=True)
class EmailChangedNotice:
    """The notice to the old address: where the account's mail goes now, masked."""

    to: str
    language: str
    new_email_masked: str
    changed_at: datetime


def mask(address: str) -> str:
    """`n***@hanbit.ac.kr`: enough for the owner to recognise, little for anyone else."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def request_change(
    session: Session, viewer: Viewer, data: EmailChangeIn, client: str
) -> EmailChangeOut:
    """Record a pending change to `data.new_email`; see the module's docstring."""
    require_writer(session, viewer)
    # Committed first: every attempt counts, wrong passwords too.
    limits.spend_attempt(session, Limit.email_change, address=client, user=viewer.id)
    stored = session.scalar(select(User.password_hash).where(User.id == viewer.id))
    # Hand the connection back while hashing.
    session.commit()
    valid, _ = verify_password(data.password, stored)
    if not valid:
        raise PasswordIncorrect("The password is wrong.", field="password")
    email = parse_email(data.new_email)
    if email is None:  # EmailStr accepted it, so this is not expected
        raise InvalidInput("Not an email address.", field="new_email")
    # The row lock serialises the account's requests and confirmations.
    user = session.scalars(select(User).where(User.id == viewer.id).with_for_update()).first()
    if user is None or user.deleted_at is not None:
        raise InvalidToken("The account no longer exists.")
    if user.email == email.address:
        raise EmailUnchanged("That is already your address.", field="new_email")
    check_email_domain(session, user.school_id, email.domain, field="new_email")
    taken = session.scalar(
        select(User.id).where(User.email_key == email.key, User.id != user.id).limit(1)
    )
    if taken is not None:
        raise Conflict("This email is already registered.", field="new_email")
    now = utcnow()
    # The pending change (if any) is replaced; finished ones, and notices long stuck, go.
    session.execute(
        delete(EmailChange).where(
            EmailChange.user_id == user.id,
            or_(
                EmailChange.confirmed_at.is_(None),
                EmailChange.old_email.is_(None),
                EmailChange.confirmed_at < now - NOTICE_KEEP,
            ),
        )
    )
    ttl = get_settings().email_change_code_ttl_seconds
    change = EmailChange(
        id=new_id(),
        user_id=user.id,
        created_at=now,
        new_email=email.address,
        new_email_key=email.key,
        expires_at=now + timedelta(seconds=ttl),
    )
    session.add(change)
    session.flush()
    outbox.record(
        session,
        EventType.email_change_requested,
        f"users/{user.id}/email-changes/{change.id}",
        {"change_id": str(change.id)},
    )
    return EmailChangeOut(sent_to=change.new_email, expires_at=change.expires_at, expires_in=ttl)


def issue_email_change_mail(session: Session, change_id: UUID) -> EmailChangeMail | None:
    """A fresh code and link token for the change, mailed to its new address, or None when
    there is nothing to send (confirmed, replaced by a newer request, expired, or the
    account is gone). Called by the mail handler inside its own transaction; a later call
    (a retried send) replaces the code, so only the mail that went out works."""
    row = session.scalars(
        select(EmailChange).where(EmailChange.id == change_id).with_for_update()
    ).first()
    if row is None or row.confirmed_at is not None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or user.deleted_at is not None:
        return None
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    link_token = secrets.token_urlsafe(32)
    row.code_hash = keyed_digest(row.id, CODE, code)
    row.link_token_hash = keyed_digest(row.id, LINK, link_token)
    row.attempts = 0  # wrong guesses were against the code this one replaces
    session.flush()
    return EmailChangeMail(
        to=row.new_email,
        language=user.language,
        code=code,
        link_token=link_token,
        expires_at=row.expires_at,
    )


def confirm(session: Session, viewer: Viewer, data: EmailChangeConfirmIn, client: str) -> User:
    """Replace the account's address with its pending change's if the code (or link
    token) is right. A wrong one is counted and committed though the request fails.
    Another account's change is never looked at: only the caller's own row is."""
    settings = get_settings()
    require_writer(session, viewer)
    limits.spend_attempt(session, Limit.email_change_confirm, address=client, user=viewer.id)
    code, link_token = data.code, data.token
    user = session.scalars(select(User).where(User.id == viewer.id).with_for_update()).first()
    if user is None or user.deleted_at is not None:
        raise InvalidToken("The account no longer exists.")
    row = session.scalars(
        select(EmailChange)
        .where(EmailChange.user_id == user.id, EmailChange.confirmed_at.is_(None))
        .order_by(EmailChange.created_at.desc(), EmailChange.id.desc())
        .limit(1)
        .with_for_update()
    ).first()
    now = utcnow()
    if row is None:
        raise EmailChangeCodeExpired("No change of address is pending; ask for one.")
    if row.code_hash is None:
        raise EmailChangeCodeExpired("The code has not been mailed yet; wait for the mail.")
    if row.expires_at <= now:
        raise EmailChangeCodeExpired("The code has expired; ask for the change again.")
    if row.attempts >= settings.email_change_max_attempts:
        raise EmailChangeCodeExpired("Too many wrong codes; ask for the change again.")
    if code is not None:
        right = hmac.compare_digest(keyed_digest(row.id, CODE, code), row.code_hash)
    else:
        assert link_token is not None
        stored = row.link_token_hash or b""
        right = hmac.compare_digest(keyed_digest(row.id, LINK, link_token), stored)
    if not right:
        row.attempts += 1
        left = settings.email_change_max_attempts - row.attempts
        session.commit()  # the wrong guess must count though the request fails
        if left <= 0:
            raise EmailChangeCodeExpired("Too many wrong codes; ask for the change again.")
        raise EmailChangeCodeInvalid(f"{left} tries left.", attempts_left=left)
    new = parse_email(row.new_email)
    assert new is not None  # stored by request_change from a parsed address
    # The school may have dropped the domain since the request.
    check_email_domain(session, user.school_id, new.domain, field="new_email")
    old = user.email
    user.email, user.email_key, user.email_verified_at = row.new_email, row.new_email_key, now
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        # Another account signed up with (or changed to) the mailbox since the request.
        raise Conflict("This email is already registered.", field="new_email") from exc
    # Single use: the hashes go, so nothing stored can confirm again.
    row.confirmed_at = now
    row.code_hash = row.link_token_hash = None
    row.old_email = old
    # Reset links went to the old mailbox, which no longer speaks for the account.
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    outbox.record(
        session,
        EventType.email_changed,
        f"users/{user.id}/email-changes/{row.id}",
        {"change_id": str(row.id)},
    )
    session.flush()
    return user


def issue_email_changed_notice(session: Session, change_id: UUID) -> EmailChangedNotice | None:
    """The notice to the old address of a confirmed change, or None if it went already
    (or the account was closed since). The old address is forgotten with it: the mail
    handler commits this together with its claim once the relay took the message."""
    row = session.scalars(
        select(EmailChange).where(EmailChange.id == change_id).with_for_update()
    ).first()
    if row is None or row.confirmed_at is None or row.old_email is None:
        return None
    user = session.get(User, row.user_id)
    language = user.language if user is not None else "ko"
    notice = EmailChangedNotice(
        to=row.old_email,
        language=language,
        new_email_masked=mask(row.new_email),
        changed_at=row.confirmed_at,
    )
    row.old_email = None
    session.flush()
    return notice


def forget_user(session: Session, user_id: UUID) -> None:
    """Closing the account: its changes, and the addresses on them, go."""
    session.execute(delete(EmailChange).where(EmailChange.user_id == user_id))
