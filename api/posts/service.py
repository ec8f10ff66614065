"""Posts: writing, reading, board pages, search, HOT, my posts and scraps.

Every list is one SQL statement per page (a keyset page joined with its authors), and
anonymous content never carries its author's id or nickname to anyone. Lists leave out
what the viewer blocked (`api/social/blocks.py`: `not_blocked`, in the same statement).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    exists,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, defer

from api.boards import service as boards_service
from api.boards.errors import BoardNotEmpty
from api.core import search
from api.core.db import AnySelect, run_prepared, utcnow
from api.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from api.core.ids import new_id
from api.core.pagination import (
    KeysetStatements,
    Page,
    keyset_page,
    keyset_statements,
    run_keyset,
)
from api.core.viewer import Viewer
from api.outbox import service as outbox
from api.outbox.types import EventType
from api.posts.errors import PostHidden
from api.posts.models import HOT_LIKE_THRESHOLD, Post, PostLike, Scrap
from api.posts.schemas import Author, PostIn, PostOut, PostSummary, PostUpdate
from api.social import blocks
from api.social.models import BlockVia
from api.social.schemas import BlockOut
from api.uploads import service as uploads_service
from api.users.models import User
from infra import database
from infra.database import CUSTOM_PLAN

EXCERPT_CHARS = 200


# --- hidden posts: the one rule every endpoint follows ----------------------------------
# A hidden post (hidden by reports, or by a moderator) exists for its author alone:
# - anyone else gets 404 wherever it is named (detail, comments, comment, like, scrap,
#   report) and never finds it in a list;
# - its author sees it, `hidden: true`, in its detail, its comments and their own posts and
#   scraps, but not in the lists everyone shares (board, search, HOT, profiles: those show
#   what everyone sees), and may delete it but not change it or add to it (409).


def shown_to(viewer: Viewer) -> ColumnElement[bool]:
    """SQL: a post of the viewer's school the viewer may see."""
    return and_(
        Post.school_id == viewer.school_id,
        or_(Post.hidden_at.is_(None), Post.author_id == viewer.id),
    )


# SQL: a post the lists everyone shares may show.
LISTED = Post.hidden_at.is_(None)


def not_blocked(viewer: Viewer) -> ColumnElement[bool]:
    """SQL: a post whose author the viewer has not blocked (under the post's face). Every
    list but the viewer's own posts has it; a direct link still opens the post."""
    return blocks.not_blocked(viewer, Post.author_id, Post.anonymous)


def can_see(post: Post, viewer: Viewer) -> bool:
    """`shown_to` for a loaded post."""
    return post.school_id == viewer.school_id and (
        post.hidden_at is None or post.author_id == viewer.id
    )


def require_open(post: Post) -> None:
    """A post that may be changed or added to (commented, liked, scrapped)."""
    if post.hidden_at is not None:
        raise PostHidden()


def is_post_writer(
    *, post_author_id: UUID, post_anonymous: bool, author_id: UUID, anonymous: bool
) -> bool:
    """Whether content on a post is its writer's, as others may know it: the post's author,
    anonymous exactly when the post is (an anonymous post's author commenting under their
    name, or the reverse, is not shown as the writer)."""
    return author_id == post_author_id and anonymous == post_anonymous


def author_view(
    *,
    author_id: UUID,
    nickname: str | None,
    deleted_at: datetime | None,
    anonymous: bool,
    number: int | None = None,
    is_writer: bool = False,
) -> Author:
    """The one place that decides what others may see of an author."""
    if anonymous:
        if is_writer:
            label = "Anonymous (writer)"
        else:
            label = f"Anonymous {number}" if number else "Anonymous"
        return Author(anonymous=True, number=number, is_writer=is_writer, label=label)
    if deleted_at is not None or nickname is None:
        return Author(deleted=True, is_writer=is_writer, label="(deleted)")
    return Author(id=author_id, nickname=nickname, is_writer=is_writer, label=nickname)


# --- reading -------------------------------------------------------------------------


@cache  # built once: statements are immutable, and building one costs more than running it
def _summary_select() -> AnySelect:
    return select(
        Post.id,
        Post.board_id,
        Post.title,
        func.left(Post.body, EXCERPT_CHARS).label("excerpt"),
        Post.anonymous,
        Post.question,
        Post.like_count,
        Post.comment_count,
        Post.scrap_count,
        Post.image_count,
        Post.created_at,
        Post.author_id,
        Post.hidden_at,
        User.nickname,
        User.deleted_at,
    ).join(User, User.id == Post.author_id)


