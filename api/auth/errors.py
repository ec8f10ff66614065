"""The problems only signing in raises (api/core/errors.py has the shared ones)."""

from __future__ import annotations

from api.core.errors import Problem, Unauthorized


class InvalidCredentials(Unauthorized):
    slug, title = "invalid-credentials", "Email or password is wrong"


class RefreshTokenReused(Unauthorized):
    slug, title = "refresh-token-reused", "Refresh token already used; the session was revoked"


class AccountLocked(Problem):
    status, slug, title = 429, "account-locked", "Too many failed logins; try again later"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Try again in {retry_after} seconds.", retry_after=retry_after)
        self.headers["Retry-After"] = str(retry_after)
