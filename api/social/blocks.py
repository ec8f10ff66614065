"""Blocks: a user hides someone's posts, comments and notifications from their own views.

A block is one way it was made, a row per (blocker, how): on the user (by name), or on
one of their posts or comments, which may be anonymous. Rows are never merged per blocked
user: a listing with one entry for "bob" and "the author of <an anonymous post>" would tell
the blocker that bob wrote it.

What a block hides is the face it was made on (`Block.anonymous`): a named block hides the
user's named posts and comments, a block made on anonymous content hides their anonymous
ones. Hiding across faces would unmask: block bob by name and see which anonymous posts
vanish, or block an anonymous author and see whose named posts vanish.

Blocking is one way and silent: the blocked user's views, answers and counters stay as
they were (`tests/api/test_blocking.py` compares them), so their friend requests to the
blocker seem to go out and stay pending, unseen; follows and friendships are not touched.

Reads filter with `not_blocked`: one `NOT IN (SELECT ... FROM blocks WHERE blocker_id =
(SELECT :viewer))` in the read's own statement, which PostgreSQL runs once per statement as
a hashed subplan on `ix_blocks_blocker` (no round trip, no per-row lookup; an empty set for
most).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    and_,
    bindparam,
    delete,
    func,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from api.core.errors import NotFound
from api.core.pagination import Page, keyset_page
from api.core.viewer import Viewer
from api.social.errors import CannotBlockSelf, TooManyBlocks
from api.social.models import Block, BlockVia, FriendRequest, RequestStatus
from api.social.schemas import BlockOut, UserSummary
from api.users.models import User

# Every block is one more entry in the set each of the blocker's reads hashes; a bound
# keeps that set small whatever one account does.
MAX_BLOCKS = 1000
LABEL_CHARS = 80


# --- what reads filter by ----------------------------------------------------------------


def _blocked_pairs(viewer_id: UUID | BindParameter[Any]) -> Any:
    # The viewer's id goes in as `(SELECT :id)`, which the planner cannot look into: a
    # custom plan then estimates the viewer's blocks as the generic plan does. Seen as a
    # value, a viewer with none would make every custom plan look cheaper than the generic
    # one (costed for the average blocker), and PostgreSQL would plan the statement anew
    # on every request instead of keeping its generic plan.
    bound = (
        viewer_id
        if isinstance(viewer_id, BindParameter)
        else literal(viewer_id, Block.blocker_id.type)
    )
    viewer = select(bound).scalar_subquery()
    return select(Block.blocked_id, Block.anonymous).where(Block.blocker_id == viewer)


def viewer_param() -> BindParameter[Any]:
    """The viewer's id as the parameter `viewer_id`, for a statement built once and run
    for any viewer (`not_blocked_by`)."""
    return bindparam("viewer_id", type_=Block.blocker_id.type)


def not_blocked(viewer: Viewer, author_id: Any, anonymous: Any) -> ColumnElement[bool]:
    """SQL: content by `author_id` under this face (`anonymous`) is not blocked by the
    viewer. Both columns are NOT NULL, so NOT IN means what it says."""
    return not_blocked_by(viewer.id, author_id, anonymous)


def not_blocked_by(
    viewer_id: UUID | BindParameter[Any], author_id: Any, anonymous: Any
) -> ColumnElement[bool]:
    """`not_blocked` for a viewer's id, or the parameter `viewer_param()` stands for."""
    return tuple_(author_id, anonymous).not_in(_blocked_pairs(viewer_id))


def is_blocked(viewer: Viewer, author_id: Any, anonymous: Any) -> ColumnElement[bool]:
    """SQL: the negation of `not_blocked`, for a column that marks placeholders."""
    return tuple_(author_id, anonymous).in_(_blocked_pairs(viewer.id))


def blocks_exist(blocker_id: Any, blocked_id: Any, anonymous: Any) -> ColumnElement[bool]:
    """SQL: `blocker_id` blocked `blocked_id`'s face `anonymous` (columns or values)."""
    return (
        select(Block.id)
        .where(
            Block.blocker_id == blocker_id,
            Block.blocked_id == blocked_id,
            Block.anonymous == anonymous,
        )
        .exists()
    )


def named_blocks(session: Session, a: UUID, b: UUID) -> set[tuple[UUID, UUID]]:
    """(blocker, blocked) pairs of named blocks between two users, either way. A block made
    on anonymous content never counts here: refusing anything because of it would tell
    the blocker who the anonymous author is."""
    rows = session.execute(
        select(Block.blocker_id, Block.blocked_id)
        .where(
            or_(
                and_(Block.blocker_id == a, Block.blocked_id == b),
                and_(Block.blocker_id == b, Block.blocked_id == a),
            ),
            Block.anonymous.is_(False),
        )
        .distinct()
    ).all()
    return {(r.blocker_id, r.blocked_id) for r in rows}


# --- blocking -----------------------------------------------------------------------------


