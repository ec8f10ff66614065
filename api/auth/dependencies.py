"""Who is calling. `CurrentViewer` trusts the access token (reads stay one query);
`ActiveViewer` also checks the account still exists, for writes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.tokens import Viewer, read_access_token
from api.core.db import get_session
from api.core.errors import InvalidToken
from api.users.models import User

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
    deleted = session.execute(select(User.deleted_at).where(User.id == viewer.id)).one_or_none()
    if deleted is None or deleted[0] is not None:
        raise InvalidToken("The account no longer exists.")
    return viewer


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
ActiveViewer = Annotated[Viewer, Depends(active_viewer)]
DbSession = Annotated[Session, Depends(get_session, scope="function")]
