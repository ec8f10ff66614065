"""Login throttling in `login_failures`, by email and client address together.

Failures are counted per (lower-cased email, address) whether or not the email has an
account: an address that fails LOGIN_MAX_FAILURES times is locked out of that email for
LOGIN_LOCK_SECONDS, doubling with each further failure, while the owner elsewhere still
gets in. Every failure also counts towards the email's total from all addresses; at
LOGIN_ACCOUNT_MAX_FAILURES within LOGIN_FAILURE_WINDOW_SECONDS the email is locked
everywhere until that window ends (guessing from many addresses), except from the
addresses it logged in from within LOGIN_KNOWN_ADDRESS_SECONDS: an attacker who knows the
email can lock out the addresses it never used, never the owner's own. Known and unknown
emails take exactly the same path, so the answers cannot tell them apart.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, exists, func, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from api.auth.models import ALL_CLIENTS, KNOWN_CLIENT, LoginFailure
from api.core.db import table_of
from infra.settings import Settings

_table = table_of(LoginFailure)
_c = _table.c
_known = _table.alias("known")
# Expired rows deleted with each recorded failure, which adds at most two: the table
# shrinks back however fast it grew.
PRUNE_BATCH = 100


def locked_for(session: Session, email: str, client: str, now: datetime) -> int | None:
    """Seconds until `client` may try `email` again, or None if it may now."""
    known_here = exists().where(
        _known.c.email == email,
        _known.c.client == known_client(client),
        _known.c.expires_at > now,
    )
    until = session.scalar(
        select(func.max(_c.locked_until)).where(
            _c.email == email,
            _c.locked_until > now,
            or_(_c.client == client, and_(_c.client == ALL_CLIENTS, ~known_here)),
        )
    )
    if until is None:
        return None
    return int((until - now).total_seconds()) + 1


def record_failure(
    session: Session, email: str, client: str, now: datetime, settings: Settings
) -> None:
    window_end = now + timedelta(seconds=settings.login_failure_window_seconds)
    # This address: its failures since its last success, forgotten a window after the
    # last one (or when its lock ends, if later).
    failures, _ = _count(session, email, client, now, window_end, sliding=True)
    over = failures - settings.login_max_failures
    if over >= 0:
        lock = settings.login_lock_seconds * 2 ** min(over, 30)
        lock = min(lock, settings.login_lock_max_seconds)
        _lock(session, email, client, now + timedelta(seconds=lock))
    # All addresses: a fixed window from the first failure in it.
    failures, ends = _count(session, email, ALL_CLIENTS, now, window_end, sliding=False)
    if failures >= settings.login_account_max_failures:
        _lock(session, email, ALL_CLIENTS, ends)
    _prune(session, now)


def _count(
    session: Session, email: str, client: str, now: datetime, end: datetime, *, sliding: bool
) -> tuple[int, datetime]:
    """One more failure on the row, started anew if it had expired; its (failures,
    expires_at). The row ends at `end`: set on every failure if `sliding`, else only when
    the row starts."""
    stale = _c.expires_at <= now
    row = insert(_table).values(
        email=email, client=client, failures=1, locked_until=None, expires_at=end
    )
    row = row.on_conflict_do_update(
        index_elements=[_c.email, _c.client],
        set_={
            "failures": case((stale, 1), else_=_c.failures + 1),
            "locked_until": case((stale, None), else_=_c.locked_until),
            "expires_at": end if sliding else case((stale, end), else_=_c.expires_at),
        },
    )
    return session.execute(row.returning(_c.failures, _c.expires_at)).one()


def _lock(session: Session, email: str, client: str, until: datetime) -> None:
    # greatest(): of two failures at once, the one counted first must not shorten the
    # other's lock.
    session.execute(
        update(_table)
        .where(_c.email == email, _c.client == client)
        .values(
            locked_until=func.greatest(_c.locked_until, until),
            expires_at=func.greatest(_c.expires_at, until),
        )
    )


def _prune(session: Session, now: datetime) -> None:
    # SKIP LOCKED: rows another login is updating right now are left for the next prune.
    expired = (
        select(_c.email, _c.client)
        .where(_c.expires_at <= now)
        .limit(PRUNE_BATCH)
        .with_for_update(skip_locked=True)
    )
    session.execute(delete(_table).where(tuple_(_c.email, _c.client).in_(expired)))


def clear(session: Session, email: str, client: str, now: datetime, settings: Settings) -> None:
    """A successful login forgets that address's failures (not the all-addresses count),
    and makes it a known address of the email, which the all-addresses lock spares."""
    session.execute(delete(_table).where(_c.email == email, _c.client == client))
    known_until = now + timedelta(seconds=settings.login_known_address_seconds)
    row = insert(_table).values(
        email=email,
        client=known_client(client),
        failures=0,
        locked_until=None,
        expires_at=known_until,
    )
    session.execute(
        row.on_conflict_do_update(
            index_elements=[_c.email, _c.client], set_={"expires_at": known_until}
        )
    )


def known_client(client: str) -> str:
    """The `client` of the row that marks `client` as a known address of the email."""
    return KNOWN_CLIENT + client[:63]


def clear_locks(session: Session, email: str) -> None:
    """Forget every failure and lock of `email`, from every address and the all-addresses
    count (a password reset proved the mailbox's owner is back); its known addresses
    stay known."""
    session.execute(
        delete(_table).where(
            _c.email == email, ~_c.client.startswith(KNOWN_CLIENT, autoescape=True)
        )
    )
