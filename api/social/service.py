"""Friends and follows.

Friendship is symmetric and stored once per direction. Writes that touch a pair of
users lock both user rows in id order first, so concurrent requests between the same
two people (A asks B while B asks A) are decided one after the other. Counters on users
move only when a row really changed, so they stay exact under concurrency.

A named block (`api/social/blocks.py`) stops friend requests between the two without the
blocked user learning of it: theirs to the blocker is made as ever and stays pending,
unseen by the blocker; the blocker's to them is refused (409 `you-blocked-this-user`,
which only the blocker ever gets).
"""

from __future__ import annotations

from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import and_, bindparam, delete, false, func, or_, select, union, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, aliased

from api.core.db import run_prepared, utcnow
from api.core.errors import Conflict, InvalidInput, NotFound
from api.core.pagination import Page, keyset_page
from api.core.viewer import Viewer
from api.outbox import service as outbox
from api.outbox.types import EventType
from api.social import blocks
from api.social.errors import YouBlocked
from api.social.models import Follow, FriendRequest, Friendship, RequestStatus
from api.social.schemas import (
    Direction,
    FollowOut,
    FollowState,
    FriendOut,
    FriendRequestIn,
    FriendRequestOut,
    UserSummary,
)
from api.users.models import User


def _lock_users(session: Session, *user_ids: UUID) -> dict[UUID, User]:
    """Lock live users in id order (no deadlocks); missing or closed accounts are left out."""
    rows = session.scalars(_LOCK_USERS, {"user_ids": list(user_ids)}).all()
    return {u.id: u for u in rows}


# Built once (follows and friendships run them on every change): the ids bound per call.
_LOCK_USERS = (
    select(User)
    .where(User.id.in_(bindparam("user_ids", expanding=True)), User.deleted_at.is_(None))
    .order_by(User.id)
    .with_for_update()
)


def _bump(session: Session, user_id: UUID, column: str, delta: int) -> int:
    return run_prepared(session, _bump_statement(column, delta), {"the_user": user_id}).scalar_one()


@cache
def _bump_statement(column: str, delta: int) -> Any:
    col = getattr(User, column)
    return (
        update(User)
        .where(User.id == bindparam("the_user"))
        .values({column: col + delta})
        .returning(col)
    )


def _summary(user: User) -> UserSummary:
    assert user.nickname is not None
    return UserSummary(id=user.id, nickname=user.nickname, school_id=user.school_id)


def _request_out(req: FriendRequest, users: dict[UUID, User]) -> FriendRequestOut:
    return FriendRequestOut(
        id=req.id,
        sender=_summary(users[req.sender_id]),
        recipient=_summary(users[req.recipient_id]),
        status=req.status,
        created_at=req.created_at,
        responded_at=req.responded_at,
    )


def are_friends(session: Session, a: UUID, b: UUID) -> bool:
    return (
        session.scalar(
            select(Friendship.user_id).where(Friendship.user_id == a, Friendship.friend_id == b)
        )
        is not None
    )


def _befriend(session: Session, a: UUID, b: UUID) -> None:
    now = utcnow()
    session.execute(
        insert(Friendship).values(
            [
                {"user_id": a, "friend_id": b, "created_at": now},
                {"user_id": b, "friend_id": a, "created_at": now},
            ]
        )
    )
    _bump(session, a, "friend_count", +1)
    _bump(session, b, "friend_count", +1)
    first, second = sorted((a, b))
    outbox.record(
        session,
        EventType.friend_added,
        f"users/{first}/friends/{second}",
        {"user_ids": [str(first), str(second)]},
    )


# --- friend requests ------------------------------------------------------------------


def send_request(session: Session, viewer: Viewer, data: FriendRequestIn) -> FriendRequestOut:
    target_id: UUID | None
    if data.user_id is not None:
        target_id = data.user_id
    else:
        assert data.nickname is not None  # FriendRequestIn requires one of the two
        target_id = session.scalar(
            select(User.id).where(
                func.lower(User.nickname) == data.nickname.lower(), User.deleted_at.is_(None)
            )
        )
        if target_id is None:
            raise NotFound("No user with that nickname.")
    if target_id == viewer.id:
        raise InvalidInput("You cannot send a friend request to yourself.")
    users = _lock_users(session, viewer.id, target_id)
    if target_id not in users:
        raise NotFound("No such user.")
    if are_friends(session, viewer.id, target_id):
        raise Conflict("You are already friends.")
    blocked = blocks.named_blocks(session, viewer.id, target_id)
    if (viewer.id, target_id) in blocked:
        raise YouBlocked()
    pending = session.scalars(
        select(FriendRequest).where(
            FriendRequest.status == RequestStatus.pending,
            or_(
                and_(FriendRequest.sender_id == viewer.id, FriendRequest.recipient_id == target_id),
                and_(FriendRequest.sender_id == target_id, FriendRequest.recipient_id == viewer.id),
            ),
        )
    ).all()
    for req in pending:
        if req.sender_id == viewer.id:
            raise Conflict("You already sent this person a request.", request_id=str(req.id))
        if blocked:  # theirs waits, unseen, until they unblock; ours is made as ever
            continue
        # They asked us first: asking back is saying yes.
        _accept(session, req)
        return _request_out(req, users)
    req = FriendRequest(sender_id=viewer.id, recipient_id=target_id, status=RequestStatus.pending)
    session.add(req)
    session.flush()
    return _request_out(req, users)


