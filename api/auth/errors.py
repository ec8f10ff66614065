"""The problems only signing in raises (api/core/errors.py has the shared ones)."""

from __future__ import annotations

from datetime import datetime

from api.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InvalidToken,
    NotFound,
    TooManyRequests,
    Unauthorized,
)


class InvalidCredentials(Unauthorized):
    slug, title = "invalid-credentials", "Email or password is wrong"


class RefreshTokenReused(Unauthorized):
    slug, title = "refresh-token-reused", "Refresh token already used; the session was revoked"


class SessionRevoked(InvalidToken):
    slug, title = "session-revoked", "The session was logged out; sign in again"


class SessionNotFound(NotFound):
    slug, title = "session-not-found", "No such session of yours"


class AccountLocked(TooManyRequests):
    slug, title = "account-locked", "Too many failed logins; try again later"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Try again in {retry_after} seconds.", retry_after)


class PasswordIncorrect(InvalidInput):
    slug, title = "password-incorrect", "The current password is wrong"


class PasswordResetTokenInvalid(InvalidInput):
    slug, title = "password-reset-token-invalid", "The reset link is used, expired or unknown"

    def __init__(self, detail: str = "Ask for a new password-reset mail.") -> None:
        super().__init__(detail, field="token")


class VerificationRequired(Forbidden):
    slug, title = "verification-required", "Verify your email address first"


class EmailAlreadyVerified(Conflict):
    slug, title = "email-already-verified", "The email address is already verified"


class VerificationCodeInvalid(InvalidInput):
    slug, title = "verification-code-invalid", "The verification code is wrong"


class VerificationCodeExpired(InvalidInput):
    slug, title = "verification-code-expired", "The verification code no longer works"


class VerificationMailLimited(TooManyRequests):
    slug, title = "verification-mail-limited", "Too many verification mails"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Ask again in {retry_after} seconds.", retry_after)


class AccountSuspended(Forbidden):
    """A moderator suspended the account: it signs in and reads, but does not write until
    `suspended_until` (null: no end)."""

    slug, title = "account-suspended", "The account is suspended"

    def __init__(self, until: datetime | None) -> None:
        super().__init__(
            "A moderator suspended this account: it may read, not write.",
            suspended_until=until.isoformat() if until is not None else None,
        )


class EmailUnchanged(InvalidInput):
    slug, title = "email-unchanged", "That is already the account's email address"


class EmailChangeCodeInvalid(InvalidInput):
    slug, title = "email-change-code-invalid", "The email-change code is wrong"


class EmailChangeCodeExpired(InvalidInput):
    slug, title = "email-change-code-expired", "No email change is pending with a working code"
