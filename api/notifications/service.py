"""Notifications: written by the comment-created handler, read and marked by users.

Nobody is told of a comment by someone they blocked (under the comment's face,
`api/social/blocks.py`), and notifications written before the block are left out when
listed.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, exists, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from api.comments.models import Comment
from api.core.db import AnySelect, table_of, utcnow
from api.core.errors import NotFound
from api.core.pagination import Page, decode_key, encode_key, page_limit
from api.core.viewer import Viewer
from api.notifications.models import Notification
from api.notifications.schemas import NotificationOut, ReadAllOut
from api.posts.models import Post, PostAnonymousAuthor
from api.posts.service import author_view, is_post_writer
from api.social import blocks
from api.users.models import User

SNIPPET = 80


@cache  # built once: statements are immutable, and building one costs more than running it
def _comment_select() -> AnySelect:
    """The new comment, what the label needs, and the parent comment's author: one row.
    Core tables rather than ORM entities: nothing here needs an object."""
    comments, posts, users = table_of(Comment), table_of(Post), table_of(User)
    numbers = table_of(PostAnonymousAuthor)
    parent = comments.alias("parent")
    return (
        select(
            comments.c.post_id,
            comments.c.author_id,
            comments.c.anonymous,
            comments.c.body,
            comments.c.deleted_at,
            posts.c.author_id.label("post_author"),
            posts.c.anonymous.label("post_anon"),
            users.c.nickname,
            users.c.deleted_at.label("author_deleted_at"),
            numbers.c.number,
            parent.c.author_id.label("parent_author"),
            # Whether each would-be recipient blocked the commenter under this face.
            blocks.blocks_exist(
                posts.c.author_id, comments.c.author_id, comments.c.anonymous
            ).label("post_author_blocked"),
            blocks.blocks_exist(
                parent.c.author_id, comments.c.author_id, comments.c.anonymous
            ).label("parent_author_blocked"),
        )
        .join(posts, posts.c.id == comments.c.post_id)
        .join(users, users.c.id == comments.c.author_id)
        .outerjoin(
            numbers,
            (numbers.c.post_id == comments.c.post_id) & (numbers.c.user_id == comments.c.author_id),
        )
        .outerjoin(parent, parent.c.id == comments.c.parent_id)
        .where(comments.c.id == bindparam("comment_id"))
    )


@cache
def _notification_insert() -> ReturningInsert[Any]:
    """Executed with the list of rows (one statement, "insertmanyvalues"): a multi-row
    `.values([...])` would be a new statement to compile for every event."""
    table = table_of(Notification)
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["event_id", "user_id"])
        .returning(table.c.id)
    )


def notify_comment(session: Session, event_id: UUID, comment_id: UUID) -> int:
    """Tell the post's author, and the parent comment's author for a reply, about a new
    comment; never the commenter themselves. Returns how many were written (0 for a
    redelivered event). The commenter is named only by the label others see."""
    row = session.execute(_comment_select(), {"comment_id": comment_id}).one_or_none()
    if row is None or row.deleted_at is not None:
        return 0  # gone before we got to it: nothing to say
    actor = author_view(
        author_id=row.author_id,
        nickname=row.nickname,
        deleted_at=row.author_deleted_at,
        anonymous=row.anonymous,
        number=row.number if row.anonymous else None,
        is_writer=is_post_writer(
            post_author_id=row.post_author,
            post_anonymous=row.post_anon,
            author_id=row.author_id,
            anonymous=row.anonymous,
        ),
    ).label
    body: str = row.body
    snippet = body if len(body) <= SNIPPET else body[: SNIPPET - 1] + "…"
    recipients: dict[UUID, tuple[str, str]] = {}
    if row.parent_author is not None and not row.parent_author_blocked:
        recipients[row.parent_author] = ("reply", f"{actor} replied to your comment: {snippet}")
    if not row.post_author_blocked:
        recipients.setdefault(
            row.post_author, ("comment", f"{actor} commented on your post: {snippet}")
        )
    recipients.pop(row.author_id, None)
    if not recipients:
        return 0
    written = session.execute(
        _notification_insert(),
        [
            {
                "user_id": user_id,
                "event_id": event_id,
                "kind": kind,
                "post_id": row.post_id,
                "comment_id": comment_id,
                "actor_label": actor,
                "text": text,
            }
            for user_id, (kind, text) in recipients.items()
        ],
    ).all()
    return len(written)


def _out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.id,
        kind=n.kind,
        post_id=n.post_id,
        comment_id=n.comment_id,
        actor_label=n.actor_label,
        text=n.text,
        created_at=n.created_at,
        read=n.read_at is not None,
    )


def list_notifications(
    session: Session, viewer: Viewer, cursor: str | None, limit: int
) -> Page[NotificationOut]:
    """Unread first, then newest first: one statement a page. Those about comments by
    someone the viewer has blocked since are left out."""
    unread = Notification.read_at.is_(None)
    by_blocked = exists().where(
        Comment.id == Notification.comment_id,
        blocks.is_blocked(viewer, Comment.author_id, Comment.anonymous),
    )
    stmt = select(Notification).where(Notification.user_id == viewer.id, ~by_blocked)
    if cursor is not None:
        after = decode_key(cursor, bool, datetime, UUID)
        stmt = stmt.where(tuple_(unread, Notification.created_at, Notification.id) < tuple_(*after))
    rows = session.scalars(
        stmt.order_by(unread.desc(), Notification.created_at.desc(), Notification.id.desc()).limit(
            page_limit(limit)
        )
    ).all()
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = encode_key(last.read_at is None, last.created_at, last.id) if last else None
    return Page[NotificationOut](items=[_out(n) for n in rows[:limit]], next_cursor=next_cursor)


def mark_read(session: Session, viewer: Viewer, notification_id: UUID) -> NotificationOut:
    n = session.get(Notification, notification_id)
    if n is None or n.user_id != viewer.id:
        raise NotFound("No such notification.")
    if n.read_at is None:
        n.read_at = utcnow()
    return _out(n)


def mark_all_read(session: Session, viewer: Viewer) -> ReadAllOut:
    marked = session.execute(
        update(Notification)
        .where(Notification.user_id == viewer.id, Notification.read_at.is_(None))
        .values(read_at=func.now())
        .returning(Notification.id)
    ).all()
    return ReadAllOut(marked=len(marked))
