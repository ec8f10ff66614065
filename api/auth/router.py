from fastapi import APIRouter, Request, status

from api.auth import service
from api.auth.dependencies import DbSession
from api.auth.schemas import LoginIn, RefreshIn, SignupIn, TokenPair
from api.users import service as users_service
from api.users.schemas import MeOut

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=MeOut)
def signup(body: SignupIn, session: DbSession) -> MeOut:
    user = service.signup(session, body)
    return users_service.me_out(session, user)


@router.post("/login", response_model=TokenPair)
def login(body: LoginIn, session: DbSession, request: Request) -> TokenPair:
    # The peer as uvicorn reports it (proxy_headers: forwarded only from the proxies
    # FORWARDED_ALLOW_IPS trusts). Failed logins are throttled per email and this address.
    client = request.client.host if request.client is not None else "unknown"
    return service.login(session, body, client)


@router.post("/refresh", response_model=TokenPair)
def refresh(body: RefreshIn, session: DbSession) -> TokenPair:
    return service.refresh(session, body.refresh_token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(body: RefreshIn, session: DbSession) -> None:
    service.logout(session, body.refresh_token)
