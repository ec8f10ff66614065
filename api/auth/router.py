from fastapi import APIRouter, Request, status
from sqlalchemy.orm import Session

from api.auth import service
from api.auth import verification as verification_service
from api.auth.access import in_account_session
from api.auth.dependencies import CurrentAccount
from api.auth.schemas import AccountOut, LoginIn, RefreshIn, SignupIn, TokenPair, VerifyEmailIn
from api.core.db import in_session
from api.core.viewer import Viewer
from api.users import service as users_service

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=AccountOut)
async def signup(body: SignupIn) -> AccountOut:
    """An unverified account (the email must be at one of the school's `email_domains`)
    and its tokens; a mail with a 6-digit code follows. Until the code is entered
    (`/auth/verify-email`) the account may only sign in, read `/users/me`, verify, resend
    and leave: everything else answers 403 `verification-required`."""
    return await in_session(_signup, body)


def _signup(session: Session, body: SignupIn) -> AccountOut:
    user = service.signup(session, body)
    tokens = service.issue_tokens(session, user)
    return AccountOut(user=users_service.me_out(session, user), tokens=tokens)


@router.post("/verify-email", response_model=AccountOut)
async def verify_email(body: VerifyEmailIn, viewer: CurrentAccount) -> AccountOut:
    """Verify the account with the mailed code (or the mail link's token). Answers a new
    token pair whose access token works everywhere; older access tokens still say
    unverified until they expire. A code works for 15 minutes, once; after 5 wrong codes
    a new one is needed."""
    return await in_account_session(_verify, viewer, body)


def _verify(session: Session, viewer: Viewer, body: VerifyEmailIn) -> AccountOut:
    user = verification_service.verify(session, viewer, body.code, body.token)
    tokens = service.issue_tokens(session, user)
    return AccountOut(user=users_service.me_out(session, user), tokens=tokens)


@router.post("/verify-email/resend", status_code=status.HTTP_204_NO_CONTENT)
async def resend_verification(viewer: CurrentAccount) -> None:
    """Mail a new code (the older ones stop working): at most once a minute and a few
    times a day (429 `verification-mail-limited` with `Retry-After`)."""
    await in_account_session(verification_service.resend, viewer)


@router.post("/login", response_model=TokenPair)
async def login(body: LoginIn, request: Request) -> TokenPair:
    # The peer as uvicorn reports it (proxy_headers: forwarded only from the proxies
    # FORWARDED_ALLOW_IPS trusts). Failed logins are throttled per email and this address.
    client = request.client.host if request.client is not None else "unknown"
    return await in_session(service.login, body, client)


@router.post("/refresh", response_model=TokenPair)
async def refresh(body: RefreshIn) -> TokenPair:
    return await in_session(service.refresh, body.refresh_token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(body: RefreshIn) -> None:
    await in_session(service.logout, body.refresh_token)
