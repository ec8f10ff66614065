"""Writes that are safe to retry: the `Idempotency-Key` header (draft-ietf-httpapi-
idempotency-key-header).

A create marked with a key claims it in the write's own transaction, before its work,
and stores its answer there before the commit: the first request with a key does the
work, and every later one with the same key and the same request gets the first answer
again, without a second effect, for `IDEMPOTENCY_KEY_TTL_SECONDS`. Keys are the user's
own (another user's identical key is another key).

A retry that arrives while the first request is still in flight waits for it on the key's
row (PostgreSQL's unique index makes the second insert wait for the first transaction)
and then replays its answer, so concurrent retries all get the one answer; one that
waited `IDEMPOTENCY_WAIT_SECONDS` without the first finishing answers 409
`idempotency-key-in-flight`. The same key with another method, path or body is 422
`idempotency-key-reused`. State is in PostgreSQL, so every instance sees every key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from api.idempotency.errors import IdempotencyKeyInFlight, IdempotencyKeyReused
from infra.database import sqlstate
from infra.settings import get_settings

LOCK_NOT_AVAILABLE = "55P03"  # lock_timeout ran out
# Expired keys deleted by each claim: more than the one it adds.
PRUNE_BATCH = 4


@dataclass(frozen=True)
class Idempotency:
    """A request's key, and what identifies the request itself."""

    key: str
    fingerprint: str

    @classmethod
    def of(cls, key: str, method: str, path: str, body: bytes) -> Idempotency:
        digest = hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()
        return cls(key, digest)


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


_CLAIM = text(
    """WITH pruned AS (
    DELETE FROM idempotency_keys WHERE (user_id, key) IN (
        SELECT user_id, key FROM idempotency_keys
        WHERE expires_at <= now() AND NOT (user_id = :user_id AND key = :key)
        LIMIT :prune FOR UPDATE SKIP LOCKED)
)
INSERT INTO idempotency_keys AS k (user_id, key, fingerprint, expires_at)
VALUES (:user_id, :key, :fingerprint, now() + :ttl * interval '1 second')
ON CONFLICT (user_id, key) DO UPDATE SET
    fingerprint = excluded.fingerprint, expires_at = excluded.expires_at,
    status = NULL, body = NULL
    WHERE k.expires_at <= now()
RETURNING k.key"""
)
_STORED = text(
    "SELECT fingerprint, status, body FROM idempotency_keys WHERE user_id = :user_id AND key = :key"
)
_STORE = text(
    "UPDATE idempotency_keys SET status = :status, body = :body "
    "WHERE user_id = :user_id AND key = :key"
)


def claim(session: Session, user_id: UUID, request: Idempotency) -> Answer | None:
    """Claim the key for this request (None: do the work, then `store` the answer), or
    the answer the first request with it got."""
    settings = get_settings()
    params = {"user_id": user_id, "key": request.key}
    # Only this transaction waits this little; the setting ends with it.
    session.execute(
        text("SELECT set_config('lock_timeout', :wait, true)"),
        {"wait": f"{int(settings.idempotency_wait_seconds * 1000)}ms"},
    )
    try:
        claimed = session.execute(
            _CLAIM,
            {
                **params,
                "fingerprint": request.fingerprint,
                "ttl": settings.idempotency_key_ttl_seconds,
                "prune": PRUNE_BATCH,
            },
        ).first()
    except DBAPIError as error:
        if sqlstate(error) == LOCK_NOT_AVAILABLE:
            raise IdempotencyKeyInFlight(
                "The first request with this key has not finished; retry in a moment."
            ) from error
        raise
    if claimed is not None:
        return None
    stored = session.execute(_STORED, params).one()
    if stored.fingerprint != request.fingerprint:
        raise IdempotencyKeyReused(
            "This key was sent with another request; use a new key for a new request.",
            field="Idempotency-Key",
        )
    if stored.status is None:  # not reachable while claims and answers share a transaction
        raise IdempotencyKeyInFlight("The first request with this key has not finished.")
    return Answer(stored.status, stored.body)


def store(session: Session, user_id: UUID, key: str, answer: Answer) -> None:
    """The answer a claimed key's request got, in the same transaction as its work."""
    session.execute(
        _STORE, {"user_id": user_id, "key": key, "status": answer.status, "body": answer.body}
    )
