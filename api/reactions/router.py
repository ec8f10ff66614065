from uuid import UUID

from fastapi import APIRouter

from api.auth.dependencies import ActiveViewer, DbSession
from api.reactions import service
from api.reactions.schemas import LikeState, ScrapState

router = APIRouter(tags=["reactions"])


@router.put("/v1/posts/{post_id}/like", response_model=LikeState)
def like_post(post_id: UUID, viewer: ActiveViewer, session: DbSession) -> LikeState:
    """Idempotent: liking again changes nothing and answers the same."""
    return service.set_post_like(session, viewer, post_id, liked=True)


@router.delete("/v1/posts/{post_id}/like", response_model=LikeState)
def unlike_post(post_id: UUID, viewer: ActiveViewer, session: DbSession) -> LikeState:
    return service.set_post_like(session, viewer, post_id, liked=False)


@router.put("/v1/comments/{comment_id}/like", response_model=LikeState)
def like_comment(comment_id: UUID, viewer: ActiveViewer, session: DbSession) -> LikeState:
    return service.set_comment_like(session, viewer, comment_id, liked=True)


@router.delete("/v1/comments/{comment_id}/like", response_model=LikeState)
def unlike_comment(comment_id: UUID, viewer: ActiveViewer, session: DbSession) -> LikeState:
    return service.set_comment_like(session, viewer, comment_id, liked=False)


@router.put("/v1/posts/{post_id}/scrap", response_model=ScrapState)
def scrap_post(post_id: UUID, viewer: ActiveViewer, session: DbSession) -> ScrapState:
    return service.set_scrap(session, viewer, post_id, scrapped=True)


@router.delete("/v1/posts/{post_id}/scrap", response_model=ScrapState)
def unscrap_post(post_id: UUID, viewer: ActiveViewer, session: DbSession) -> ScrapState:
    return service.set_scrap(session, viewer, post_id, scrapped=False)