def _summary(row: Any, viewer: Viewer) -> PostSummary:
    return PostSummary(
        id=row.id,
        board_id=row.board_id,
        title=row.title,
        excerpt=row.excerpt,
        anonymous=row.anonymous,
        question=row.question,
        author=author_view(
            author_id=row.author_id,
            nickname=row.nickname,
            deleted_at=row.deleted_at,
            anonymous=row.anonymous,
            is_writer=True,
        ),
        like_count=row.like_count,
        comment_count=row.comment_count,
        scrap_count=row.scrap_count,
        created_at=row.created_at,
        is_mine=row.author_id == viewer.id,
        hidden=row.hidden_at is not None,
        image_count=row.image_count,
    )


def _page(
    session: Session, viewer: Viewer, stmt: AnySelect, cursor: str | None, limit: int
) -> Page[PostSummary]:
    rows, next_cursor = keyset_page(
        session, stmt, Post.created_at, Post.id, cursor, limit, cursor_of=_post_key
    )
    return _summary_page(session, viewer, rows, next_cursor)


def _summary_page(
    session: Session, viewer: Viewer, rows: Sequence[Any], next_cursor: str | None
) -> Page[PostSummary]:
    items = [_summary(r, viewer) for r in rows]
    uploads_service.add_thumbnails(session, items)  # a query only if some post has images
    return Page[PostSummary](items=items, next_cursor=next_cursor)


def _post_key(row: Any) -> tuple[datetime, UUID]:
    return row.created_at, row.id


@cache  # the busiest read: built once, its values bound when it runs
def _board_page() -> KeysetStatements:
    stmt = _summary_select().where(
        Post.board_id == bindparam("board_id"),
        Post.school_id == bindparam("school_id"),
        LISTED,
        blocks.not_blocked_by(blocks.viewer_param(), Post.author_id, Post.anonymous),
    )
    return keyset_statements(stmt, Post.created_at, Post.id)


def list_board(
    session: Session, viewer: Viewer, board_id: UUID, cursor: str | None, limit: int
) -> Page[PostSummary]:
    # The page itself proves the board is the viewer's (posts carry their school), so the
    # board is looked up only when the page comes back empty: one statement per busy page.
    params = {"board_id": board_id, "school_id": viewer.school_id, "viewer_id": viewer.id}
    rows, next_cursor = run_keyset(
        session, _board_page(), params, cursor, limit, cursor_of=_post_key
    )
    page = _summary_page(session, viewer, rows, next_cursor)
    if not page.items:
        boards_service.get_board(session, viewer, board_id)  # 404 for another school's board
    return page


def list_hot(
    session: Session, viewer: Viewer, school_id: UUID, cursor: str | None, limit: int
) -> Page[PostSummary]:
    boards_service.require_member(viewer, school_id)
    stmt = _summary_select().where(
        Post.school_id == school_id,
        LISTED,
        not_blocked(viewer),
        # Written into the SQL, not bound: a generic plan can use the partial index
        # ix_posts_school_hot only when it sees the threshold of the index's condition.
        Post.like_count >= literal_column(str(HOT_LIKE_THRESHOLD)),
    )
    return _page(session, viewer, stmt, cursor, limit)


def search_posts(
    session: Session, viewer: Viewer, school_id: UUID, query: str, cursor: str | None, limit: int
) -> Page[PostSummary]:
    """Posts whose title or body contains every word of the query, newest first."""
    boards_service.require_member(viewer, school_id)
    haystack = func.lower(Post.title + literal(" ") + Post.body)
    stmt = (
        _summary_select()
        .where(
            Post.school_id == school_id,
            LISTED,
            not_blocked(viewer),
            *search.matches(Post.search_terms, haystack, query),
        )
        .prefix_with(CUSTOM_PLAN)  # a rare word and a common one want different plans
    )
    return _page(session, viewer, stmt, cursor, limit)


def list_mine(
    session: Session, viewer: Viewer, cursor: str | None, limit: int
) -> Page[PostSummary]:
    stmt = _summary_select().where(Post.author_id == viewer.id)
    return _page(session, viewer, stmt, cursor, limit)


