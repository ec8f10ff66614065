from uuid import UUID

from fastapi import APIRouter, Response, status

from api.auth.access import in_idempotent_write_session, in_write_session
from api.auth.dependencies import CurrentViewer
from api.comments import service
from api.comments.schemas import CommentIn, CommentOut, CommentThread, CommentUpdate
from api.core.client import ClientKey
from api.core.db import in_read_session
from api.core.pagination import DEFAULT_LIMIT, CursorParam, LimitParam, Page
from api.core.schemas import NO_CONTENT, json_response
from api.idempotency.dependencies import IdempotencyKeyHeader
from api.limits.service import Limit
from api.social import blocks as blocks_service
from api.social.models import BlockVia
from api.social.schemas import BlockOut

router = APIRouter(tags=["comments"])


@router.get(
    "/posts/{post_id}/comments", response_model=Page[CommentThread], operation_id="comments.list"
)
async def list_comments(
    post_id: UUID,
    viewer: CurrentViewer,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """Comments oldest first, each with its replies under it."""
    page = await in_read_session(service.list_comments, viewer, post_id, cursor, limit)
    return json_response(page)


@router.post(
    "/posts/{post_id}/comments",
    status_code=status.HTTP_201_CREATED,
    response_model=CommentOut,
    operation_id="comments.create",
)
async def create_comment(
    post_id: UUID,
    body: CommentIn,
    viewer: CurrentViewer,
    client: ClientKey,
    idempotency: IdempotencyKeyHeader,
) -> Response:
    return await in_idempotent_write_session(
        Limit.comment,
        client,
        idempotency,
        status.HTTP_201_CREATED,
        service.create_comment,
        viewer,
        post_id,
        body,
    )


@router.patch("/comments/{comment_id}", response_model=CommentOut, operation_id="comments.update")
async def update_comment(
    comment_id: UUID, body: CommentUpdate, viewer: CurrentViewer
) -> CommentOut:
    return await in_write_session(service.update_comment, viewer, comment_id, body)


@router.delete("/comments/{comment_id}", **NO_CONTENT, operation_id="comments.delete")
async def delete_comment(comment_id: UUID, viewer: CurrentViewer) -> None:
    await in_write_session(service.delete_comment, viewer, comment_id)


@router.put(
    "/comments/{comment_id}/author-block",
    response_model=BlockOut,
    operation_id="comments.block_author",
)
async def block_comment_author(comment_id: UUID, viewer: CurrentViewer) -> BlockOut:
    """Block the comment's author without learning who it is: an anonymous commenter
    stays unnamed, and only their anonymous posts and comments are hidden. Idempotent."""
    return await in_write_session(service.block_author, viewer, comment_id)


@router.delete(
    "/comments/{comment_id}/author-block", **NO_CONTENT, operation_id="comments.unblock_author"
)
async def unblock_comment_author(comment_id: UUID, viewer: CurrentViewer) -> None:
    """Remove the block made on this comment, if any (the comment need not exist any more)."""
    await in_write_session(blocks_service.unblock_via, viewer, BlockVia.comment, comment_id)