def _accept(session: Session, req: FriendRequest) -> None:
    req.status = RequestStatus.accepted
    req.responded_at = utcnow()
    _befriend(session, req.sender_id, req.recipient_id)


def _own_request(session: Session, viewer: Viewer, request_id: UUID, as_: str) -> FriendRequest:
    req = session.get(FriendRequest, request_id)
    party = getattr(req, f"{as_}_id", None) if req else None
    if req is None or party != viewer.id:
        raise NotFound("No such friend request.")
    return req


def respond(session: Session, viewer: Viewer, request_id: UUID, accept: bool) -> FriendRequestOut:
    """The recipient accepts or declines. Repeating the same answer is a no-op."""
    req = _own_request(session, viewer, request_id, "recipient")
    users = _lock_users(session, req.sender_id, req.recipient_id)
    if req.sender_id not in users:  # the sender closed their account
        raise NotFound("No such friend request.")
    session.refresh(req, with_for_update=True)
    if accept and (req.recipient_id, req.sender_id) in blocks.named_blocks(
        session, req.sender_id, req.recipient_id
    ):
        raise NotFound("No such friend request.")  # unseen while blocked: unblock first
    wanted = RequestStatus.accepted if accept else RequestStatus.declined
    if req.status == wanted:
        return _request_out(req, users)
    if req.status != RequestStatus.pending:
        raise Conflict(f"This request was already {req.status}.")
    if accept:
        if not are_friends(session, req.sender_id, req.recipient_id):
            _accept(session, req)
        else:
            req.status, req.responded_at = RequestStatus.accepted, utcnow()
    else:
        req.status, req.responded_at = RequestStatus.declined, utcnow()
    return _request_out(req, users)


def cancel(session: Session, viewer: Viewer, request_id: UUID) -> None:
    """The sender withdraws a pending request; withdrawing again is a no-op."""
    req = _own_request(session, viewer, request_id, "sender")
    session.refresh(req, with_for_update=True)
    if req.status == RequestStatus.cancelled:
        return
    if req.status != RequestStatus.pending:
        raise Conflict(f"This request was already {req.status}.")
    req.status, req.responded_at = RequestStatus.cancelled, utcnow()


def list_requests(
    session: Session, viewer: Viewer, direction: Direction, cursor: str | None, limit: int
) -> Page[FriendRequestOut]:
    sender, recipient = aliased(User), aliased(User)
    mine = (
        FriendRequest.recipient_id if direction is Direction.incoming else FriendRequest.sender_id
    )
    stmt = (
        select(FriendRequest, sender, recipient)
        .join(sender, sender.id == FriendRequest.sender_id)
        .join(recipient, recipient.id == FriendRequest.recipient_id)
        .where(
            mine == viewer.id,
            FriendRequest.status == RequestStatus.pending,
            sender.deleted_at.is_(None),
            recipient.deleted_at.is_(None),
        )
    )
    if direction is Direction.incoming:  # requests from someone I blocked wait unseen
        stmt = stmt.where(blocks.not_blocked(viewer, FriendRequest.sender_id, false()))

    rows, next_cursor = keyset_page(
        session, stmt, FriendRequest.created_at, FriendRequest.id, cursor, limit
    )
    items = [_request_out(r[0], {r[1].id: r[1], r[2].id: r[2]}) for r in rows]
    return Page[FriendRequestOut](items=items, next_cursor=next_cursor)


# --- friends ----------------------------------------------------------------------------


def list_friends(
    session: Session, viewer: Viewer, cursor: str | None, limit: int
) -> Page[FriendOut]:
    stmt = (
        select(User.id, User.nickname, User.school_id, Friendship.created_at.label("since"))
        .join(Friendship, Friendship.friend_id == User.id)
        .where(Friendship.user_id == viewer.id, User.deleted_at.is_(None))
    )
    rows, next_cursor = keyset_page(
        session, stmt, Friendship.created_at, Friendship.friend_id, cursor, limit
    )
    items = [
        FriendOut(id=r.id, nickname=r.nickname, school_id=r.school_id, friends_since=r.since)
        for r in rows
    ]
    return Page[FriendOut](items=items, next_cursor=next_cursor)


