"""Who is calling: `CurrentViewer`, from the access token alone (reads stay one query).
Writes run through `api.auth.access.in_write_session`, which also checks the account.

`CurrentViewer` is a verified account: every endpoint that names it answers 403
`verification-required` to an account that has not verified its email. The few an
unverified account may use (read itself, verify, resend, leave, log out, change its
password) name `CurrentAccount`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth.errors import VerificationRequired
from api.auth.tokens import read_access_token
from api.core.errors import InvalidToken
from api.core.viewer import Viewer

_bearer = HTTPBearer(auto_error=False, description="Access token from /v1/auth/login")


async def current_account(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Viewer:
    # async on purpose: it does no I/O, and a sync dependency costs a threadpool hop.
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise InvalidToken("Send `Authorization: Bearer <access token>`.")
    return read_access_token(credentials.credentials)


async def current_viewer(viewer: Annotated[Viewer, Depends(current_account)]) -> Viewer:
    if not viewer.verified:
        raise VerificationRequired(
            "Enter the code we mailed you (POST /v1/auth/verify-email), then use the new "
            "access token."
        )
    return viewer


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
# Signed in, verified or not: only for what an unverified account may do.
CurrentAccount = Annotated[Viewer, Depends(current_account)]
