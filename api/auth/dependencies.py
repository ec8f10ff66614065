"""Who is calling: `CurrentViewer`, from the access token alone (reads stay one query).
Writes run through `api.auth.access.in_write_session`, which also checks the account."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth.tokens import read_access_token
from api.core.errors import InvalidToken
from api.core.viewer import Viewer

_bearer = HTTPBearer(auto_error=False, description="Access token from /v1/auth/login")


async def current_viewer(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Viewer:
    # async on purpose: it does no I/O, and a sync dependency costs a threadpool hop.
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise InvalidToken("Send `Authorization: Bearer <access token>`.")
    return read_access_token(credentials.credentials)


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
