from uuid import UUID

from fastapi import APIRouter

from api.auth import service as auth_service
from api.auth.access import in_account_session, in_write_session
from api.auth.dependencies import CurrentAccount, CurrentViewer
from api.core.db import in_read_session
from api.core.pagination import DEFAULT_LIMIT, CursorParam, LimitParam, Page
from api.core.schemas import NO_CONTENT
from api.posts import service as posts_service
from api.posts.schemas import PostSummary
from api.users import service
from api.users.schemas import MeOut, MeUpdate, ProfileOut

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", response_model=MeOut, operation_id="users.get_me")
async def get_me(viewer: CurrentAccount) -> MeOut:
    """Also before the email is verified (`email_verified` says whether it is)."""
    return await in_read_session(service.get_me, viewer)


@router.patch("/me", response_model=MeOut, operation_id="users.update_me")
async def update_me(body: MeUpdate, viewer: CurrentViewer) -> MeOut:
    return await in_write_session(service.update_me, viewer, body)


@router.delete("/me", **NO_CONTENT, operation_id="users.delete_me")
async def delete_me(viewer: CurrentAccount) -> None:
    """Close the account (verified or not). Login stops working; posts and comments stay
    as "(deleted)"."""
    await in_account_session(auth_service.delete_me, viewer)


@router.get("/me/posts", response_model=Page[PostSummary], operation_id="users.list_my_posts")
async def my_posts(
    viewer: CurrentViewer,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[PostSummary]:
    """Everything I wrote, anonymous and hidden posts included (only I see these)."""
    return await in_read_session(posts_service.list_mine, viewer, cursor, limit)


@router.get("/me/scraps", response_model=Page[PostSummary], operation_id="users.list_my_scraps")
async def my_scraps(
    viewer: CurrentViewer,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[PostSummary]:
    """Posts I scrapped, most recently scrapped first."""
    return await in_read_session(posts_service.list_scraps, viewer, cursor, limit)


@router.get("/{user_id}", response_model=ProfileOut, operation_id="users.get")
async def get_profile(user_id: UUID, viewer: CurrentViewer) -> ProfileOut:
    return await in_read_session(service.get_profile, user_id)


@router.get("/{user_id}/posts", response_model=Page[PostSummary], operation_id="users.list_posts")
async def profile_posts(
    user_id: UUID,
    viewer: CurrentViewer,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[PostSummary]:
    """The user's non-anonymous posts that the caller may see."""
    return await in_read_session(posts_service.list_by_user, viewer, user_id, cursor, limit)
