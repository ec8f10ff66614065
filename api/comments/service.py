"""Comments and one level of replies, with per-post anonymous numbering.

Within a post, each anonymous commenter gets the next number at their first anonymous
comment, kept for the life of the post. The post's author commenting anonymously on
their own anonymous post is "the writer" instead. `is_writer` is only ever shown when it
cannot unmask anyone: both the post and the comment must be equally anonymous.

Comments by someone the viewer blocked (`api/social/blocks.py`, under the comment's face)
are left out; one with replies the viewer may see stays as a placeholder, as a deleted one
does.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, aliased

from api.boards import service as boards_service
from api.boards.models import Board
from api.comments.errors import CommentHidden
from api.comments.models import Comment, CommentLike
from api.comments.schemas import CommentIn, CommentOut, CommentThread, CommentUpdate
from api.core.db import run_prepared, utcnow
from api.core.errors import Forbidden, NotFound
from api.core.ids import new_id
from api.core.pagination import Page, decode_cursor, encode_cursor, page_limit
from api.core.viewer import Viewer
from api.outbox import service as outbox
from api.outbox.types import EventType
from api.posts import service as posts_service
from api.posts.errors import PostLocked
from api.posts.models import Post, PostAnonymousAuthor
from api.social import blocks
from api.social.models import BlockVia
from api.social.schemas import BlockOut
from api.users.models import User

EXCERPT_CHARS = 60


def _is_writer(post: Any, author_id: UUID, anonymous: bool) -> bool:
    return posts_service.is_post_writer(
        post_author_id=post.author_id,
        post_anonymous=post.anonymous,
        author_id=author_id,
        anonymous=anonymous,
    )


def _out(row: Any, post: Any, viewer: Viewer, blocked: bool = False) -> CommentOut:
    c: Comment = row.Comment
    deleted = c.deleted_at is not None
    hidden = c.hidden_at is not None
    author = None
    if not deleted and not blocked:
        author = posts_service.author_view(
            author_id=c.author_id,
            nickname=row.nickname,
            deleted_at=row.user_deleted_at,
            anonymous=c.anonymous,
            number=row.number,
            is_writer=_is_writer(post, c.author_id, c.anonymous),
        )
    return CommentOut(
        id=c.id,
        post_id=c.post_id,
        parent_id=c.parent_id,
        # A hidden comment is a placeholder to everyone but its author.
        body=None if deleted or blocked or (hidden and c.author_id != viewer.id) else c.body,
        anonymous=c.anonymous,
        author=author,
        like_count=c.like_count,
        deleted=deleted,
        hidden=hidden,
        blocked=blocked,
        created_at=c.created_at,
        updated_at=c.updated_at,
        is_mine=not deleted and c.author_id == viewer.id,
        liked=row.liked,
    )


def _comment_select(viewer: Viewer) -> Any:
    liked = (
        select(CommentLike.comment_id)
        .where(CommentLike.comment_id == Comment.id, CommentLike.user_id == viewer.id)
        .exists()
    )
    return (
        select(
            Comment,
            User.nickname,
            User.deleted_at.label("user_deleted_at"),
            PostAnonymousAuthor.number,
            liked.label("liked"),
        )
        .join(User, User.id == Comment.author_id)
        .outerjoin(
            PostAnonymousAuthor,
            and_(
                Comment.anonymous,
                PostAnonymousAuthor.post_id == Comment.post_id,
                PostAnonymousAuthor.user_id == Comment.author_id,
            ),
        )
    )


def list_comments(
    session: Session, viewer: Viewer, post_id: UUID, cursor: str | None, limit: int
) -> Page[CommentThread]:
    """Top-level comments oldest first, each with all its replies: two statements a page.

    Blocked replies are left out; a blocked top-level comment only stays, as a
    placeholder, while a reply under it is shown."""
    post = posts_service.visible_post(session, viewer, post_id)
    after = decode_cursor(cursor)
    reply = aliased(Comment)
    shown = blocks.not_blocked(viewer, Comment.author_id, Comment.anonymous)
    top = select(Comment.id).where(
        Comment.post_id == post_id,
        Comment.parent_id.is_(None),
        or_(
            shown,
            select(reply.id)
            .where(
                reply.parent_id == Comment.id,
                blocks.not_blocked(viewer, reply.author_id, reply.anonymous),
            )
            .exists(),
        ),
    )
    if after is not None:
        top = top.where(func.row(Comment.created_at, Comment.id) > func.row(*after))
    top_ids = top.order_by(Comment.created_at, Comment.id).limit(page_limit(limit)).cte("top_ids")
    rows = session.execute(
        _comment_select(viewer)
        .add_columns(blocks.is_blocked(viewer, Comment.author_id, Comment.anonymous).label("b"))
        .where(
            # The post filter lets the OR be answered from this post's index range; without
            # it PostgreSQL scans every comment.
            Comment.post_id == post_id,
            or_(
                Comment.id.in_(select(top_ids.c.id)),
                Comment.parent_id.in_(select(top_ids.c.id)),
            ),
            or_(Comment.parent_id.is_(None), shown),
        )
        .order_by(Comment.created_at, Comment.id)
    ).all()

    threads: dict[UUID, CommentThread] = {}
    replies: list[tuple[UUID, CommentOut]] = []
    for row in rows:
        out = _out(row, post, viewer, blocked=row.b)
        if row.Comment.parent_id is None:
            threads[out.id] = CommentThread(**out.model_dump(), replies=[])
        else:
            replies.append((row.Comment.parent_id, out))
    for parent_id, child in replies:
        threads[parent_id].replies.append(child)
    items = list(threads.values())
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = encode_cursor(items[-1].created_at, items[-1].id)
    return Page[CommentThread](items=items, next_cursor=next_cursor)


def _insert_number(post_id: UUID, user_id: UUID, number: Any) -> Any:
    """Give the user the next number in this post unless they have one.

    The caller holds the post's row lock, so numbers are handed out one at a time.
    """
    return (
        pg_insert(PostAnonymousAuthor)
        .values(post_id=post_id, user_id=user_id, number=number)
        .on_conflict_do_nothing(index_elements=["post_id", "user_id"])
    )


@cache  # a comment's two statements, built once and bound when they run
def _count_comment() -> Any:
    return (
        update(Post)
        .where(
            Post.id == bindparam("the_post"),
            Post.school_id == bindparam("the_school"),
            Post.hidden_at.is_(None),
            Board.id == Post.board_id,
        )
        .values(comment_count=Post.comment_count + 1)
        .returning(
            Post.school_id,
            Post.author_id,
            Post.anonymous,
            Post.locked_at,
            Board.owner_id,
            Board.write_rule,
            Board.name_rule,
        )
        .execution_options(synchronize_session=False)
    )


@cache
def _insert_comment() -> Any:
    columns = ("id", "post_id", "parent_id", "author_id", "body", "anonymous", "created_at")
    return (
        insert(Comment)
        .values({**{name: bindparam(name) for name in columns}, "like_count": 0, "reply_count": 0})
        .returning(select(User.nickname).where(User.id == bindparam("author_id")).scalar_subquery())
    )


def create_comment(session: Session, viewer: Viewer, post_id: UUID, data: CommentIn) -> CommentOut:
    # Count the comment first: the UPDATE locks the post, which serialises numbering,
    # counters and the question-post rule on it, and says whether the viewer may see it.
    # It brings the board's rules along; a refused comment rolls the count back.
    post = run_prepared(
        session, _count_comment(), {"the_post": post_id, "the_school": viewer.school_id}
    ).one_or_none()
    if post is None:
        # Not there, or hidden: 404 unless the viewer may see it (its author), then 409.
        posts_service.require_open(posts_service.visible_post(session, viewer, post_id))
        raise NotFound("No such post.")  # reopened or gone in between
    if post.locked_at is not None:
        raise PostLocked()
    boards_service.require_may_write(viewer, post, anonymous=data.anonymous, session=session)
    parent_id = None
    if data.parent_id is not None:
        parent = session.get(Comment, data.parent_id, with_for_update=True)
        if parent is None or parent.post_id != post_id:
            raise NotFound("No such comment on this post.")
        if parent.parent_id is not None:  # one level only: join the top-level thread
            parent = session.get(Comment, parent.parent_id, with_for_update=True)
            assert parent is not None
        if parent.deleted_at is not None:
            raise NotFound("That comment was deleted.")
        parent.reply_count += 1
        parent_id = parent.id
    number = None
    if data.anonymous and not _is_writer(post, viewer.id, True):
        number = _anonymous_number(session, post_id, viewer.id)
    comment_id, created_at = new_id(), utcnow()
    nickname = run_prepared(
        session,
        _insert_comment(),
        {
            "id": comment_id,
            "post_id": post_id,
            "parent_id": parent_id,
            "author_id": viewer.id,
            "body": data.body,
            "anonymous": data.anonymous,
            "created_at": created_at,
        },
    ).scalar_one()
    outbox.record(
        session,
        EventType.comment_created,
        f"posts/{post_id}/comments/{comment_id}",
        {
            "comment_id": str(comment_id),
            "post_id": str(post_id),
            "parent_id": str(parent_id) if parent_id else None,
            "school_id": str(post.school_id),
            "author_id": str(viewer.id),
            "anonymous": data.anonymous,
        },
    )
    # Built from what was just written (the router checked the account is active).
    return CommentOut(
        id=comment_id,
        post_id=post_id,
        parent_id=parent_id,
        body=data.body,
        anonymous=data.anonymous,
        author=posts_service.author_view(
            author_id=viewer.id,
            nickname=nickname,
            deleted_at=None,
            anonymous=data.anonymous,
            number=number,
            is_writer=_is_writer(post, viewer.id, data.anonymous),
        ),
        like_count=0,
        deleted=False,
        hidden=False,
        created_at=created_at,
        updated_at=None,
        is_mine=True,
        liked=False,
    )


def _anonymous_number(session: Session, post_id: UUID, user_id: UUID) -> int:
    """The viewer's number in this post: the next free one at their first anonymous
    comment (the post is locked, so two first comments cannot take the same one)."""
    number = session.execute(
        _insert_number(post_id, user_id, _next_number(post_id)).returning(
            PostAnonymousAuthor.number
        )
    ).scalar_one_or_none()
    if number is None:  # they commented anonymously here before
        number = session.execute(
            select(PostAnonymousAuthor.number).where(
                PostAnonymousAuthor.post_id == post_id, PostAnonymousAuthor.user_id == user_id
            )
        ).scalar_one()
    return number


def _next_number(post_id: UUID) -> Any:
    return (
        select(func.coalesce(func.max(PostAnonymousAuthor.number), 0) + 1)
        .where(PostAnonymousAuthor.post_id == post_id)
        .scalar_subquery()
    )


def get_comment(
    session: Session, viewer: Viewer, comment_id: UUID, post: Post | None = None
) -> CommentOut:
    row = session.execute(_comment_select(viewer).where(Comment.id == comment_id)).one_or_none()
    if row is None:
        raise NotFound("No such comment.")
    if post is None:
        post = posts_service.visible_post(session, viewer, row.Comment.post_id)
    return _out(row, post, viewer)


def visible_comment(session: Session, viewer: Viewer, comment_id: UUID) -> tuple[Comment, Post]:
    row = session.execute(
        select(Comment, Post).join(Post, Post.id == Comment.post_id).where(Comment.id == comment_id)
    ).one_or_none()
    if row is None or not posts_service.can_see(row.Post, viewer) or row.Comment.deleted_at:
        raise NotFound("No such comment.")
    return row.Comment, row.Post


def block_author(session: Session, viewer: Viewer, comment_id: UUID) -> BlockOut:
    """Block whoever wrote a comment the viewer may see, under the comment's face: an
    anonymous commenter stays unnamed (`api/social/blocks.py`)."""
    comment, _post = visible_comment(session, viewer, comment_id)
    shown = comment.hidden_at is None or comment.author_id == viewer.id
    excerpt = comment.body if shown else "(hidden)"
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[: EXCERPT_CHARS - 1] + "…"
    return blocks.add_block(
        session,
        viewer,
        comment.author_id,
        BlockVia.comment,
        comment.id,
        anonymous=comment.anonymous,
        label=excerpt,
    )


def _own_comment(session: Session, viewer: Viewer, comment_id: UUID) -> tuple[Comment, Post]:
    comment, post = visible_comment(session, viewer, comment_id)
    if comment.author_id != viewer.id:
        raise Forbidden("Only the author can change this comment.")
    return comment, post


def update_comment(
    session: Session, viewer: Viewer, comment_id: UUID, data: CommentUpdate
) -> CommentOut:
    comment, post = _own_comment(session, viewer, comment_id)
    posts_service.require_open(post)
    if comment.hidden_at is not None:
        raise CommentHidden()
    comment.body = data.body
    comment.updated_at = utcnow()
    session.flush()
    return get_comment(session, viewer, comment_id, post)


def delete_comment(session: Session, viewer: Viewer, comment_id: UUID) -> None:
    comment, post = _own_comment(session, viewer, comment_id)
    delete_loaded_comment(session, comment, post)


def delete_loaded_comment(session: Session, comment: Comment, post: Post) -> None:
    """Delete a comment the caller loaded and may delete: its author, or a moderator's
    removal (api/moderation/), which leaves what the author's own delete leaves."""
    session.execute(
        update(Post).where(Post.id == post.id).values(comment_count=Post.comment_count - 1)
    )
    if comment.parent_id is None and comment.reply_count > 0:
        # Its replies keep their place under a placeholder.
        comment.deleted_at = utcnow()
        comment.body = ""
        return
    parent_id = comment.parent_id
    session.delete(comment)
    session.flush()
    if parent_id is not None:
        parent = session.get(Comment, parent_id, with_for_update=True)
        assert parent is not None
        parent.reply_count -= 1
        if parent.deleted_at is not None and parent.reply_count == 0:
            # The last reply under a placeholder is gone: so is the placeholder.
            session.execute(delete(Comment).where(Comment.id == parent_id))
