from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from api.auth.dependencies import ActiveViewer, CurrentViewer, DbSession
from api.core.pagination import DEFAULT_LIMIT, CursorParam, LimitParam, Page
from api.social import service
from api.social.schemas import (
    Direction,
    FollowOut,
    FollowState,
    FriendOut,
    FriendRequestIn,
    FriendRequestOut,
)

router = APIRouter(tags=["social"])


@router.post(
    "/v1/friends/requests", status_code=status.HTTP_201_CREATED, response_model=FriendRequestOut
)
def send_friend_request(
    body: FriendRequestIn, viewer: ActiveViewer, session: DbSession
) -> FriendRequestOut:
    """Ask someone to be friends. If they already asked you, you become friends at once
    (the answer's status is `accepted`)."""
    return service.send_request(session, viewer, body)


@router.get("/v1/friends/requests", response_model=Page[FriendRequestOut])
def list_friend_requests(
    viewer: CurrentViewer,
    session: DbSession,
    direction: Annotated[Direction, Query()] = Direction.incoming,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[FriendRequestOut]:
    """Pending requests to you (`incoming`) or from you (`outgoing`), newest first."""
    return service.list_requests(session, viewer, direction, cursor, limit)


@router.post("/v1/friends/requests/{request_id}/accept", response_model=FriendRequestOut)
def accept_friend_request(
    request_id: UUID, viewer: ActiveViewer, session: DbSession
) -> FriendRequestOut:
    return service.respond(session, viewer, request_id, accept=True)


@router.post("/v1/friends/requests/{request_id}/decline", response_model=FriendRequestOut)
def decline_friend_request(
    request_id: UUID, viewer: ActiveViewer, session: DbSession
) -> FriendRequestOut:
    return service.respond(session, viewer, request_id, accept=False)


@router.delete("/v1/friends/requests/{request_id}", status_code=status.HTTP_204_NO_CONTENT)
def cancel_friend_request(request_id: UUID, viewer: ActiveViewer, session: DbSession) -> None:
    service.cancel(session, viewer, request_id)


@router.get("/v1/friends", response_model=Page[FriendOut])
def list_friends(
    viewer: CurrentViewer,
    session: DbSession,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[FriendOut]:
    return service.list_friends(session, viewer, cursor, limit)


@router.delete("/v1/friends/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_friend(user_id: UUID, viewer: ActiveViewer, session: DbSession) -> None:
    service.remove_friend(session, viewer, user_id)


@router.put("/v1/users/{user_id}/follow", response_model=FollowState)
def follow(user_id: UUID, viewer: ActiveViewer, session: DbSession) -> FollowState:
    """Idempotent: following again changes nothing."""
    return service.set_follow(session, viewer, user_id, follow=True)


@router.delete("/v1/users/{user_id}/follow", response_model=FollowState)
def unfollow(user_id: UUID, viewer: ActiveViewer, session: DbSession) -> FollowState:
    return service.set_follow(session, viewer, user_id, follow=False)


@router.get("/v1/users/{user_id}/followers", response_model=Page[FollowOut])
def followers(
    user_id: UUID,
    viewer: CurrentViewer,
    session: DbSession,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[FollowOut]:
    return service.list_follows(session, user_id, True, cursor, limit)


@router.get("/v1/users/{user_id}/following", response_model=Page[FollowOut])
def following(
    user_id: UUID,
    viewer: CurrentViewer,
    session: DbSession,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Page[FollowOut]:
    return service.list_follows(session, user_id, False, cursor, limit)
