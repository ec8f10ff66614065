"""Notifications: written by the comment-created and moderation handlers, read and marked
by users.

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
from api.moderation.models import Appeal, AppealOutcome
from api.notifications.models import Notification
from api.notifications.schemas import NotificationOut, ReadAllOut
from api.posts.models import Post, PostAnonymousAuthor
from api.posts.service import author_view, is_post_writer
from api.reports.models import Decision, ModerationAction, TargetType
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


# --- moderation decisions, told to the author ---------------------------------------------

MODERATORS = "Moderators"  # who acted, as the author is told: never a moderator's name
_DECISION_TEXT = {
    Decision.hidden: "Your {what} was hidden",
    Decision.restored: "Your {what} is shown again",
    Decision.removed: "Your {what} was removed",
    Decision.locked: "Your post was locked: it takes no new comments",
    Decision.unlocked: "Your post takes comments again",
    Decision.suspended: "Your account may not write for now",
    Decision.unsuspended: "Your account may write again",
}


def _tell(
    session: Session, event_id: UUID, user_id: UUID, kind: str, text: str, target: Any
) -> int:
    """One notification for `user_id`; the post or comment named only while it exists."""
    post_id = comment_id = None
    if target is not None and target.target_type == TargetType.post:
        post_id = session.scalar(select(Post.id).where(Post.id == target.target_id))
    elif target is not None:
        found = session.execute(
            select(Comment.id, Comment.post_id).where(Comment.id == target.target_id)
        ).one_or_none()
        comment_id, post_id = (found.id, found.post_id) if found else (None, None)
    written = session.execute(
        _notification_insert(),
        [
            {
                "user_id": user_id,
                "event_id": event_id,
                "kind": kind,
                "post_id": post_id,
                "comment_id": comment_id,
                "actor_label": MODERATORS,
                "text": text[:300],
            }
        ],
    ).all()
    return len(written)


def notify_decision(session: Session, event_id: UUID, action_id: UUID) -> int:
    """Tell the content's author what was decided and why (a dismissal tells nobody)."""
    entry = session.get(ModerationAction, action_id)
    if entry is None or entry.subject_id is None or entry.action not in _DECISION_TEXT:
        return 0
    what = "post" if entry.target_type == TargetType.post else "comment"
    text = f"{_DECISION_TEXT[Decision(entry.action)].format(what=what)}: {entry.reason}"
    return _tell(session, event_id, entry.subject_id, "moderation", text, entry)


def notify_hidden(
    session: Session, event_id: UUID, target_type: TargetType, target_id: UUID
) -> int:
    """An automatic hide (the report threshold's `content_hidden`): its log entry."""
    action_id = session.scalar(
        select(ModerationAction.id)
        .where(
            ModerationAction.target_type == target_type,
            ModerationAction.target_id == target_id,
            ModerationAction.action == Decision.hidden,
        )
        .order_by(ModerationAction.created_at.desc())
        .limit(1)
    )
    return 0 if action_id is None else notify_decision(session, event_id, action_id)


def notify_appeal_decided(session: Session, event_id: UUID, appeal_id: UUID) -> int:
    row = session.execute(
        select(Appeal.outcome, ModerationAction)
        .join(ModerationAction, ModerationAction.id == Appeal.action_id)
        .where(Appeal.id == appeal_id)
    ).one_or_none()
    if row is None or row.outcome is None or row.ModerationAction.subject_id is None:
        return 0
    text = (
        "Your appeal was granted: the decision was undone"
        if row.outcome == AppealOutcome.overturned
        else "Your appeal was heard: the decision stands"
    )
    entry = row.ModerationAction
    return _tell(session, event_id, entry.subject_id, "appeal", text, entry)
