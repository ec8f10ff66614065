"""Notifications: written by the comment-created handler, read and marked by users."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from api.auth.tokens import Viewer
from api.comments.models import Comment
from api.core.db import utcnow
from api.core.errors import NotFound
from api.core.pagination import Page, decode_key, encode_key
from api.notifications.models import Notification
from api.notifications.schemas import NotificationOut, ReadAllOut
from api.posts.models import Post, PostAnonymousAuthor
from api.posts.service import author_view
from api.users.models import User

SNIPPET = 80


def notify_comment(session: Session, event_id: UUID, comment_id: UUID) -> int:
    """Tell the post's author, and the parent comment's author for a reply, about a new
    comment; never the commenter themselves. Returns how many were written (0 for a
    redelivered event). The commenter is named only by the label others see."""
    row = session.execute(
        select(
            Comment,
            Post.author_id.label("post_author"),
            Post.anonymous.label("post_anon"),
            User.nickname,
            User.deleted_at,
            PostAnonymousAuthor.number,
        )
        .join(Post, Post.id == Comment.post_id)
        .join(User, User.id == Comment.author_id)
        .outerjoin(
            PostAnonymousAuthor,
            (PostAnonymousAuthor.post_id == Comment.post_id)
            & (PostAnonymousAuthor.user_id == Comment.author_id),
        )
        .where(Comment.id == comment_id)
    ).one_or_none()
    if row is None or row.Comment.deleted_at is not None:
        return 0  # gone before we got to it: nothing to say
    comment: Comment = row.Comment
    actor = author_view(
        author_id=comment.author_id,
        nickname=row.nickname,
        deleted_at=row.deleted_at,
        anonymous=comment.anonymous,
        number=row.number if comment.anonymous else None,
        is_writer=comment.author_id == row.post_author and comment.anonymous == row.post_anon,
    ).label
    snippet = comment.body if len(comment.body) <= SNIPPET else comment.body[: SNIPPET - 1] + "…"
    recipients: dict[UUID, tuple[str, str]] = {}
    if comment.parent_id is not None:
        parent_author = session.scalar(
            select(Comment.author_id).where(Comment.id == comment.parent_id)
        )
        if parent_author is not None:
            recipients[parent_author] = ("reply", f"{actor} replied to your comment: {snippet}")
    recipients.setdefault(
        row.post_author, ("comment", f"{actor} commented on your post: {snippet}")
    )
    recipients.pop(comment.author_id, None)
    if not recipients:
        return 0
    written = session.execute(
        insert(Notification)
        .values(
            [
                {
                    "user_id": user_id,
                    "event_id": event_id,
                    "kind": kind,
                    "post_id": comment.post_id,
                    "comment_id": comment.id,
                    "actor_label": actor,
                    "text": text,
                }
                for user_id, (kind, text) in recipients.items()
            ]
        )
        .on_conflict_do_nothing(index_elements=["event_id", "user_id"])
        .returning(Notification.id)
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
    """Unread first, then newest first: one statement a page."""
    unread = Notification.read_at.is_(None)
    stmt = select(Notification).where(Notification.user_id == viewer.id)
    if cursor:
        after = decode_key(cursor, bool, datetime, UUID)
        stmt = stmt.where(tuple_(unread, Notification.created_at, Notification.id) < tuple_(*after))
    rows = session.scalars(
        stmt.order_by(unread.desc(), Notification.created_at.desc(), Notification.id.desc()).limit(
            limit + 1
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