def list_by_user(
    session: Session, viewer: Viewer, user_id: UUID, cursor: str | None, limit: int
) -> Page[PostSummary]:
    """A public profile's posts: never anonymous ones, and only what the viewer may see."""
    stmt = _summary_select().where(
        Post.author_id == user_id,
        Post.anonymous.is_(False),
        LISTED,
        Post.school_id == viewer.school_id,
        User.deleted_at.is_(None),
        not_blocked(viewer),
    )
    return _page(session, viewer, stmt, cursor, limit)


def list_scraps(
    session: Session, viewer: Viewer, cursor: str | None, limit: int
) -> Page[PostSummary]:
    stmt = (
        _summary_select()
        .join(Scrap, and_(Scrap.post_id == Post.id, Scrap.user_id == viewer.id))
        .where(shown_to(viewer), not_blocked(viewer))
    )
    rows, next_cursor = keyset_page(session, stmt, Scrap.created_at, Post.id, cursor, limit)
    items = [_summary(r, viewer) for r in rows]
    uploads_service.add_thumbnails(session, items)
    return Page[PostSummary](items=items, next_cursor=next_cursor)


@cache  # built once, its values bound when it runs
def _post_detail() -> AnySelect:
    viewer = bindparam("viewer_id", type_=PostLike.user_id.type)
    liked = exists().where(PostLike.post_id == Post.id, PostLike.user_id == viewer)
    scrapped = exists().where(Scrap.post_id == Post.id, Scrap.user_id == viewer)
    return (
        select(Post, User.nickname, User.deleted_at, liked.label("liked"), scrapped.label("s"))
        .join(User, User.id == Post.author_id)
        .where(Post.id == bindparam("post_id"))
    )


def get_post(session: Session, viewer: Viewer, post_id: UUID) -> PostOut:
    """A post's detail in one statement: the post, its author, and the viewer's marks."""
    row = session.execute(
        _post_detail(), {"post_id": post_id, "viewer_id": viewer.id}
    ).one_or_none()
    if row is None or not can_see(row.Post, viewer):
        raise NotFound("No such post.")
    out = post_out(row.Post, row.nickname, row.deleted_at, viewer, row.liked, row.s)
    out.attachments = uploads_service.post_images(  # no query if none
        session, row.Post.id, row.Post.image_count
    )
    return out


def post_out(
    post: Post,
    nickname: str | None,
    deleted_at: datetime | None,
    viewer: Viewer,
    liked: bool = False,
    scrapped: bool = False,
) -> PostOut:
    return PostOut(
        id=post.id,
        board_id=post.board_id,
        school_id=post.school_id,
        title=post.title,
        body=post.body,
        anonymous=post.anonymous,
        question=post.question,
        hidden=post.hidden_at is not None,
        locked=post.locked_at is not None,
        author=author_view(
            author_id=post.author_id,
            nickname=nickname,
            deleted_at=deleted_at,
            anonymous=post.anonymous,
            is_writer=True,
        ),
        like_count=post.like_count,
        comment_count=post.comment_count,
        scrap_count=post.scrap_count,
        created_at=post.created_at,
        updated_at=post.updated_at,
        is_mine=post.author_id == viewer.id,
        liked=liked,
        scrapped=scrapped,
    )


# --- writing -------------------------------------------------------------------------


_POST_COLUMNS = (
    "id",
    "board_id",
    "school_id",
    "author_id",
    "title",
    "body",
    "anonymous",
    "question",
    "like_count",
    "comment_count",
    "scrap_count",
    "image_count",
    "created_at",
)


@cache
def _insert_post() -> Any:
    return (
        insert(Post)
        .values({name: bindparam(name) for name in _POST_COLUMNS})
        .returning(select(User.nickname).where(User.id == bindparam("author_id")).scalar_subquery())
    )