def _school_user(session: Session, viewer: Viewer, user_id: UUID, *, live: bool) -> User:
    user = session.get(User, user_id)
    if user is None or user.school_id != viewer.school_id or (live and user.deleted_at is not None):
        raise NotFound("No such user.")
    return user


def block_user(session: Session, viewer: Viewer, user_id: UUID) -> BlockOut:
    """Block a user by name (PUT: again changes nothing and answers the same)."""
    if user_id == viewer.id:
        raise CannotBlockSelf()
    user = _school_user(session, viewer, user_id, live=True)
    return add_block(session, viewer, user.id, BlockVia.user, user.id, anonymous=False, label=None)


def add_block(
    session: Session,
    viewer: Viewer,
    blocked_id: UUID,
    via_type: BlockVia,
    via_id: UUID,
    *,
    anonymous: bool,
    label: str | None,
) -> BlockOut:
    """The viewer's block made this way, new or as it was. The caller has checked that
    the viewer may see what it was made on."""
    if blocked_id == viewer.id:
        raise CannotBlockSelf()
    mine = (Block.blocker_id == viewer.id, Block.via_type == via_type, Block.via_id == via_id)
    block = session.scalar(select(Block).where(*mine))
    if block is None:
        count = select(func.count()).select_from(Block).where(Block.blocker_id == viewer.id)
        if (session.scalar(count) or 0) >= MAX_BLOCKS:
            raise TooManyBlocks(MAX_BLOCKS)
        if label is not None and len(label) > LABEL_CHARS:
            label = label[: LABEL_CHARS - 1] + "…"
        session.execute(
            insert(Block)
            .values(
                blocker_id=viewer.id,
                blocked_id=blocked_id,
                via_type=via_type,
                via_id=via_id,
                anonymous=anonymous,
                via_label=label,
            )
            .on_conflict_do_nothing(index_elements=["blocker_id", "via_type", "via_id"])
        )
        block = session.scalars(select(Block).where(*mine)).one()
        if not anonymous:
            # The blocker's own pending request to them goes, as if they had withdrawn it
            # (else the blocked user's asking back would accept it). Theirs to the blocker
            # stays pending, unseen (`list_requests`), so they see nothing change.
            session.execute(
                update(FriendRequest)
                .where(
                    FriendRequest.sender_id == viewer.id,
                    FriendRequest.recipient_id == blocked_id,
                    FriendRequest.status == RequestStatus.pending,
                )
                .values(status=RequestStatus.cancelled, responded_at=func.now())
            )
    user = None if block.anonymous else session.get(User, block.blocked_id)
    return _out(block, user.nickname if user else None, user)


def unblock_user(session: Session, viewer: Viewer, user_id: UUID) -> None:
    """Remove every named block of the user (by name, or made on their named posts and
    comments); blocks made on their anonymous content stay, unlinked. Idempotent."""
    _school_user(session, viewer, user_id, live=False)
    session.execute(
        delete(Block).where(
            Block.blocker_id == viewer.id,
            Block.blocked_id == user_id,
            Block.anonymous.is_(False),
        )
    )


def unblock_via(session: Session, viewer: Viewer, via_type: BlockVia, via_id: UUID) -> None:
    """Remove the block made on this post or comment, if the viewer made one."""
    session.execute(
        delete(Block).where(
            Block.blocker_id == viewer.id, Block.via_type == via_type, Block.via_id == via_id
        )
    )


def unblock(session: Session, viewer: Viewer, block_id: UUID) -> None:
    """Remove one of the viewer's blocks by its id; anyone else's, or none, is a no-op."""
    session.execute(delete(Block).where(Block.id == block_id, Block.blocker_id == viewer.id))


# --- my blocks ----------------------------------------------------------------------------


def _out(block: Block, nickname: str | None, user: Any) -> BlockOut:
    summary = None
    if block.anonymous:
        prefix = (
            "the author of the comment" if block.via_type == BlockVia.comment else ("the author of")
        )
        label = f"{prefix} “{block.via_label or ''}”"
    elif user is None or user.deleted_at is not None or nickname is None:
        label = "(deleted)"
    else:
        summary = UserSummary(id=block.blocked_id, nickname=nickname, school_id=user.school_id)
        label = nickname
    return BlockOut(
        id=block.id,
        via_type=block.via_type,
        via_id=block.via_id,
        anonymous=block.anonymous,
        user=summary,
        label=label,
        created_at=block.created_at,
    )


def list_blocks(session: Session, viewer: Viewer, cursor: str | None, limit: int) -> Page[BlockOut]:
    """Newest first. A block made on anonymous content is never joined to its user."""
    stmt = (
        select(Block, User.nickname, User.school_id, User.deleted_at)
        .outerjoin(User, and_(Block.anonymous.is_(False), User.id == Block.blocked_id))
        .where(Block.blocker_id == viewer.id)
    )
    rows, next_cursor = keyset_page(session, stmt, Block.created_at, Block.id, cursor, limit)
    items = [_out(r.Block, r.nickname, r if r.school_id is not None else None) for r in rows]
    return Page[BlockOut](items=items, next_cursor=next_cursor)
