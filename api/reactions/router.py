from uuid import UUID

from fastapi import APIRouter, Response

from api.auth.dependencies import CurrentViewer, as_active_viewer
from api.core.db import in_session
from api.core.schemas import json_response
from api.reactions import service
from api.reactions.schemas import LikeState, ScrapState

router = APIRouter(tags=["reactions"])

# Each is one unit of work on one worker thread (in_session), the account check included.
_set_post_like = as_active_viewer(service.set_post_like)
_set_comment_like = as_active_viewer(service.set_comment_like)
_set_scrap = as_active_viewer(service.set_scrap)


@router.put("/v1/posts/{post_id}/like", response_model=LikeState)
async def like_post(post_id: UUID, viewer: CurrentViewer) -> Response:
    """Idempotent: liking again changes nothing and answers the same."""
    return json_response(await in_session(_set_post_like, viewer, post_id, True))


@router.delete("/v1/posts/{post_id}/like", response_model=LikeState)
async def unlike_post(post_id: UUID, viewer: CurrentViewer) -> Response:
    return json_response(await in_session(_set_post_like, viewer, post_id, False))


@router.put("/v1/comments/{comment_id}/like", response_model=LikeState)
async def like_comment(comment_id: UUID, viewer: CurrentViewer) -> Response:
    return json_response(await in_session(_set_comment_like, viewer, comment_id, True))


@router.delete("/v1/comments/{comment_id}/like", response_model=LikeState)
async def unlike_comment(comment_id: UUID, viewer: CurrentViewer) -> Response:
    return json_response(await in_session(_set_comment_like, viewer, comment_id, False))


@router.put("/v1/posts/{post_id}/scrap", response_model=ScrapState)
async def scrap_post(post_id: UUID, viewer: CurrentViewer) -> Response:
    return json_response(await in_session(_set_scrap, viewer, post_id, True))


@router.delete("/v1/posts/{post_id}/scrap", response_model=ScrapState)
async def unscrap_post(post_id: UUID, viewer: CurrentViewer) -> Response:
    return json_response(await in_session(_set_scrap, viewer, post_id, False))
