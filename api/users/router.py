from uuid import UUID

from fastapi import APIRouter, status

from api.auth.dependencies import ActiveViewer, CurrentViewer, DbSession
from api.core.pagination import DEFAULT_LIMIT, CursorParam, LimitParam, Page
from api.posts import service as posts_service
from api.posts.schemas import PostSummary
from api.users import service
from api.users.schemas import MeOut, MeUpdate, ProfileOut

router = APIRouter(prefix="/v1/users", tags=["users"])


@router.get("/me", response_model=MeOut)
def get_me(viewer: CurrentViewer, session: DbSession) -> MeOut:
    return service.get_me(session, viewer)


@router.patch("/me", response_model=MeOut)
def update_me(body: MeUpdate, viewer: ActiveViewer, session: DbSession) -> MeOut:
    return service.update_me(session, viewer, body)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
def delete_me(viewer: ActiveViewer, session: DbSession) -> None:
    """Close the account. Login stops working; posts and comments stay as "(deleted)"."""
    service.delete_me(session, viewer)


@router.get("/me/posts", response_model=Page[PostSummary])
def my_posts(
    viewer: CurrentViewer,
    session: DbSession,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[PostSummary]:
    """Everything I wrote, anonymous posts included (only I see these)."""
    return posts_service.list_mine(session, viewer, cursor, limit)


@router.get("/me/scraps", response_model=Page[PostSummary])
def my_scraps(
    viewer: CurrentViewer,
    session: DbSession,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[PostSummary]:
    """Posts I scrapped, most recently scrapped first."""
    return posts_service.list_scraps(session, viewer, cursor, limit)


@router.get("/{user_id}", response_model=ProfileOut)
def get_profile(user_id: UUID, viewer: CurrentViewer, session: DbSession) -> ProfileOut:
    return service.get_profile(session, user_id)


@router.get("/{user_id}/posts", response_model=Page[PostSummary])
def profile_posts(
    user_id: UUID,
    viewer: CurrentViewer,
    session: DbSession,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[PostSummary]:
    """The user's non-anonymous posts that the caller may see."""
    return posts_service.list_by_user(session, viewer, user_id, cursor, limit)
