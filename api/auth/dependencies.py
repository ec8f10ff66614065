"""Who is calling. `CurrentViewer` trusts the access token (reads stay one query);
`ActiveViewer` also checks the account still exists, for writes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Annotated, Concatenate, ParamSpec, TypeVar

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from api.auth.tokens import Viewer, read_access_token
from api.core.db import get_session
from api.core.errors import InvalidToken
from api.users.models import User

P = ParamSpec("P")
T = TypeVar("T")

_bearer = HTTPBearer(auto_error=False, description="Access token from /v1/auth/login")


async def current_viewer(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Viewer:
    # async on purpose: it does no I/O, and a sync dependency costs a threadpool hop.
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise InvalidToken("Send `Authorization: Bearer <access token>`.")
    return read_access_token(credentials.credentials)


def active_viewer(
    viewer: Annotated[Viewer, Depends(current_viewer)],
    session: Annotated[Session, Depends(get_session, scope="function")],
) -> Viewer:
    require_active(session, viewer)
    return viewer


def require_active(session: Session, viewer: Viewer) -> None:
    """The account behind the token still exists (a deleted account's tokens stop working)."""
    deleted = session.execute(_deleted_at, {"user_id": viewer.id}).one_or_none()
    if deleted is None or deleted[0] is not None:
        raise InvalidToken("The account no longer exists.")


_deleted_at = select(User.deleted_at).where(User.id == bindparam("user_id"))


def as_active_viewer(work: Callable[Concatenate[Session, Viewer, P], T]):
    """`work(session, viewer, ...)` that first checks the account still exists, in the same
    unit of work: for writes run with `api.core.db.in_session` (one threadpool hop, where
    `ActiveViewer` and `DbSession` on a sync endpoint cost four)."""

    @wraps(work)
    def run(session: Session, viewer: Viewer, *args: P.args, **kwargs: P.kwargs) -> T:
        require_active(session, viewer)
        return work(session, viewer, *args, **kwargs)

    return run


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
ActiveViewer = Annotated[Viewer, Depends(active_viewer)]
DbSession = Annotated[Session, Depends(get_session, scope="function")]
