from fastapi import APIRouter, Response, status
from sqlalchemy.orm import Session

from api.auth import recovery as recovery_service
from api.auth import service
from api.auth import verification as verification_service
from api.auth.access import in_account_session
from api.auth.dependencies import CurrentAccount
from api.auth.schemas import (
    AccountOut,
    LoginIn,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RefreshIn,
    SignupIn,
    TokenPair,
    VerifyEmailIn,
)
from api.core.client import ClientKey
from api.core.db import in_session
from api.core.schemas import NO_CONTENT
from api.core.viewer import Viewer
from api.limits import service as limits
from api.limits.service import Limit
from api.users import service as users_service

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    response_model=AccountOut,
    operation_id="auth.signup",
)
async def signup(body: SignupIn, client: ClientKey) -> AccountOut:
    """An unverified account (the email must be at one of the school's `email_domains`)
    and its tokens; a mail with a 6-digit code follows. Until the code is entered
    (`/auth/verify-email`) the account may only sign in, read `/users/me`, verify, resend
    and leave: everything else answers 403 `verification-required`."""
    return await in_session(_signup, body, client)


def _signup(session: Session, body: SignupIn, client: str) -> AccountOut:
    # Every attempt counts, counted before the costly hashing; the commit gives the
    # connection back, so signup then hashes holding none.
    limits.spend_attempt(session, Limit.signup, address=client)
    user = service.signup(session, body)
    tokens = service.issue_tokens(session, user)
    return AccountOut(user=users_service.me_out(session, user), tokens=tokens)


@router.post("/verify-email", response_model=AccountOut, operation_id="auth.verify_email")
async def verify_email(
    body: VerifyEmailIn, viewer: CurrentAccount, client: ClientKey
) -> AccountOut:
    """Verify the account with the mailed code (or the mail link's token). Answers a new
    token pair whose access token works everywhere; older access tokens still say
    unverified until they expire. A code works for 15 minutes, once; after 5 wrong codes
    a new one is needed."""
    return await in_account_session(_verify, viewer, body, client)


def _verify(session: Session, viewer: Viewer, body: VerifyEmailIn, client: str) -> AccountOut:
    limits.spend_attempt(session, Limit.verify, address=client, user=viewer.id)
    user = verification_service.verify(session, viewer, body.code, body.token)
    tokens = service.issue_tokens(session, user)
    return AccountOut(user=users_service.me_out(session, user), tokens=tokens)


@router.post("/verify-email/resend", **NO_CONTENT, operation_id="auth.resend_verification")
async def resend_verification(viewer: CurrentAccount, client: ClientKey) -> None:
    """Mail a new code (the older ones stop working): at most once a minute and a few
    times a day (429 `verification-mail-limited` with `Retry-After`)."""
    await in_account_session(_resend, viewer, client)


def _resend(session: Session, viewer: Viewer, client: str) -> None:
    limits.spend_attempt(session, Limit.resend, address=client, user=viewer.id)
    verification_service.resend(session, viewer)


@router.post("/login", response_model=TokenPair, operation_id="auth.login")
async def login(body: LoginIn, client: ClientKey) -> TokenPair:
    return await in_session(service.login, body, client)


@router.post("/refresh", response_model=TokenPair, operation_id="auth.refresh")
async def refresh(body: RefreshIn) -> TokenPair:
    return await in_session(service.refresh, body.refresh_token)


@router.post("/logout", **NO_CONTENT, operation_id="auth.logout")
async def logout(body: RefreshIn, viewer: CurrentAccount) -> None:
    """End the caller's session: send its access token and the session's refresh token.
    From then on the session's refresh token is refused, and so are its access tokens'
    writes (401 `session-revoked`); reads accept them until they expire (at most
    ACCESS_TOKEN_TTL_SECONDS). Another session's or another account's refresh token is
    404 `session-not-found`, and nothing is revoked."""
    await in_session(service.logout, viewer, body.refresh_token)


@router.post("/password", **NO_CONTENT, operation_id="auth.change_password")
async def change_password(
    body: PasswordChangeIn, viewer: CurrentAccount, client: ClientKey
) -> None:
    """Change the password (the new one follows signup's rules). Every other session of
    the account is logged out; the caller's session and tokens go on working. A wrong
    current password is 422 `password-incorrect`; every attempt spends the
    password-change budget (429 `rate-limited` past it)."""
    await in_session(service.change_password, viewer, body, client)


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    response_class=Response,
    responses={202: {"description": "Accepted, whether or not an account has the address"}},
    operation_id="auth.request_password_reset",
)
async def request_password_reset(body: PasswordResetIn, client: ClientKey) -> Response:
    """Mail a password-reset link to the address if an account has it. The answer is the
    same either way, and so is the work behind it: the account is looked up only when the
    mail is made. The link works for PASSWORD_RESET_TOKEN_TTL_SECONDS (30 minutes), once.
    Every request spends the password-reset budget, per email and per client address."""
    await in_session(recovery_service.request_reset, body.email, client)
    return Response(status_code=status.HTTP_202_ACCEPTED)


@router.post("/password-reset/confirm", **NO_CONTENT, operation_id="auth.confirm_password_reset")
async def confirm_password_reset(body: PasswordResetConfirmIn) -> None:
    """Set a new password (signup's rules) with the mailed link's token. Every session of
    the account is logged out; sign in with the new password. A used, expired or unknown
    token is 422 `password-reset-token-invalid`."""
    await in_session(recovery_service.confirm, body.token, body.new_password)