def remove_friend(session: Session, viewer: Viewer, friend_id: UUID) -> None:
    _lock_users(session, viewer.id, friend_id)
    removed = session.execute(
        delete(Friendship)
        .where(
            or_(
                and_(Friendship.user_id == viewer.id, Friendship.friend_id == friend_id),
                and_(Friendship.user_id == friend_id, Friendship.friend_id == viewer.id),
            )
        )
        .returning(Friendship.user_id)
    ).all()
    if not removed:
        raise NotFound("You are not friends.")
    for (user_id,) in removed:
        _bump(session, user_id, "friend_count", -1)


# --- follows ----------------------------------------------------------------------------


_FOLLOW = (
    insert(Follow)
    .values(follower_id=bindparam("follower_id"), followee_id=bindparam("followee_id"))
    .on_conflict_do_nothing()
    .returning(Follow.followee_id)
)
_UNFOLLOW = (
    delete(Follow)
    .where(
        Follow.follower_id == bindparam("follower_id"),
        Follow.followee_id == bindparam("followee_id"),
    )
    .returning(Follow.followee_id)
)
_FOLLOWER_COUNT = select(User.follower_count).where(User.id == bindparam("the_user"))


def set_follow(session: Session, viewer: Viewer, user_id: UUID, follow: bool) -> FollowState:
    """PUT follows, DELETE unfollows; both idempotent."""
    if user_id == viewer.id:
        raise InvalidInput("You cannot follow yourself.")
    # Both counters move: lock the two rows in id order, or A following B while B follows
    # A would deadlock.
    if user_id not in _lock_users(session, viewer.id, user_id):
        raise NotFound("No such user.")
    pair = {"follower_id": viewer.id, "followee_id": user_id}
    changed = run_prepared(session, _FOLLOW if follow else _UNFOLLOW, pair).first()
    if changed is None:
        count = run_prepared(session, _FOLLOWER_COUNT, {"the_user": user_id}).scalar()
    else:
        delta = 1 if follow else -1
        count = _bump(session, user_id, "follower_count", delta)
        _bump(session, viewer.id, "following_count", delta)
        if follow:
            outbox.record(
                session,
                EventType.user_followed,
                f"users/{user_id}/followers/{viewer.id}",
                {"follower_id": str(viewer.id), "followee_id": str(user_id)},
            )
    return FollowState(following=follow, follower_count=count)


def list_follows(
    session: Session, user_id: UUID, followers: bool, cursor: str | None, limit: int
) -> Page[FollowOut]:
    """A user's followers (followers=True) or the people they follow."""
    if session.scalar(select(User.id).where(User.id == user_id, User.deleted_at.is_(None))) is None:
        raise NotFound("No such user.")
    mine, theirs = (
        (Follow.followee_id, Follow.follower_id)
        if followers
        else (Follow.follower_id, Follow.followee_id)
    )
    stmt = (
        select(User.id, User.nickname, User.school_id, Follow.created_at.label("since"))
        .join(Follow, theirs == User.id)
        .where(mine == user_id, User.deleted_at.is_(None))
    )
    rows, next_cursor = keyset_page(session, stmt, Follow.created_at, theirs, cursor, limit)
    items = [
        FollowOut(id=r.id, nickname=r.nickname, school_id=r.school_id, since=r.since) for r in rows
    ]
    return Page[FollowOut](items=items, next_cursor=next_cursor)


def forget_user(session: Session, user_id: UUID) -> None:
    """A closing account leaves the graph, and the other side's counters drop with it.

    Called before the account is marked closed; everyone involved is locked in id order.
    """
    others = session.scalars(
        union(
            select(Follow.followee_id).where(Follow.follower_id == user_id),
            select(Follow.follower_id).where(Follow.followee_id == user_id),
            select(Friendship.friend_id).where(Friendship.user_id == user_id),
        )
    ).all()
    _lock_users(session, user_id, *others)
    followees = session.scalars(
        delete(Follow).where(Follow.follower_id == user_id).returning(Follow.followee_id)
    ).all()
    followers = session.scalars(
        delete(Follow).where(Follow.followee_id == user_id).returning(Follow.follower_id)
    ).all()
    friends = session.scalars(
        delete(Friendship).where(Friendship.user_id == user_id).returning(Friendship.friend_id)
    ).all()
    session.execute(delete(Friendship).where(Friendship.friend_id == user_id))
    session.execute(
        update(FriendRequest)
        .where(
            FriendRequest.status == RequestStatus.pending,
            or_(FriendRequest.sender_id == user_id, FriendRequest.recipient_id == user_id),
        )
        .values(status=RequestStatus.cancelled, responded_at=utcnow())
    )
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(follower_count=0, following_count=0, friend_count=0)
    )
    for ids, column in (
        (followees, "follower_count"),
        (followers, "following_count"),
        (friends, "friend_count"),
    ):
        for other in sorted(set(ids)):
            _bump(session, other, column, -1)
