from uuid import UUID

from fastapi import APIRouter

from api.auth.dependencies import ActiveViewer, DbSession
from api.reactions import service
from api.reactions.schemas import LikeState, ScrapState

router = APIRouter(tags=["reactions"])


@router.put("/v1/posts/{post_id}/like", response_model=LikeState)
def like_post(post_id: UUID, viewer: ActiveViewer, session: DbSession) -> LikeState:
    """Idempotent: liking again changes nothing and answers the same."""
    return service.like_post(session, viewer, post_id)


@router.delete("/v1/posts/{post_id}/like", response_model=LikeState)
def unlike_post(post_id: UUID, viewer: ActiveViewer, session: DbSession) -> LikeState:
    return service.unlike_post(session, viewer, post_id)


@router.put("/v1/comments/{comment_id}/like", response_model=LikeState)
def like_comment(comment_id: UUID, viewer: ActiveViewer, session: DbSession) -> LikeState:
    return service.like_comment(session, viewer, comment_id)


@router.delete("/v1/comments/{comment_id}/like", response_model=LikeState)
def unlike_comment(comment_id: UUID, viewer: ActiveViewer, session: DbSession) -> LikeState:
    return service.unlike_comment(session, viewer, comment_id)


@router.put("/v1/posts/{post_id}/scrap", response_model=ScrapState)
def scrap_post(post_id: UUID, viewer: ActiveViewer, session: DbSession) -> ScrapState:
    return service.scrap_post(session, viewer, post_id)


@router.delete("/v1/posts/{post_id}/scrap", response_model=ScrapState)
def unscrap_post(post_id: UUID, viewer: ActiveViewer, session: DbSession) -> ScrapState:
    return service.unscrap_post(session, viewer, post_id)
