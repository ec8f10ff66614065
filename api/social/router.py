from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from api.auth.access import (
    in_idempotent_write_session,
    in_limited_write_session,
    in_write_session,
)
from api.auth.dependencies import CurrentViewer
from api.core.client import ClientKey
from api.core.db import in_read_session
from api.core.pagination import DEFAULT_LIMIT, CursorParam, LimitParam, Page
from api.core.schemas import NO_CONTENT
from api.idempotency.dependencies import IdempotencyKeyHeader
from api.limits.service import Limit
from api.social import blocks as blocks_service
from api.social import service
from api.social.schemas import (
    BlockOut,
    Direction,
    FollowOut,
    FollowState,
    FriendOut,
    FriendRequestIn,
    FriendRequestOut,
)

router = APIRouter(tags=["social"])


@router.post(
    "/friends/requests",
    status_code=status.HTTP_201_CREATED,
    response_model=FriendRequestOut,
    operation_id="social.send_friend_request",
)
async def send_friend_request(
    body: FriendRequestIn,
    viewer: CurrentViewer,
    client: ClientKey,
    idempotency: IdempotencyKeyHeader,
) -> Response:
    """Ask someone to be friends. If they already asked you, you become friends at once
    (the answer's status is `accepted`)."""
    return await in_idempotent_write_session(
        Limit.friend_request,
        client,
        idempotency,
        status.HTTP_201_CREATED,
        service.send_request,
        viewer,
        body,
    )


@router.get(
    "/friends/requests",
    response_model=Page[FriendRequestOut],
    operation_id="social.list_friend_requests",
)
async def list_friend_requests(
    viewer: CurrentViewer,
    direction: Annotated[Direction, Query()] = Direction.incoming,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[FriendRequestOut]:
    """Pending requests to you (`incoming`) or from you (`outgoing`), newest first."""
    return await in_read_session(service.list_requests, viewer, direction, cursor, limit)


@router.post(
    "/friends/requests/{request_id}/accept",
    response_model=FriendRequestOut,
    operation_id="social.accept_friend_request",
)
async def accept_friend_request(request_id: UUID, viewer: CurrentViewer) -> FriendRequestOut:
    return await in_write_session(service.respond, viewer, request_id, accept=True)


@router.post(
    "/friends/requests/{request_id}/decline",
    response_model=FriendRequestOut,
    operation_id="social.decline_friend_request",
)
async def decline_friend_request(request_id: UUID, viewer: CurrentViewer) -> FriendRequestOut:
    return await in_write_session(service.respond, viewer, request_id, accept=False)


@router.delete(
    "/friends/requests/{request_id}", **NO_CONTENT, operation_id="social.cancel_friend_request"
)
async def cancel_friend_request(request_id: UUID, viewer: CurrentViewer) -> None:
    await in_write_session(service.cancel, viewer, request_id)


@router.get("/friends", response_model=Page[FriendOut], operation_id="social.list_friends")
async def list_friends(
    viewer: CurrentViewer,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[FriendOut]:
    return await in_read_session(service.list_friends, viewer, cursor, limit)


@router.delete("/friends/{user_id}", **NO_CONTENT, operation_id="social.remove_friend")
async def remove_friend(user_id: UUID, viewer: CurrentViewer) -> None:
    await in_write_session(service.remove_friend, viewer, user_id)


@router.put("/users/{user_id}/follow", response_model=FollowState, operation_id="social.follow")
async def follow(user_id: UUID, viewer: CurrentViewer, client: ClientKey) -> FollowState:
    """Idempotent: following again changes nothing (but spends the follow budget)."""
    return await in_limited_write_session(
        Limit.follow, client, service.set_follow, viewer, user_id, follow=True
    )


@router.delete(
    "/users/{user_id}/follow", response_model=FollowState, operation_id="social.unfollow"
)
async def unfollow(user_id: UUID, viewer: CurrentViewer) -> FollowState:
    return await in_write_session(service.set_follow, viewer, user_id, follow=False)


@router.get(
    "/users/{user_id}/followers",
    response_model=Page[FollowOut],
    operation_id="social.list_followers",
)
async def followers(
    user_id: UUID,
    viewer: CurrentViewer,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[FollowOut]:
    return await in_read_session(service.list_follows, user_id, True, cursor, limit)


@router.get(
    "/users/{user_id}/following",
    response_model=Page[FollowOut],
    operation_id="social.list_following",
)
async def following(
    user_id: UUID,
    viewer: CurrentViewer,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[FollowOut]:
    return await in_read_session(service.list_follows, user_id, False, cursor, limit)


# --- blocks -------------------------------------------------------------------------------


@router.get("/users/me/blocks", response_model=Page[BlockOut], operation_id="social.list_blocks")
async def list_blocks(
    viewer: CurrentViewer,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[BlockOut]:
    """My blocks, newest first, one per way each was made. A block made on anonymous
    content shows the content ("the author of …"), never who wrote it."""
    return await in_read_session(blocks_service.list_blocks, viewer, cursor, limit)


@router.delete("/users/me/blocks/{block_id}", **NO_CONTENT, operation_id="social.remove_block")
async def remove_block(block_id: UUID, viewer: CurrentViewer) -> None:
    """Unblock by the block's id (from my list); one that is not mine, or gone, is a no-op."""
    await in_write_session(blocks_service.unblock, viewer, block_id)


@router.put("/users/{user_id}/block", response_model=BlockOut, operation_id="social.block_user")
async def block_user(user_id: UUID, viewer: CurrentViewer) -> BlockOut:
    """Hide the user's named posts, comments and notifications from my views, and refuse
    friend requests between us. Idempotent: again answers the same block. They are not
    told, and nothing they see changes."""
    return await in_write_session(blocks_service.block_user, viewer, user_id)


@router.delete("/users/{user_id}/block", **NO_CONTENT, operation_id="social.unblock_user")
async def unblock_user(user_id: UUID, viewer: CurrentViewer) -> None:
    """Remove my named blocks of the user (blocks made on anonymous content stay: remove
    those by their id). Idempotent."""
    await in_write_session(blocks_service.unblock_user, viewer, user_id)
