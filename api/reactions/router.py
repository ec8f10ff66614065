from uuid import UUID

from fastapi import APIRouter, Response

from api.auth.access import in_write_session
from api.auth.dependencies import CurrentViewer
from api.core.schemas import json_response
from api.reactions import service
from api.reactions.schemas import LikeState, ScrapState

router = APIRouter(tags=["reactions"])


@router.put("/posts/{post_id}/like", response_model=LikeState, operation_id="reactions.like_post")
async def like_post(post_id: UUID, viewer: CurrentViewer) -> Response:
    """Idempotent: liking again changes nothing and answers the same."""
    return json_response(await in_write_session(service.set_post_like, viewer, post_id, True))


@router.delete(
    "/posts/{post_id}/like", response_model=LikeState, operation_id="reactions.unlike_post"
)
async def unlike_post(post_id: UUID, viewer: CurrentViewer) -> Response:
    return json_response(await in_write_session(service.set_post_like, viewer, post_id, False))


@router.put(
    "/comments/{comment_id}/like", response_model=LikeState, operation_id="reactions.like_comment"
)
async def like_comment(comment_id: UUID, viewer: CurrentViewer) -> Response:
    state = await in_write_session(service.set_comment_like, viewer, comment_id, True)
    return json_response(state)


@router.delete(
    "/comments/{comment_id}/like", response_model=LikeState, operation_id="reactions.unlike_comment"
)
async def unlike_comment(comment_id: UUID, viewer: CurrentViewer) -> Response:
    state = await in_write_session(service.set_comment_like, viewer, comment_id, False)
    return json_response(state)


@router.put(
    "/posts/{post_id}/scrap", response_model=ScrapState, operation_id="reactions.scrap_post"
)
async def scrap_post(post_id: UUID, viewer: CurrentViewer) -> Response:
    return json_response(await in_write_session(service.set_scrap, viewer, post_id, True))


@router.delete(
    "/posts/{post_id}/scrap", response_model=ScrapState, operation_id="reactions.unscrap_post"
)
async def unscrap_post(post_id: UUID, viewer: CurrentViewer) -> Response:
    return json_response(await in_write_session(service.set_scrap, viewer, post_id, False))