def create_post(session: Session, viewer: Viewer, board_id: UUID, data: PostIn) -> PostOut:
    board = boards_service.get_board(session, viewer, board_id)  # with its rules
    boards_service.require_may_write(viewer, board, anonymous=data.anonymous, session=session)
    # Not added to the session: written by one prepared INSERT, which also reads the
    # author's nickname; the object only carries the values into the answer.
    post = Post(
        id=new_id(),
        board_id=board.id,
        school_id=board.school_id,
        author_id=viewer.id,
        title=data.title,
        body=data.body,
        anonymous=data.anonymous,
        question=data.question,
        like_count=0,
        comment_count=0,
        scrap_count=0,
        image_count=len(data.attachment_ids),
        created_at=utcnow(),
    )
    try:
        nickname = run_prepared(
            session, _insert_post(), {name: getattr(post, name) for name in _POST_COLUMNS}
        ).scalar_one()
    except DBAPIError as error:
        if database.is_foreign_key_violation(error):
            # The board was deleted after it was read: this insert waited for the delete
            # to commit (delete_empty_board).
            raise NotFound("No such board.") from error
        raise
    attachments = uploads_service.attach_to_post(session, viewer, post.id, data.attachment_ids)
    outbox.record(
        session,
        EventType.post_created,
        f"posts/{post.id}",
        {
            "post_id": str(post.id),
            "board_id": str(post.board_id),
            "school_id": str(post.school_id),
            "author_id": str(viewer.id),
            "anonymous": post.anonymous,
            "question": post.question,
        },
    )
    out = post_out(post, nickname, None, viewer)
    out.attachments = attachments
    return out


def load_for_change(session: Session, viewer: Viewer, post_id: UUID) -> Post:
    """The post, locked, if the viewer wrote it; the question-post rule applies."""
    post = session.scalar(select(Post).where(Post.id == post_id).with_for_update())
    if post is None or not can_see(post, viewer):
        raise NotFound("No such post.")
    if post.author_id != viewer.id:
        raise Forbidden("Only the author can change this post.")
    if post.question and post.comment_count > 0:
        raise Conflict("A question post cannot be changed once it has comments.")
    return post


def update_post(session: Session, viewer: Viewer, post_id: UUID, data: PostUpdate) -> PostOut:
    post = load_for_change(session, viewer, post_id)
    require_open(post)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if not changes:
        raise InvalidInput("Nothing to change: send a title or a body.")
    for field, value in changes.items():
        setattr(post, field, value)
    post.updated_at = utcnow()
    session.flush()
    return get_post(session, viewer, post_id)


def delete_post(session: Session, viewer: Viewer, post_id: UUID) -> None:
    delete_loaded_post(session, load_for_change(session, viewer, post_id))


def delete_loaded_post(session: Session, post: Post) -> None:
    """Delete a post the caller loaded and may delete: its author, or a moderator's
    removal (api/moderation/), which leaves what the author's own delete leaves."""
    uploads_service.delete_post_images(session, post.id, post.image_count)  # after the commit
    session.delete(post)


@cache  # what every like, scrap and comment page reads first: built once
def _visible_post(lock: bool) -> AnySelect:
    stmt = (
        select(Post)
        .options(defer(Post.title), defer(Post.body))
        .where(Post.id == bindparam("post_id"))
    )
    return stmt.with_for_update() if lock else stmt


def visible_post(session: Session, viewer: Viewer, post_id: UUID, *, lock: bool = False) -> Post:
    """A post the viewer may see (`can_see`), or 404. Its title and body are loaded only
    if used: callers (comments, likes, scraps) check who wrote it, and `require_open`
    before adding to it."""
    post = session.scalar(_visible_post(lock), {"post_id": post_id})
    if post is None or not can_see(post, viewer):
        raise NotFound("No such post.")
    return post


def block_author(session: Session, viewer: Viewer, post_id: UUID) -> BlockOut:
    """Block whoever wrote a post the viewer may see, under the post's face: an anonymous
    post's author stays unnamed (`api/social/blocks.py`)."""
    post = session.scalar(select(Post).where(Post.id == post_id))
    if post is None or not can_see(post, viewer):
        raise NotFound("No such post.")
    return blocks.add_block(
        session,
        viewer,
        post.author_id,
        BlockVia.post,
        post.id,
        anonymous=post.anonymous,
        label=post.title,
    )


def delete_empty_board(session: Session, viewer: Viewer, board_id: UUID) -> None:
    """Only an empty board goes: its posts (hidden ones too, which moderation keeps) would
    go with it. The board is locked first, so a post written meanwhile is either seen
    here (409) or refused once the board is gone (404), never deleted with it."""
    board = boards_service.managed_board(session, viewer, board_id)
    if session.scalar(select(exists().where(Post.board_id == board.id))):
        raise BoardNotEmpty()
    boards_service.delete_locked_board(session, board)
