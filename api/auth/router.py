from fastapi import APIRouter, status
from sqlalchemy.orm import Session

from api.auth import service
from api.auth.schemas import LoginIn, RefreshIn, SignupIn, TokenPair
from api.core.client import ClientKey
from api.core.db import in_session
from api.limits import service as limits
from api.limits.service import Limit
from api.users import service as users_service
from api.users.schemas import MeOut

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=MeOut)
async def signup(body: SignupIn, client: ClientKey) -> MeOut:
    return await in_session(_signup, body, client)


def _signup(session: Session, body: SignupIn, client: str) -> MeOut:
    # Every attempt counts, counted before the costly hashing; the commit gives the
    # connection back, so signup then hashes holding none.
    limits.spend_attempt(session, Limit.signup, address=client)
    return users_service.me_out(session, service.signup(session, body))


@router.post("/login", response_model=TokenPair)
async def login(body: LoginIn, client: ClientKey) -> TokenPair:
    return await in_session(service.login, body, client)


@router.post("/refresh", response_model=TokenPair)
async def refresh(body: RefreshIn) -> TokenPair:
    return await in_session(service.refresh, body.refresh_token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(body: RefreshIn) -> None:
    await in_session(service.logout, body.refresh_token)
