from fastapi import APIRouter, Request, status
from sqlalchemy.orm import Session

from api.auth import service
from api.auth.schemas import LoginIn, RefreshIn, SignupIn, TokenPair
from api.core.db import in_session
from api.users import service as users_service
from api.users.schemas import MeOut

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=MeOut)
async def signup(body: SignupIn) -> MeOut:
    return await in_session(_signup, body)


def _signup(session: Session, body: SignupIn) -> MeOut:
    return users_service.me_out(session, service.signup(session, body))


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
