from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.auth.access import in_idempotent_write_session, in_write_session
from api.auth.dependencies import CurrentViewer
from api.core.client import ClientKey
from api.core.conditional import CONDITIONAL_RESPONSES, IfNoneMatch, conditional_json
from api.core.db import in_read_session
from api.core.pagination import DEFAULT_LIMIT, CursorParam, LimitParam, Page
from api.core.schemas import NO_CONTENT, json_response
from api.idempotency.dependencies import IdempotencyKeyHeader
from api.limits.service import Limit
from api.posts import service
from api.posts.schemas import PostIn, PostOut, PostSummary, PostUpdate
from api.social import blocks as blocks_service
from api.social.models import BlockVia
from api.social.schemas import BlockOut

router = APIRouter(tags=["posts"])


@router.get(
    "/boards/{board_id}/posts",
    response_model=Page[PostSummary],
    operation_id="posts.list",
    responses=CONDITIONAL_RESPONSES,
)
async def list_board_posts(
    board_id: UUID,
    viewer: CurrentViewer,
    if_none_match: IfNoneMatch = None,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """The board's posts, newest first. Hidden posts are left out. Polling: send the
    `ETag` you got as `If-None-Match`; 304 means nothing changed."""
    page = await in_read_session(service.list_board, viewer, board_id, cursor, limit)
    return conditional_json(page, if_none_match)


@router.post(
    "/boards/{board_id}/posts",
    status_code=status.HTTP_201_CREATED,
    response_model=PostOut,
    operation_id="posts.create",
)
async def create_post(
    board_id: UUID,
    body: PostIn,
    viewer: CurrentViewer,
    client: ClientKey,
    idempotency: IdempotencyKeyHeader,
) -> Response:
    return await in_idempotent_write_session(
        Limit.post,
        client,
        idempotency,
        status.HTTP_201_CREATED,
        service.create_post,
        viewer,
        board_id,
        body,
    )


@router.get(
    "/schools/{school_id}/posts/search",
    response_model=Page[PostSummary],
    operation_id="posts.search",
)
async def search_posts(
    school_id: UUID,
    viewer: CurrentViewer,
    q: Annotated[str, Query(min_length=2, max_length=100, description="Words to find")],
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """Posts whose title or body contain every word (also inside longer words:
    "학교" finds "학교에서"), newest first."""
    page = await in_read_session(service.search_posts, viewer, school_id, q.strip(), cursor, limit)
    return json_response(page)


@router.get(
    "/schools/{school_id}/posts/hot",
    response_model=Page[PostSummary],
    operation_id="posts.list_hot",
)
async def hot_posts(
    school_id: UUID,
    viewer: CurrentViewer,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    """Posts with at least 10 likes, newest first."""
    return json_response(await in_read_session(service.list_hot, viewer, school_id, cursor, limit))


@router.get(
    "/posts/{post_id}",
    response_model=PostOut,
    operation_id="posts.get",
    responses=CONDITIONAL_RESPONSES,
)
async def get_post(
    post_id: UUID, viewer: CurrentViewer, if_none_match: IfNoneMatch = None
) -> Response:
    """The post. Send its `ETag` as `If-None-Match` to get 304 while it is unchanged."""
    return conditional_json(await in_read_session(service.get_post, viewer, post_id), if_none_match)


@router.patch("/posts/{post_id}", response_model=PostOut, operation_id="posts.update")
async def update_post(post_id: UUID, body: PostUpdate, viewer: CurrentViewer) -> PostOut:
    return await in_write_session(service.update_post, viewer, post_id, body)


@router.delete("/posts/{post_id}", **NO_CONTENT, operation_id="posts.delete")
async def delete_post(post_id: UUID, viewer: CurrentViewer) -> None:
    await in_write_session(service.delete_post, viewer, post_id)


@router.put(
    "/posts/{post_id}/author-block", response_model=BlockOut, operation_id="posts.block_author"
)
async def block_post_author(post_id: UUID, viewer: CurrentViewer) -> BlockOut:
    """Block the post's author without learning who it is: an anonymous post's author
    stays unnamed, and only their anonymous posts and comments are hidden. Idempotent."""
    return await in_write_session(service.block_author, viewer, post_id)


@router.delete("/posts/{post_id}/author-block", **NO_CONTENT, operation_id="posts.unblock_author")
async def unblock_post_author(post_id: UUID, viewer: CurrentViewer) -> None:
    """Remove the block made on this post, if any (the post need not exist any more)."""
    await in_write_session(blocks_service.unblock_via, viewer, BlockVia.post, post_id)
