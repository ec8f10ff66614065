"""Who may write: the one check every write runs, in the write's own unit of work.

Reads trust the access token (api/auth/tokens.py) until it expires; a write also checks
that the account behind it still exists and has verified its email, and that the
token's session (`sid`, a refresh-token family) has not been revoked (logout, a password
change or reset), and a writer that a moderator has not suspended it: one statement. Endpoints call
`in_write_session` (or, for the few things an unverified account may do, such as leaving,
`in_account_session`), never the check itself, so a write cannot forget it and a service
never depends on FastAPI. A write with a budget (api/limits/) calls
`in_limited_write_session`, which also spends it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import bindparam, exists, func, literal_column, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from api.auth.errors import AccountSuspended, SessionRevoked, VerificationRequired
from api.auth.models import RefreshToken
from api.core.db import in_session, run_prepared
from api.core.errors import InvalidToken
from api.core.schemas import OutputModel
from api.core.viewer import Viewer
from api.idempotency import service as idempotency
from api.idempotency.service import Idempotency
from api.limits.service import Limit, spend
from api.users.models import User

P = ParamSpec("P")
T = TypeVar("T")

# A session is revoked as a whole (every row of the family gets `revoked_at`), so any
# revoked row says so; a token without `sid` binds NULL, which matches no row.
_revoked = (
    exists()
    .where(RefreshToken.family_id == bindparam("session_id"), RefreshToken.revoked_at.is_not(None))
    .label("session_revoked")
)
# Compared with the database's clock, so a suspension ends by itself; 'infinity' never
# does, and is answered as no end (null: the driver has no datetime for it).
_suspended = (User.suspended_until > func.now()).label("suspended")
_until = func.nullif(User.suspended_until, literal_column("'infinity'::timestamptz")).label("until")
_account = select(User.deleted_at, User.email_verified_at, _revoked, _suspended, _until).where(
    User.id == bindparam("user_id")
)


def require_account(session: Session, viewer: Viewer) -> bool:
    """401 unless the account behind the token still exists (a deleted account's tokens
    stop writing at once) and the token's session is not revoked (401 `session-revoked`);
    whether it has verified its email."""
    return _account_row(session, viewer).email_verified_at is not None


def _account_row(session: Session, viewer: Viewer) -> Any:
    row = run_prepared(
        session, _account, {"user_id": viewer.id, "session_id": viewer.session_id}
    ).one_or_none()
    if row is None or row.deleted_at is not None:
        raise InvalidToken("The account no longer exists.")
    if row.session_revoked:
        raise SessionRevoked()
    return row


def require_writer(session: Session, viewer: Viewer) -> None:
    """`require_account`, and 403 unless the account has verified its email and is not
    suspended (403 `account-suspended`, with its end)."""
    row = _account_row(session, viewer)
    if row.email_verified_at is None:
        raise VerificationRequired("Verify your email address before writing.")
    if row.suspended:
        raise AccountSuspended(row.until)


async def in_write_session(
    work: Callable[Concatenate[Session, Viewer, P], T],
    viewer: Viewer,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`work(session, viewer, *args, **kwargs)` in one unit of work, after `require_writer`
    in the same session (one threadpool hop, one transaction)."""
    return await in_session(_checked, require_writer, work, viewer, *args, **kwargs)


async def in_account_session(
    work: Callable[Concatenate[Session, Viewer, P], T],
    viewer: Viewer,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`in_write_session` for what an account may do before verifying its email (verify,
    ask for another mail, leave): `require_account` only."""
    return await in_session(_checked, require_account, work, viewer, *args, **kwargs)


def _checked(
    session: Session,
    check: Callable[[Session, Viewer], object],
    work: Callable[..., T],
    viewer: Viewer,
    *args: Any,
    **kwargs: Any,
) -> T:
    check(session, viewer)
    return work(session, viewer, *args, **kwargs)


async def in_limited_write_session(
    limit: Limit,
    address: str,
    work: Callable[Concatenate[Session, Viewer, P], T],
    viewer: Viewer,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`in_write_session` for a write with a budget: `require_writer`, `work`, then the
    spending of `limit` by the viewer and the client `address`, the last statement before
    the commit. A write refused (401, 429) or failing rolls back whole, spending included;
    spending last keeps the counter rows locked only until the commit (api/limits/)."""
    return await in_session(_limited, limit, address, work, viewer, *args, **kwargs)


def _limited(
    session: Session,
    limit: Limit,
    address: str,
    work: Callable[..., T],
    viewer: Viewer,
    *args: Any,
    **kwargs: Any,
) -> T:
    require_writer(session, viewer)
    result = work(session, viewer, *args, **kwargs)
    spend(session, limit, address=address, user=viewer.id)
    return result


async def in_idempotent_write_session(
    limit: Limit,
    address: str,
    request: Idempotency | None,
    status_code: int,
    work: Callable[Concatenate[Session, Viewer, P], OutputModel],
    viewer: Viewer,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Response:
    """`in_limited_write_session` for a create a client may retry with `Idempotency-Key`
    (api/idempotency/service.py): the answer, as a JSON response with `status_code`. A
    retry of a request already answered replays that answer: no work, no budget spent."""
    answer = await in_session(
        _idempotent, limit, address, request, status_code, work, viewer, *args, **kwargs
    )
    return Response(answer.body, status_code=answer.status, media_type="application/json")


def _idempotent(
    session: Session,
    limit: Limit,
    address: str,
    request: Idempotency | None,
    status_code: int,
    work: Callable[..., OutputModel],
    viewer: Viewer,
    *args: Any,
    **kwargs: Any,
) -> idempotency.Answer:
    require_writer(session, viewer)
    if request is not None:
        replayed = idempotency.claim(session, viewer.id, request)
        if replayed is not None:
            return replayed
    result = work(session, viewer, *args, **kwargs)
    spend(session, limit, address=address, user=viewer.id)
    answer = idempotency.Answer(status_code, result.model_dump_json())
    if request is not None:
        idempotency.store(session, viewer.id, request.key, answer)
    return answer
