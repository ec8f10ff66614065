"""Likes and scraps. PUT adds, DELETE removes; repeating either changes nothing.

The row's primary key makes a second like a no-op even when 50 arrive at once, and the
counter moves only when a row was really inserted or deleted, so counts stay exact.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import and_, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from api.comments import service as comments_service
from api.comments.models import Comment, CommentLike
from api.core.db import run_prepared
from api.core.errors import Forbidden, NotFound
from api.core.viewer import Viewer
from api.outbox import service as outbox
from api.outbox.types import EventType
from api.posts import service as posts_service
from api.posts.models import Post, PostLike, Scrap
from api.reactions.schemas import LikeState, ScrapState


def _toggle(
    session: Session,
    *,
    add: bool,
    mark: Any,
    key: dict[str, UUID],
    target: Any,
    target_id: UUID,
    counter: str,
    added_event: tuple[EventType, str, dict[str, Any]],
) -> int:
    """Add or remove one mark row and move the target's counter if a row really changed;
    a mark really added also records `added_event` (type, subject, data).

    Returns the counter as committed now: when nothing changed (a concurrent request got
    there first), a fresh statement reads it, since the value read before our statement
    waited on the other transaction is stale.
    """
    marking, reading, counting = _toggle_statements(add, mark, tuple(key), target, counter)
    changed = run_prepared(session, marking, key).first()
    if changed is None:
        return run_prepared(session, reading, {"target_id": target_id}).scalar_one()
    if add:
        outbox.record(session, *added_event)
    return run_prepared(session, counting, {"target_id": target_id}).scalar_one()


@cache  # built once per kind of mark, the ids bound when they run
def _toggle_statements(
    add: bool, mark: Any, key: tuple[str, ...], target: Any, counter: str
) -> tuple[Any, Any, Any]:
    """`_toggle`'s statements: the mark's insert or delete (the key's columns as
    parameters of the same names), the counter's read, and its move (`target_id`)."""
    if add:
        marking: Any = insert(mark).values({k: bindparam(k) for k in key}).on_conflict_do_nothing()
    else:
        marking = delete(mark).where(and_(*(getattr(mark, k) == bindparam(k) for k in key)))
    column = getattr(target, counter)
    the_target = target.id == bindparam("target_id")
    counting = (
        update(target)
        .where(the_target)
        .values({counter: column + (1 if add else -1)})
        .returning(column)
    )
    return marking.returning(mark.user_id), select(column).where(the_target), counting


def _visible_comment(session: Session, viewer: Viewer, comment_id: UUID) -> tuple[Comment, Post]:
    comment, post = comments_service.visible_comment(session, viewer, comment_id)
    if comment.hidden_at is not None:  # a placeholder: nothing to like
        raise NotFound("No such comment.")
    return comment, post


def set_post_like(session: Session, viewer: Viewer, post_id: UUID, liked: bool) -> LikeState:
    post = posts_service.visible_post(session, viewer, post_id)
    if liked and post.author_id == viewer.id:
        raise Forbidden("You cannot like your own post.")
    count = _toggle(
        session,
        add=liked,
        mark=PostLike,
        key={"post_id": post_id, "user_id": viewer.id},
        target=Post,
        target_id=post_id,
        counter="like_count",
        added_event=(
            EventType.post_liked,
            f"posts/{post_id}",
            {"post_id": str(post_id), "school_id": str(post.school_id), "user_id": str(viewer.id)},
        ),
    )
    return LikeState(liked=liked, like_count=count)


def set_comment_like(session: Session, viewer: Viewer, comment_id: UUID, liked: bool) -> LikeState:
    comment, post = _visible_comment(session, viewer, comment_id)
    if liked and comment.author_id == viewer.id:
        raise Forbidden("You cannot like your own comment.")
    if liked:
        posts_service.require_open(post)
    count = _toggle(
        session,
        add=liked,
        mark=CommentLike,
        key={"comment_id": comment_id, "user_id": viewer.id},
        target=Comment,
        target_id=comment_id,
        counter="like_count",
        added_event=(
            EventType.comment_liked,
            f"posts/{comment.post_id}/comments/{comment_id}",
            {
                "comment_id": str(comment_id),
                "post_id": str(comment.post_id),
                "school_id": str(viewer.school_id),
                "user_id": str(viewer.id),
            },
        ),
    )
    return LikeState(liked=liked, like_count=count)


def set_scrap(session: Session, viewer: Viewer, post_id: UUID, scrapped: bool) -> ScrapState:
    post = posts_service.visible_post(session, viewer, post_id)
    if scrapped:
        posts_service.require_open(post)
    count = _toggle(
        session,
        add=scrapped,
        mark=Scrap,
        key={"post_id": post_id, "user_id": viewer.id},
        target=Post,
        target_id=post_id,
        counter="scrap_count",
        added_event=(
            EventType.post_scrapped,
            f"posts/{post_id}",
            {"post_id": str(post_id), "school_id": str(post.school_id), "user_id": str(viewer.id)},
        ),
    )
    return ScrapState(scrapped=scrapped, scrap_count=count)
